"""The coding panel: what the keys code, the codebook's fields, a note box and a completeness mark.

The fields (panel_fields) are the codebook's groups as sections, the article's
fields in their own; the live section's heading says what the keys code now: a unit
("sentence 4") or the article, which Shift+A makes the target. Buttons never change
their own checked state: a click asks for a code, and the panel shows codes only
when the window passes it what the database now holds, so a failed write can never
leave a button looking saved. Codes that wait to be saved (the project is out of
reach) show with a dashed amber frame and the state line says so, until they are
committed.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.field_values import FieldType, join_choices
from annotator.ui import theme
from annotator.ui.field_inputs import ValueEdit
from annotator.ui.panel_fields import (  # noqa: F401 (category_tooltip, TOOLTIP_WIDTH: used by others)
    ARTICLE,
    TOOLTIP_WIDTH,
    UNIT,
    PanelFields,
    asked_fields,
    category_tooltip,
    fields_of,
)

if TYPE_CHECKING:  # annotations only: the codebook module brings pydantic
    from annotator.core.codebook import Codebook

NOTE_IDLE_MS = 800
# The unit's text in three lines and buttons 2 px padded: with the default codebook the
# whole panel, note included, fits a 1366x768 screen without scrolling (issue 28).
UNIT_LINES = 3


class NoteEdit(QPlainTextEdit):
    """A note box that says when the coder leaves it, so the note is saved then."""

    focus_left = Signal()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.focus_left.emit()

    def sizeHint(self) -> QSize:
        """As tall as its minimum (three lines): the panel in its scroll area asks for the
        preferred height of everything, and a taller hint made a short window scroll; the
        box grows into spare height by its stretch instead."""
        hint = super().sizeHint()
        return QSize(hint.width(), self.minimumHeight())


class CodingPanel(QWidget):
    """Asks for codes and notes by signal; shows what the window says is stored."""

    code_requested = Signal(str, str)  # field key, category code
    value_entered = Signal(str, str)  # field key, typed text: Enter in a number/text/date input
    value_abandoned = Signal(str, str)  # field key, typed text left without Enter
    note_edited = Signal(int, str)  # unit id, text: emitted on leaving the box or when idle
    next_article_requested = Signal()  # the "Next article" offer at the end of an article

    def __init__(self, codebook: Codebook, parent=None) -> None:
        super().__init__(parent)
        self.codebook = codebook
        self.unit_id: int | None = None
        self.scope = UNIT  # what the keys code: a unit, or the article
        self._target = ""
        self._note_dirty = False
        self._idle = QTimer(self, singleShot=True, interval=NOTE_IDLE_MS)
        self._idle.timeout.connect(self.flush_note)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        # Fixed heights (the unit's text elided to three lines, the state to two), so the
        # buttons below never move under the mouse as texts change length.
        line = self.fontMetrics().lineSpacing()
        self._unit_text = ""
        self.unit_label = QLabel(wordWrap=True)
        self.unit_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unit_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.unit_label.setFixedHeight(UNIT_LINES * line + 4)
        layout.addWidget(self.unit_label)
        state_row = QHBoxLayout()
        self.state_icon = QLabel()
        self._state_icon_drawn: tuple[str, str, int] | None = None  # what state_icon shows
        self.state_icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.state_label = QLabel(wordWrap=True)
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.state_label.setFixedHeight(2 * line + 4)
        state_row.addWidget(self.state_icon)
        state_row.addWidget(self.state_label, 1)
        layout.addLayout(state_row)
        self.suggestion_label = QLabel(wordWrap=True)
        self.suggestion_label.setObjectName("suggestion")
        self.suggestion_label.setTextFormat(Qt.TextFormat.PlainText)
        self.suggestion_label.hide()
        self._suggestion = ""
        layout.addWidget(self._message_slot(line))
        self.fields = PanelFields(codebook)
        self.fields.code_requested.connect(self.code_requested)
        self.fields.value_entered.connect(self.value_entered)
        self.fields.value_abandoned.connect(self.value_abandoned)
        layout.addWidget(self.fields)
        layout.addWidget(QLabel("Note"))
        self.note = NoteEdit()
        self.note.setPlaceholderText("A note on this unit (saved as you type)")
        self.note.setTabChangesFocus(True)
        self.note.setStyleSheet(theme.FOCUS_FRAME)
        self.note.setMaximumHeight(110)
        self.note.setMinimumHeight(3 * self.fontMetrics().lineSpacing() + 8)  # three lines
        self.note.textChanged.connect(self._note_changed)
        self.note.focus_left.connect(self.flush_note)
        layout.addWidget(self.note, 1)
        layout.addStretch(1)
        self.show_unit(None, "", {}, "", needs_coding=False)

    def _message_slot(self, line: int) -> QWidget:
        """One place of fixed height (three lines) for the end of the article or, when the
        article has not ended, the machine's suggestion: the buttons below never move as
        either comes and goes, and the two never take room together (on a 1024x700
        window the suggestion above a reserved end-of-article box made the panel scroll).
        A suggestion longer than the place is clipped; its tooltip has the whole text."""
        slot = QWidget()
        slot_layout = QVBoxLayout(slot)
        slot_layout.setContentsMargins(0, 0, 0, 0)
        slot_layout.setSpacing(0)
        slot_layout.addWidget(self.suggestion_label)
        slot_layout.addWidget(self._article_end_box())
        slot_layout.addStretch(1)
        slot.setFixedHeight(3 * line + 8)
        return slot

    def _fill_slot(self) -> None:
        """The end of the article, if announced, else the suggestion, if any."""
        self.suggestion_label.setVisible(bool(self._suggestion) and self.article_end.isHidden())

    def _article_end_box(self) -> QFrame:
        """Where the end of an article is announced, with the offer to go on; it keeps its
        space while hidden so the buttons below never move under the mouse."""
        self.article_end = QFrame()
        self.article_end.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self.article_end)
        row.setContentsMargins(6, 2, 6, 2)
        self.article_end_label = QLabel(wordWrap=True)
        self.next_article_button = QPushButton(theme.icon("next_article"), "Next article")
        self.next_article_button.setToolTip("Open the next article (Page Down)")
        self.next_article_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_article_button.clicked.connect(self.next_article_requested)
        row.addWidget(self.article_end_label, 1)
        row.addWidget(self.next_article_button)
        self.article_end.setFixedHeight(2 * self.fontMetrics().lineSpacing() + 8)
        self.article_end.hide()
        return self.article_end

    def show_article_end(self, text: str | None, *, offer_next: bool = True) -> None:
        """Announce the end of the article (None hides the announcement)."""
        self.article_end.setVisible(text is not None)
        self.article_end_label.setText(text or "")
        self.next_article_button.setVisible(offer_next)
        self._fill_slot()

    @property
    def article_end_text(self) -> str | None:
        return self.article_end_label.text() if self.article_end.isVisible() else None

    def button(self, field: str, code: str) -> QAbstractButton:
        return self.fields.buttons[(field, code)]

    def value_input(self, field: str) -> ValueEdit:
        return self.fields.inputs[field]

    def input_error(self, field: str) -> str:
        """The one line shown under a field's input ("" when none)."""
        label = self.fields.errors[field]
        return label.text() if label.isVisibleTo(self) else ""

    def show_input_error(self, field: str, text: str) -> None:
        self.fields.show_error(field, text)

    def checked_codes(self) -> dict[str, str]:
        """The choices shown as chosen, as stored values (a multiple choice's joined)."""
        chosen: dict[str, list[str]] = {}
        for (field, code), button in self.fields.buttons.items():
            if button.isChecked():
                chosen.setdefault(field, []).append(code)
        shown = {}
        for field, codes in chosen.items():
            spec = self.codebook.field(field)
            multiple = spec.type is FieldType.MULTIPLE
            shown[field] = join_choices(spec, codes) if multiple else codes[0]
        return shown

    def is_asked(self, field: str) -> bool:
        """Whether a field's box is shown (its condition holds of the codes shown)."""
        return self.fields.boxes[field].isVisibleTo(self)

    @property
    def target_text(self) -> str:
        """What the keys code, as the panel says it ("Keys code: sentence 4 …")."""
        return self._target

    # -- showing a unit ----------------------------------------------------------------

    def show_unit(
        self,
        unit_id: int | None,
        text: str,
        codes: dict[str, str],
        note: str,
        *,
        needs_coding: bool,
        waiting: set[str] | None = None,
        scope: str = UNIT,
        target: str = "",
    ) -> None:
        """Show what the keys code, its stored codes and note; the previous unit's pending
        note is saved first. `scope` says whether that is a unit or the article, `target`
        names it in words ("sentence 4", "the article")."""
        if unit_id != self.unit_id:
            self.flush_note()
            self.unit_id = unit_id
            self.note.blockSignals(True)
            self.note.setPlainText(note)
            self.note.blockSignals(False)
            self._note_dirty = False
        self._unit_text = text
        self._show_unit_text()
        enabled = unit_id is not None
        self.scope = scope
        self._target = f"Keys code: {target}" if enabled else ""
        self.fields.set_target(scope, enabled, target if enabled else "")
        self.show_codes(codes, needs_coding=needs_coding, waiting=waiting)
        self.note.setEnabled(enabled)

    def show_other_codes(self, codes: dict[str, str]) -> None:
        """The codes of the scope the keys do not code now (the article's while on a unit,
        the unit's while on the article), shown but not live."""
        self.fields.show_values(ARTICLE if self.scope == UNIT else UNIT, codes)

    def _show_unit_text(self) -> None:
        """The unit's text, elided to about the label's UNIT_LINES lines at its width."""
        metrics = self.unit_label.fontMetrics()
        width = max(self.unit_label.width(), 120)
        budget = int(width * (UNIT_LINES - 0.6))  # wrapping wastes part of each line
        self.unit_label.setText(
            metrics.elidedText(self._unit_text, Qt.TextElideMode.ElideRight, budget)
        )

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._show_unit_text()

    def show_codes(
        self, codes: dict[str, str], *, needs_coding: bool, waiting: set[str] | None = None
    ) -> None:
        """`waiting` names the fields whose shown code is not saved yet."""
        waiting = waiting or set()
        self.fields.show_values(self.scope, codes, waiting)
        asked = asked_fields(self.codebook, self.scope, codes)
        missing = [
            f.label
            for f in fields_of(self.codebook, self.scope)
            if f.required and f.key in asked and f.key not in codes
        ]
        if self.unit_id is not None and waiting:
            labels = ", ".join(f.label for f in self.codebook.fields if f.key in waiting)
            self._set_state(
                "waiting",
                f"Not saved yet ({labels}): waiting for the project",
                theme.waiting_color(),
            )
        elif self.unit_id is None:
            self._set_state("not_required", "No unit selected", theme.muted_text())
        elif not missing:
            self._set_state("complete", "Complete", theme.success_color())
        elif not needs_coding:
            self._set_state("not_required", "Not required (optional to code)", theme.muted_text())
        else:
            self._set_state(
                "incomplete", "Incomplete: needs " + ", ".join(missing), theme.error_color()
            )

    def show_suggestion(self, text: str | None) -> None:
        """The machine's suggestion for this unit ("Suggested: …, because …"), or none."""
        self._suggestion = text or ""
        self.suggestion_label.setText(self._suggestion)
        self.suggestion_label.setToolTip(self._suggestion)
        self._fill_slot()

    def _set_state(self, icon_name: str, text: str, color) -> None:
        size = self.fontMetrics().height()
        drawn = (icon_name, color.name(), size)
        if drawn != self._state_icon_drawn:  # drawing the icon again costs each key time
            self.state_icon.setPixmap(theme.icon(icon_name, color).pixmap(size, size))
            self._state_icon_drawn = drawn
        self.state_label.setText(
            f"<span style='color:{color.name()}'><b>{html.escape(text)}</b></span>"
        )
        self._state_text = text

    @property
    def state_text(self) -> str:
        return self._state_text

    # -- notes -------------------------------------------------------------------------

    def _note_changed(self) -> None:
        self._note_dirty = True
        self._idle.start()

    def flush_note(self) -> None:
        """Hand a changed note to the window to save: on focus out, when idle, on unit change."""
        self._idle.stop()
        if self._note_dirty and self.unit_id is not None:
            self._note_dirty = False
            self.note_edited.emit(self.unit_id, self.note.toPlainText())

    def replace_note(self, text: str) -> None:
        """The note as another window saved it, unless the coder is changing it here."""
        if self._note_dirty or text == self.note.toPlainText():
            return
        self.note.blockSignals(True)
        self.note.setPlainText(text)
        self.note.blockSignals(False)

    def mark_note_unsaved(self) -> None:
        """A save failed: keep the text and try again at the next flush."""
        self._note_dirty = True
