"""Adjudication: the supervisor's decisions, written through the core with undo, and the
panel that asks for them.

Every decision is one call to `adjudication.adjudicate` (the consensus coder's code, with
history naming the supervisor), after which one `changed` signal carries what was
committed; views update from it. Undo writes back exactly what the decision replaced,
through the coding service with the origin "undo", so an undo is as durable as the
decision it takes back: after it the project holds what it held before.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Codebook, CodebookField
from annotator.core.coding import service as coding
from annotator.core.coding.service import Change
from annotator.core.errors import CodebookError
from annotator.core.field_values import FieldType, parse
from annotator.core.store.models import NOTE_TARGET
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision import adjudication
from annotator.core.supervision.adjudication import Disagreement
from annotator.ui import theme
from annotator.ui.coding_panel import category_tooltip
from annotator.ui.operations import commit_and_announce
from annotator.ui.review.disagreements import value_label

MAX_NUMBERED_CODERS = 9  # keys 1-9 take a coder's code


class ReviewOperations(QObject):
    """The one channel through which the review window changes the project."""

    changed = Signal(object)  # list[Change], all committed
    saved = Signal()
    failed = Signal(str)
    revisited = Signal(int, str)  # unit id, field: an undo or redo touched this decision

    def __init__(self, project: Project, supervisor: str | None, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.supervisor = supervisor
        self.undo_stack = QUndoStack(self)

    def adjudicate(
        self, unit_id: int, field: str, code: str | None, note: str | None, text: str
    ) -> bool:
        """An undoable decision; False when nothing was saved."""
        command = AdjudicateCommand(self, unit_id, field, code, note, text)
        self.undo_stack.push(command)
        return command.succeeded

    def decide(
        self, unit_id: int, field: str, code: str | None, note: str | None
    ) -> list[Change] | None:
        """Commit a decision; the changes (maybe none) on success, None on failure."""
        return self._run(
            lambda: adjudication.adjudicate(
                self.project, unit_id, field, code, note, self.supervisor
            )
        )

    def restore(self, unit_id: int, made: list[Change], note: str | bool | None):
        """Undo a decision in one transaction: its code changes reversed where the consensus
        still holds what it set (else nothing, and `failed` says why), and the note it
        replaced put back (`note` False: the decision left the note alone)."""
        inverse = [Change(c.unit_id, c.coder, c.target, c.new, c.old) for c in made]
        return self._run(
            lambda: adjudication.restore_decision(self.project, unit_id, inverse, note)
        )

    def replay(self, changes: list[Change], origin: str) -> list[Change] | None:
        """Redo (or, given inverted changes, undo) a bulk acceptance in one transaction,
        leaving alone any code decided differently since."""
        return self._run(
            lambda: coding.apply_changes(
                self.project, CONSENSUS, changes, origin=origin, reserved=CONSENSUS
            )
        )

    def accepted_in_bulk(self, accepted: list[Change]) -> None:
        """Put a bulk acceptance done elsewhere (in a worker thread) on the undo stack."""
        if accepted:
            self.undo_stack.push(BulkAcceptCommand(self, accepted))
            self.changed.emit(accepted)

    def _run(self, write) -> list[Change] | None:
        return commit_and_announce(self, write)


class BulkAcceptCommand(QUndoCommand):
    """ "Accept all unanimous units": already done when pushed; undo clears the codes it set
    (where they are still what it set), redo sets them again (where still unset)."""

    def __init__(self, operations: ReviewOperations, accepted: list[Change]) -> None:
        super().__init__(f"Accept {len(accepted)} unanimous code(s)")
        self.operations = operations
        self.accepted = accepted
        self.done = True

    def redo(self) -> None:
        if self.done:  # pushed after the fact: the acceptance is already committed
            return
        if self.operations.replay(self.accepted, "redo") is None:
            self.setObsolete(True)
            return
        self.done = True

    def undo(self) -> None:
        inverse = [Change(c.unit_id, c.coder, c.target, c.new, c.old) for c in self.accepted]
        if self.operations.replay(inverse, "undo") is None:
            self.setObsolete(True)
            return
        self.done = False


class AdjudicateCommand(QUndoCommand):
    """One decision on one field of one unit; undo restores the code (and note) it replaced."""

    def __init__(
        self,
        operations: ReviewOperations,
        unit_id: int,
        field: str,
        code: str | None,
        note: str | None,
        text: str,
    ) -> None:
        super().__init__(text)
        self.operations = operations
        self.unit_id = unit_id
        self.field = field
        self.code = code
        self.note = note
        self.made: list[Change] = []  # the code changes the decision made
        self.old_note: str | bool | None = False  # False: the decision left the note alone
        self.succeeded = False

    def redo(self) -> None:
        changes = self.operations.decide(self.unit_id, self.field, self.code, self.note)
        if changes is None:
            self.setObsolete(True)
            return
        if self.succeeded:
            self.operations.revisited.emit(self.unit_id, self.field)
            return
        self.succeeded = True
        for change in changes:  # first run: remember exactly what was replaced
            if change.target == NOTE_TARGET:
                self.old_note = change.old
            else:
                self.made.append(change)
        if not changes:
            self.setObsolete(True)

    def undo(self) -> None:
        if self.operations.restore(self.unit_id, self.made, self.old_note) is None:
            self.setObsolete(True)
            return
        self.operations.revisited.emit(self.unit_id, self.field)


class AdjudicationPanel(QWidget):
    """Every coder's code for the current disagreement, side by side, each a button to take it,
    plus another code from the codebook (a choice field) or a value typed in (multiple choice,
    number, text, date: read as `field_values.parse` reads it) and a note. Asks by signal;
    writes nothing itself."""

    decided = Signal(str, str)  # code, note

    def __init__(self, codebook: Codebook, parent=None) -> None:
        super().__init__(parent)
        self.codebook = codebook
        self.disagreement: Disagreement | None = None
        self.coders: list[str] = []
        self.buttons: list[QPushButton] = []
        self.coder_row = QGridLayout()
        self.consensus = QLabel()
        self.consensus.setTextFormat(Qt.TextFormat.RichText)
        self.coder_notes = QLabel(wordWrap=True)
        self.coder_notes.setTextFormat(Qt.TextFormat.RichText)
        self.other_label = QLabel("Or another code:")
        self.other_code = QComboBox()
        self.other_code.setToolTip("Any code of this field, when no coder's code is right")
        self.other_code.setPlaceholderText("choose a code, then Set")
        self.typed_value = QLineEdit()
        self.typed_value.returnPressed.connect(self._set_other)
        self.typed_value.textEdited.connect(lambda _text: self.value_error.hide())
        self.value_error = QLabel()
        self.value_error.setStyleSheet(f"color: {theme.error_color().name()};")
        self.value_error.hide()
        self.set_other = QPushButton("Set")
        self.note = QLineEdit(placeholderText="Note on this unit (saved with the decision)")
        other = QHBoxLayout()
        other.addWidget(self.other_label)
        other.addWidget(self.other_code, 1)
        other.addWidget(self.typed_value, 1)
        other.addWidget(self.set_other)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Take a coder's code (click, or press the coder's number):"))
        layout.addLayout(self.coder_row)
        layout.addWidget(self.coder_notes)
        layout.addLayout(other)
        layout.addWidget(self.value_error)
        layout.addWidget(self.note)
        layout.addWidget(self.consensus)
        self.set_other.clicked.connect(self._set_other)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            pick = QShortcut(QKeySequence(key), self.other_code)
            pick.setContext(Qt.ShortcutContext.WidgetShortcut)
            pick.activated.connect(self._set_other)
        self.show_disagreement(None, [], None)

    def show_disagreement(
        self,
        disagreement: Disagreement | None,
        coders: list[str],
        note: str | None,
        coder_notes: dict[str, str] | None = None,
    ) -> None:
        """Show one disagreement (None: nothing chosen) with the consensus note of its unit
        and the coders' own notes on it (coder -> note)."""
        self.disagreement = disagreement
        self._show_coder_notes(coder_notes or {}, coders)
        self.coders = list(coders)[:MAX_NUMBERED_CODERS]
        for button in self.buttons:
            self.coder_row.removeWidget(button)
            button.hide()  # at once: deleteLater waits for the event loop
            button.deleteLater()
        self.buttons = []
        self.other_code.clear()
        self.typed_value.clear()
        self.value_error.hide()
        enabled = disagreement is not None
        for widget in (self.other_code, self.typed_value, self.set_other, self.note):
            widget.setEnabled(enabled)
        if disagreement is None:
            self._show_value_input(FieldType.SINGLE)
            self.note.clear()
            self.consensus.setText("Choose a disagreement in the list.")
            return
        field = self.codebook.field(disagreement.field)
        for number, coder in enumerate(self.coders, start=1):
            code = disagreement.codes.get(coder)
            label = value_label(field, code) if code else "not coded"
            chosen = code is not None and code == disagreement.consensus
            button = QPushButton(f"{number}   {coder}: {label}" + ("   ✓" if chosen else ""))
            button.setEnabled(code is not None)
            category = field.category(code) if code and field.type is FieldType.SINGLE else None
            button.setToolTip(category_tooltip(category) if category is not None else label)
            button.clicked.connect(lambda _checked=False, n=number: self.take(n))
            self.coder_row.addWidget(button, 0, number - 1)
            self.buttons.append(button)
        self._show_value_input(field.type)
        if field.type is FieldType.SINGLE:
            for category in field.categories:
                self.other_code.addItem(category.label, category.code)
            # none shown chosen until the consensus has one: a code in the box reads as decided
            self.other_code.setCurrentIndex(self.other_code.findData(disagreement.consensus))
        else:
            self.typed_value.setPlaceholderText(_value_hint(field))
            if disagreement.consensus is not None:
                self.typed_value.setText(value_label(field, disagreement.consensus))
        self.note.setText(note or "")
        self.show_consensus(disagreement.consensus)

    def _show_value_input(self, kind: FieldType) -> None:
        """A list of codes for a single choice; a line to type in for every other type."""
        single = kind is FieldType.SINGLE
        self.other_code.setVisible(single)
        self.typed_value.setVisible(not single)
        self.other_label.setText("Or another code:" if single else "Or type a value:")

    def _show_coder_notes(self, notes: dict[str, str], coders: list[str]) -> None:
        """Each coder's note as "2 bob: unsure about source" (the coder's number as on the
        buttons), or nothing when no coder left one."""
        lines = [
            f"<b>{number} {html.escape(coder)}:</b> {html.escape(notes[coder])}"
            for number, coder in enumerate(coders[:MAX_NUMBERED_CODERS], start=1)
            if notes.get(coder)
        ]
        self.coder_notes.setText("Coders' notes:<br>" + "<br>".join(lines) if lines else "")
        self.coder_notes.setVisible(bool(lines))

    def show_consensus(self, code: str | None) -> None:
        if self.disagreement is None:
            return
        field = self.codebook.field(self.disagreement.field)
        if code is None:
            self.consensus.setText(f"<b>{html.escape(field.label)}</b>: not adjudicated yet")
            return
        self.consensus.setText(
            f"<b>{html.escape(field.label)}</b>: consensus is "
            f"<b>{html.escape(value_label(field, code))}</b>"
        )

    def take(self, number: int) -> bool:
        """Ask to take coder `number`'s code (1-based); False when that coder has none."""
        if self.disagreement is None or not 1 <= number <= len(self.coders):
            return False
        code = self.disagreement.codes.get(self.coders[number - 1])
        if code is None:
            return False
        self.decided.emit(code, self.note.text())
        return True

    def focus_other(self) -> None:
        """Keyboard focus on "another code": the list of codes or the line to type in."""
        if self.disagreement is None:
            return
        if self.codebook.field(self.disagreement.field).type is FieldType.SINGLE:
            self.other_code.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        self.typed_value.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.typed_value.selectAll()

    def _set_other(self) -> None:
        if self.disagreement is None:
            return
        field = self.codebook.field(self.disagreement.field)
        if field.type is FieldType.SINGLE:
            code = self.other_code.currentData()
            if code:
                self.decided.emit(code, self.note.text())
            return
        try:
            value = parse(field, self.typed_value.text())
        except CodebookError as error:  # one line: what is wrong with what was typed
            self.value_error.setText(str(error))
            self.value_error.show()
            return
        self.value_error.hide()
        self.decided.emit(value, self.note.text())


def _value_hint(field: CodebookField) -> str:
    """What the typed-value line takes, as its placeholder."""
    if field.type is FieldType.MULTIPLE:
        labels = "; ".join(c.label for c in field.categories)
        return f"categories separated by ';' ({labels})"
    if field.type is FieldType.NUMBER:
        bounds = [
            f"from {field.minimum:g}" if field.minimum is not None else "",
            f"to {field.maximum:g}" if field.maximum is not None else "",
        ]
        whole = "a whole number" if field.integer else "a number"
        return " ".join([whole, *filter(None, bounds)])
    if field.type is FieldType.DATE:
        return "a date, YYYY-MM-DD"
    return f"a text of at most {field.max_length} characters"
