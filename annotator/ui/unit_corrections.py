"""Correcting the reader's units from the window: split, merge with the next, change kind.

Each action is one call into the core (`ingest.corrections`, one transaction), which
refuses units someone has coded; afterwards the article is read again, so the reader,
the panel and the article list's progress show what the project now holds. Each is a
command on the window's undo stack (Ctrl+Z puts the units back, through the core).
The actions sit in the reader's context menu and in the Edit menu with their keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.coding import lookups
from annotator.core.errors import AnnotatorError
from annotator.core.ingest import corrections
from annotator.ui.controller import WorkspaceController

Reverse = Callable[[int], object]  # undoes a correction, given the unit's id at that time
Correction = Callable[[int], Reverse | None]  # makes one, given the unit's id

KINDS = (("sentence", "Sentence"), ("heading", "Heading"), ("furniture", "Page furniture"))
SPLIT_KEY = "Ctrl+Shift+S"
MERGE_KEY = "Ctrl+Shift+J"
KIND_KEY = "Ctrl+Shift+T"  # the next kind in KINDS: sentence -> heading -> furniture


class SplitDialog(QDialog):
    """The unit's text with a cursor: the second part starts where the cursor stands."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Split unit")
        self.text = text
        self.editor = QPlainTextEdit(text)
        self.editor.setReadOnly(True)
        self.editor.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.place_cursor(_likely_cut(text))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Split here")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Put the cursor where the second unit should start:"))
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        self.resize(560, 240)

    def place_cursor(self, index: int) -> None:
        """Put the cursor before character `index` of the unit's text."""
        cursor = self.editor.textCursor()
        cursor.setPosition(len(self.text[:index].encode("utf-16-le")) // 2)
        self.editor.setTextCursor(cursor)

    def position(self) -> int:
        """The cursor's position as an index into the unit's text (Qt counts UTF-16 code
        units, Python code points: they differ after an emoji)."""
        units = self.editor.textCursor().position()
        return len(self.text.encode("utf-16-le")[: 2 * units].decode("utf-16-le", "ignore"))


def _likely_cut(text: str) -> int:
    """Where a cut is most likely wanted: after the first line break, else mid-text."""
    newline = text.find("\n")
    if newline > 0:
        return newline + 1
    space = text.find(" ", len(text) // 2)
    return space + 1 if space > 0 else len(text) // 2


class UnitCorrections(QObject):
    """The split, merge and kind actions on the current unit of the controller's article."""

    corrected = Signal(int)  # the unit to show after the article was read again
    refused = Signal(str)  # one line: which unit, and why nothing changed

    def __init__(
        self,
        controller: WorkspaceController,
        parent: QWidget,
        ask_split: Callable[[str, QWidget], int | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.window = parent
        self.ask_split = ask_split or _ask_split
        self.split_action = self._action("Split unit…", SPLIT_KEY, self.split_current)
        self.merge_action = self._action("Merge with next unit", MERGE_KEY, self.merge_current)
        self.next_kind_action = self._action("Change kind", KIND_KEY, self.cycle_kind)
        self.kind_actions = {
            kind: self._action(f"Make it: {label}", None, lambda k=kind: self.set_kind(k))
            for kind, label in KINDS
        }
        reader = controller.reader
        reader.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        reader.customContextMenuRequested.connect(self.show_menu)

    def _action(self, text: str, key: str | None, slot) -> QAction:
        action = QAction(text, self.window)
        if key:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    def actions(self) -> list[QAction]:
        return [self.split_action, self.merge_action, self.next_kind_action]

    def context_menu(self) -> QMenu:
        """The menu for the current unit: split, merge, and the kinds it is not."""
        menu = QMenu(self.window)
        menu.addAction(self.split_action)
        menu.addAction(self.merge_action)
        menu.addSeparator()
        row = self.controller.current_row()
        kind = self.controller.units.unit(row).kind if row is not None else None
        for other, action in self.kind_actions.items():
            if other != kind:
                menu.addAction(action)
        return menu

    def show_menu(self, position: QPoint) -> None:
        reader = self.controller.reader
        index = reader.indexAt(position)
        if not index.isValid():
            return
        reader.show_row(index.row())
        self.context_menu().popup(reader.viewport().mapToGlobal(position))

    # -- the actions -------------------------------------------------------------------

    def split_current(self) -> bool:
        unit = self._current()
        if unit is None:
            return False
        position = self.ask_split(unit.text, self.window)
        if position is None:
            return False
        project = self.controller.project

        def split(unit_id: int) -> Reverse:
            corrections.split_unit(project, unit_id, position, within_unit=True)
            return lambda first: corrections.merge_with_next(project, first)

        return self._push("Split unit", unit.idx, split)

    def merge_current(self) -> bool:
        unit = self._current()
        if unit is None:
            return False
        project = self.controller.project

        def merge(unit_id: int) -> Reverse:
            merged = corrections.merge_with_next(project, unit_id)
            return lambda first: corrections.unmerge(project, replace(merged, unit_id=first))

        return self._push("Merge units", unit.idx, merge)

    def set_kind(self, kind: str) -> bool:
        unit = self._current()
        if unit is None:
            return False
        project = self.controller.project

        def change(unit_id: int) -> Reverse | None:
            previous = corrections.set_kind(project, unit_id, kind)
            if previous is None:
                return None  # it already was one: nothing to undo
            return lambda same: corrections.set_kind(project, same, previous)

        return self._push(f"Make it: {kind}", unit.idx, change)

    def cycle_kind(self) -> bool:
        unit = self._current()
        if unit is None:
            return False
        kinds = [kind for kind, _ in KINDS]
        following = (kinds.index(unit.kind) + 1) % len(kinds) if unit.kind in kinds else 0
        return self.set_kind(kinds[following])

    # -- through the core, then read again -----------------------------------------------

    def _current(self):
        row = self.controller.current_row()
        return None if row is None else self.controller.units.unit(row)

    def _push(self, text: str, idx: int, action: Correction) -> bool:
        """Run a correction as an undoable command on the window's undo stack."""
        article_id = self.controller.article_id
        if article_id is None:
            return False
        command = CorrectionCommand(self, text, article_id, idx, action)
        self.controller.operations.undo_stack.push(command)
        return command.succeeded

    def run(self, article_id: int, idx: int, write: Callable[[int], object]) -> object | None:
        """One correction through the core on the unit at position `idx` of the article;
        on success the article is read again and the unit shown, on refusal `refused`
        says why. None when refused."""
        try:
            unit_id = self._unit_at(article_id, idx)
            result = write(unit_id)
        except AnnotatorError as error:
            self.refused.emit(f"Not changed: {error}")
            return None
        self.controller.open_article(article_id, unit_id)
        self.controller.load_articles()
        self.corrected.emit(unit_id)
        return result if result is not None else True

    def _unit_at(self, article_id: int, idx: int) -> int:
        row = self.controller.articles.row_of(article_id)
        if row is None:
            raise AnnotatorError("the article is no longer in the list")
        key = self.controller.articles.summary(row).key
        return lookups.find_unit(self.controller.project, f"{key}#{idx}").id


class CorrectionCommand(QUndoCommand):
    """A correction on the undo stack: `action` makes it and returns how to undo it.

    Commands name their unit by its position in the article, not by its id: a merge
    deletes the second unit and undoing it makes a new one, so ids do not survive undo
    and redo, while positions do (the stack undoes in order, so each command finds the
    article as it left it). A correction the core refuses, also on undo or redo because
    someone coded the unit since, leaves the stack with the reason shown.
    """

    def __init__(
        self,
        corrections_: UnitCorrections,
        text: str,
        article_id: int,
        idx: int,
        action: Correction,
    ) -> None:
        super().__init__(text)
        self.corrections = corrections_
        self.article_id = article_id
        self.idx = idx
        self.action = action
        self.reverse: Reverse | None = None
        self.succeeded = False

    def redo(self) -> None:
        reverse = self.corrections.run(self.article_id, self.idx, self.action)
        self.succeeded = reverse is not None
        if not callable(reverse):  # refused, or nothing changed
            self.setObsolete(True)
            return
        self.reverse = reverse

    def undo(self) -> None:
        reverse = self.reverse
        if reverse is None or self.corrections.run(self.article_id, self.idx, reverse) is None:
            self.setObsolete(True)


def _ask_split(text: str, parent: QWidget) -> int | None:
    dialog = SplitDialog(text, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.position()
