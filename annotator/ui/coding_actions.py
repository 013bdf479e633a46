"""What a coding key, a click on a code or Enter in a value box does: the coding
half of the workspace controller (ui.controller), kept apart so each reads in one go.

A key codes the keys' target (the current unit, or the article's own unit after
Shift+A) through the coding operations (one undoable action each); a key of the
other target's fields, or of a field not asked (its condition does not hold), codes
nothing and says why. A change that would switch coded conditional fields off asks
first (`confirm_clearing`); the core clears them in the same action. Once the target
is complete, auto-advance moves on: the next incomplete unit, the article's own
fields after the last one, else the end of the article is announced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.core.codebook import Codebook, Scope
from annotator.core.conditions import describe
from annotator.core.errors import CodebookError
from annotator.core.field_values import FieldType, parse, toggled
from annotator.ui.operations import change_text, code_label

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from annotator.ui.coding_panel import CodingPanel
    from annotator.ui.operations import CodingOperations
    from annotator.ui.reader_view import ReaderView
    from annotator.ui.settings import AppSettings
    from annotator.ui.units_model import UnitsModel


def ask_at_once(_fields: list[str], proceed: Callable[[], object]) -> None:
    """The default for confirming cleared fields: go ahead (a window sets its own, which
    asks the coder first)."""
    proceed()


class CodingActions:
    """Mixed into the workspace controller, whose state it uses."""

    codebook: Codebook
    units: UnitsModel
    reader: ReaderView
    panel: CodingPanel
    operations: CodingOperations
    settings: AppSettings
    message: SignalInstance
    on_article: bool
    ended_on: int | None
    # Asked before a change that clears coded conditional fields: (their labels, the
    # change to make if the coder agrees). The window sets one that shows a dialog.
    confirm_clearing: Callable[[list[str], Callable[[], object]], None] = staticmethod(ask_at_once)

    if TYPE_CHECKING:  # what the controller provides

        @property
        def article_id(self) -> int | None: ...
        def current_row(self) -> int | None: ...
        def current_unit_id(self) -> int | None: ...
        def target_unit_id(self) -> int | None: ...
        def show_article(self) -> bool: ...
        def leave_article(self) -> bool: ...
        def _show_row(self, row: int) -> None: ...

    def code(self, field: str, code: str) -> bool:
        """A category's key or button: set it (a multiple choice: toggle it) on the keys'
        target; pressing the code already set keeps it set."""
        spec = self.codebook.field(field)
        unit_id = self._target_for(field, spec.category(code).shortcut or code)
        if unit_id is None:
            return False
        old = self.units.codes(unit_id).get(field)
        new = toggled(spec, old, code) if spec.type is FieldType.MULTIPLE else code
        if old == new:
            return True
        return self.set_value(unit_id, field, new)

    def enter_value(self, field: str, text: str) -> bool:
        """Enter in a number, text or date input: the text read by the codebook's rules
        (`field_values.parse`) and saved, or refused in one line under the input; an
        empty input clears the field. Once saved, the keyboard goes back to the reader."""
        spec = self.codebook.field(field)
        unit_id = self._target_for(field, "Enter")
        if unit_id is None:
            return False
        try:
            value = parse(spec, text) if text.strip() else None
        except CodebookError as error:
            self.panel.show_input_error(field, str(error))
            self.message.emit(f"Not saved: {error}")
            return False
        self.panel.show_input_error(field, "")
        if self.units.codes(unit_id).get(field) != value and not self.set_value(
            unit_id, field, value
        ):
            return False
        self.panel.value_input(field).show_saved(value)
        self.message.emit(f"Saved: {spec.label}: {code_label(self.codebook, field, value)}.")
        self.reader.setFocus()
        return True

    def _value_abandoned(self, field: str, _text: str) -> None:
        self.panel.show_input_error(field, "")
        self.message.emit(f"Not saved: {self.codebook.field(field).label} (Enter saves a value).")

    def _target_for(self, field: str, key: str) -> int | None:
        """The unit a key for `field` codes now, or None (and the status bar says why) when
        the field is not the keys' target's or is not asked of it."""
        if self.article_id is None:
            return None
        spec = self.codebook.field(field)
        if self.current_row() is None and not self.on_article:
            return None
        if (spec.scope is Scope.ARTICLE) != self.on_article:
            where = "the article" if spec.scope is Scope.ARTICLE else "a unit"
            self.message.emit(
                f"Not coded: {key} codes {spec.label} of {where}; "
                f"Shift+A switches between the article and its units."
            )
            return None
        unit_id = self.target_unit_id()
        assert unit_id is not None
        if spec.when is not None and field not in self.codebook.applicable(
            spec.scope, self.units.codes(unit_id)
        ):
            labels = {f.key: f.label for f in self.codebook.fields}
            self.message.emit(
                f"Not coded: {spec.label} is asked only when {describe(spec.when, labels)}."
            )
            return None
        if not self.on_article:
            self.reader.keep_in_view()  # never code a unit the coder cannot see
        return unit_id

    def set_value(self, unit_id: int, field: str, value: str | None) -> bool:
        """Write one field of the target; a change that switches coded conditional fields
        off asks first (`confirm_clearing`), the core clearing them in the same action.
        False when nothing was saved (yet)."""
        spec = self.codebook.field(field)
        codes = self.units.codes(unit_id)
        after = {k: v for k, v in (codes | {field: value}).items() if v is not None}
        asked = self.codebook.applicable(spec.scope, after)
        switched_off = [f for f in self.codebook.dependents(field) if f.key not in asked]
        cleared = [f.label for f in switched_off if f.key in codes]
        if not cleared:
            return self._write(unit_id, field, value)
        self.confirm_clearing(cleared, lambda: self._write(unit_id, field, value))
        return False

    def _write(self, unit_id: int, field: str, value: str | None) -> bool:
        if self.article_id is None or unit_id != self.target_unit_id():
            return False  # the target moved while a question was open
        row = self.current_row()
        was_complete = self._target_complete()
        old = self.units.codes(unit_id).get(field)
        text = f"{self.codebook.field(field).label}: {code_label(self.codebook, field, value)}"
        saved = self.operations.code(self.article_id, unit_id, {field: value}, text)
        if (
            (saved or bool(self.operations.pending))  # waiting codes count for moving on
            and not was_complete
            and self._target_complete()
            and self.settings.auto_advance()
        ):
            self._advance_from(row, unit_id)
        elif saved and was_complete:
            # A key on a complete unit changes it, as pressed, but never unawares.
            change = change_text(self.codebook, {field: old}, {field: value})
            what = "the article's fields" if self.on_article else "a complete unit"
            text = f"Changed {what} ({change})."
            if self.ended_on == unit_id:
                text += " " + self._end_text()
            self.message.emit(text)
        return saved

    def _target_complete(self) -> bool:
        if self.on_article:
            return not self.units.article_incomplete()
        row = self.current_row()
        return row is not None and self.units.is_complete(row)

    def _advance_from(self, row: int | None, unit_id: int) -> None:
        """Auto-advance: to the next unit still needing coding after `row`, else the
        article's own fields if they are incomplete, else the first unit before it (a
        gap left behind), else announce the article complete."""
        after = -1 if row is None or self.on_article else row
        target = self.units.next_row(after, 1, incomplete_only=True)
        if target is None and not self.on_article and self.units.article_incomplete():
            self.show_article()
            self.message.emit("Now the article's own fields (Shift+A goes back to the units).")
            return
        if target is None and not self.on_article:
            target = self.units.next_row(-1, 1, incomplete_only=True)
            if target is not None:
                self.message.emit("Back to a unit left incomplete above.")
        if target is None:
            self.leave_article()  # the end is announced on the unit the coder was on
            self.reader.keep_in_view()
            current = self.current_unit_id()
            self._stopped_at_end(unit_id if current is None else current)
        else:
            self._show_row(target)

    def _stopped_at_end(self, unit_id: int) -> None:
        """Auto-advance found no unit after this one: say so, and offer the next article."""
        self.ended_on = unit_id
        text = self._end_text()
        self.panel.show_article_end(text, offer_next=True)
        self.message.emit(text)

    def _end_text(self) -> str:
        left = sum(
            1
            for row in range(self.units.rowCount())
            if self.units.needs_coding(row) and not self.units.is_complete(row)
        )
        article = self.units.article_incomplete()
        if not left and not article:
            return "Article complete: Page Down for the next one."
        parts = ["1 unit" if left == 1 else f"{left} units"] if left else []
        parts += ["the article's own fields"] if article else []
        return f"End of the article; {' and '.join(parts)} still incomplete (Enter goes there)."

    def clear_unit(self) -> bool:
        """Delete: clear every code of the keys' target (the unit, or the article's fields)."""
        unit_id = self.target_unit_id()
        if unit_id is None or self.article_id is None:
            return False
        if not self.on_article:
            self.reader.keep_in_view()
        codes = self.units.codes(unit_id)
        if not codes:
            return True
        return self.operations.code(self.article_id, unit_id, dict.fromkeys(codes), "Clear codes")
