"""The one channel through which the window changes a project.

Every coding action is one call into `annotator.core.coding` (one transaction),
after which exactly one `changed` signal carries the committed changes; models
update from that signal. A refused action emits `failed` with a plain reason and
changes nothing on screen. An action that failed only because the project was out
of reach waits in `pending` (see `pending.py`) and is retried until it is saved.
Widgets never talk to the database themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack

from annotator.core.codebook import Codebook
from annotator.core.coding import service as coding
from annotator.core.coding.service import Change
from annotator.core.errors import AnnotatorError, ProjectUnavailable
from annotator.core.log_file import log_unexpected
from annotator.core.store.models import Origin
from annotator.core.store.project import Project
from annotator.ui import theme
from annotator.ui.field_inputs import value_label
from annotator.ui.pending import PendingQueue, PendingWrite, Prober
from annotator.ui.project_changes import announce


def commit_and_announce(
    channel: QObject,
    write: Callable[[], list[Change]],
    unavailable: Callable[[str], None] | None = None,
) -> list[Change] | None:
    """Run one write into the core on `channel` (an object with saved, changed and failed
    signals): saved and changed after the commit, or failed with a plain reason and None.
    With `unavailable`, a project out of reach is reported there instead of as failed."""
    try:
        changes = write()
    except ProjectUnavailable as error:
        if unavailable is None:
            channel.failed.emit(str(error))
        else:
            unavailable(str(error))
        return None
    except (AnnotatorError, OSError) as error:
        channel.failed.emit(str(error))
        return None
    except Exception as error:  # a database error the core did not translate
        log_unexpected("saving", error)
        channel.failed.emit(f"{type(error).__name__}: {str(error).splitlines()[0]}")
        return None
    channel.saved.emit()
    if changes:
        channel.changed.emit(changes)
        announce(channel.project.path, channel, changes)  # the other windows on it
    return changes


def code_label(codebook: Codebook, field: str, code: str | None) -> str:
    return value_label(codebook.field(field), code)


def change_text(
    codebook: Codebook, old: Mapping[str, str | None], new: Mapping[str, str | None]
) -> str:
    """Each field that changed, as "Confidence: Medium → Low" (the status bar's words)."""
    return "; ".join(
        f"{codebook.field(field).label}: {code_label(codebook, field, old.get(field))}"
        f" → {code_label(codebook, field, code)}"
        for field, code in new.items()
        if old.get(field) != code
    )


def undo_redo_actions(
    stack: QUndoStack,
    parent: QObject,
    allowed: Callable[[], bool] = lambda: True,
    report: Callable[[str], object] = lambda _text: None,
) -> tuple[QAction, QAction]:
    """Edit-menu actions for a window's undo stack, with the same keys in every window.

    They are made by hand rather than by `createUndoAction` so that `allowed` can hold
    them back (undoing while earlier actions wait to be saved would reorder history).
    What each step undid or redid goes to `report` ("Undone: Confidence: Medium → Low").
    """
    undo = QAction(theme.icon("undo"), "Undo", parent)
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    redo = QAction(theme.icon("redo"), "Redo", parent)
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    for action, can_change, text_changed, word, backwards in (
        (undo, stack.canUndoChanged, stack.undoTextChanged, "Undo", True),
        (redo, stack.canRedoChanged, stack.redoTextChanged, "Redo", False),
    ):
        can_change.connect(action.setEnabled)
        text_changed.connect(lambda text, a=action, w=word: a.setText(f"{w} {text}".strip()))
        action.triggered.connect(
            lambda _checked=False, b=backwards: _step(stack, b, report) if allowed() else None
        )
    undo.setEnabled(stack.canUndo())
    redo.setEnabled(stack.canRedo())
    return undo, redo


def _step(stack: QUndoStack, backwards: bool, report: Callable[[str], object]) -> None:
    """Undo or redo, unless the command refuses because the project changed under it
    (then the stack stays where it is and the command has said why); say what it did."""
    command = stack.command(stack.index() - 1 if backwards else stack.index())
    if command is None:
        return
    refused = getattr(command, "refused", None)
    if refused is not None and refused(backwards):
        return
    text, before = command.text(), stack.index()
    if backwards:
        stack.undo()
    else:
        stack.redo()
    if stack.index() != before:
        report(f"{'Undone' if backwards else 'Redone'}: {text}")


def _changes(
    unit_id: int, coder: str, before: Mapping[str, str | None], after: Mapping[str, str | None]
) -> list[Change]:
    return [Change(unit_id, coder, field, before[field], after[field]) for field in after]


class Outcome(Enum):
    SAVED = "saved"
    WAITING = "waiting"  # out of reach: kept in the pending queue
    REFUSED = "refused"  # failed for good: `failed` said why


class CodingOperations(QObject):
    """Writes codes and notes for one coder in one project, and announces the result."""

    changed = Signal(object)  # list[Change], all committed
    saved = Signal()
    failed = Signal(str)
    revisited = Signal(int, int)  # article id, unit id: an undo or redo touched this unit
    reconnected = Signal(int)  # every waiting action is settled; how many were saved
    notice = Signal(str)  # a passing remark for the status bar

    def __init__(self, project: Project, coder: str, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.coder = coder
        self.undo_stack = QUndoStack(self)
        self.pending = PendingQueue(self)
        self.prober = Prober(self)
        self.pending.retry_due.connect(lambda: self.prober.start(self.project.path))
        self.prober.answered.connect(self._probed)
        self._unavailable: str | None = None  # why the last write could not reach the project

    def _commit(self, write: Callable[[], list[Change]]) -> list[Change] | None:
        self._unavailable = None
        return commit_and_announce(self, write, self._out_of_reach)

    def _out_of_reach(self, reason: str) -> None:
        self._unavailable = reason

    def write_codes(
        self, unit_id: int, codes: Mapping[str, str | None], origin: str = Origin.MANUAL
    ) -> list[Change] | None:
        """Commit codes for one unit; the changes (maybe none) on success, None on failure."""
        return self._commit(
            lambda: coding.apply_codes(self.project, self.coder, unit_id, codes, origin=origin)
        )

    def replay(
        self,
        unit_id: int,
        before: Mapping[str, str | None],
        after: Mapping[str, str | None],
        origin: str,
    ) -> list[Change] | None:
        """Turn fields that hold `before` into `after`, all or nothing (undo and redo): a
        field someone changed since refuses the whole step and says why."""
        changes = _changes(unit_id, self.coder, before, after)
        return self._commit(
            lambda: coding.apply_changes(
                self.project, self.coder, changes, origin=origin, all_or_nothing=True
            )
        )

    def stale(
        self, unit_id: int, before: Mapping[str, str | None], after: Mapping[str, str | None]
    ) -> str | None:
        """Why turning `before` into `after` cannot run now (a field no longer holds what it
        expects), or None; a project out of reach is left for the write itself to report."""
        changes = _changes(unit_id, self.coder, before, after)
        try:
            refusal = coding.stale_change(self.project, self.coder, changes)
        except AnnotatorError:
            return None
        return None if refusal is None else str(refusal)

    def code(
        self,
        article_id: int,
        unit_id: int,
        codes: Mapping[str, str | None],
        text: str,
        origin: str = Origin.MANUAL,
    ) -> bool:
        """An undoable coding action; False when it was not saved (it may be waiting).
        `origin` names it in the history ("suggestion" for an accepted suggestion)."""
        write = PendingWrite(article_id, unit_id, text, codes=dict(codes), origin=origin)
        return self.submit(write)

    def set_note(self, unit_id: int, text: str, article_id: int | None = None) -> bool:
        """Save a note (not undoable: the note box has its own text undo)."""
        return self.submit(PendingWrite(article_id, unit_id, "Note", note=text))

    def submit(self, write: PendingWrite) -> bool:
        """Try an action now, or queue it behind actions already waiting; True once saved."""
        if self.pending:
            self.pending.add(write, self.pending.reason)
            return False
        outcome = self._attempt(write)
        if outcome is Outcome.WAITING:
            self.pending.add(write, self._unavailable or "")
        return outcome is Outcome.SAVED

    def retry(self) -> None:
        """Try the waiting actions in order; stop at the first that still cannot get through."""
        saved = 0
        while self.pending:
            outcome = self._attempt(self.pending.head())
            if outcome is Outcome.WAITING:
                self.pending.still_unavailable(self._unavailable or "")
                return
            saved += outcome is Outcome.SAVED
            self.pending.done_with_head()
        self.reconnected.emit(saved)

    def _probed(self, reason: str | None) -> None:
        """The worker thread's answer: replay now, or wait longer without having blocked."""
        if not self.pending:
            return
        if reason is None:
            self.retry()
        else:
            self.pending.still_unavailable(f"could not save: {reason}")

    def finish(self) -> None:
        """Let a running probe end (a closing window must not leave its thread behind)."""
        self.prober.wait()

    def may_undo(self) -> bool:
        """Undo and redo wait while actions wait: they would overtake them."""
        if self.pending:
            self.notice.emit("Undo waits until the actions not yet saved are saved.")
            return False
        return True

    def _attempt(self, write: PendingWrite) -> Outcome:
        if write.codes is not None:
            command = CodeCommand(
                self, write.article_id, write.unit_id, write.codes, write.text, write.origin
            )
            self.undo_stack.push(command)
            saved = command.succeeded
        else:
            saved = self._commit(lambda: self._note_changes(write.unit_id, write.note)) is not None
        if saved:
            return Outcome.SAVED
        return Outcome.REFUSED if self._unavailable is None else Outcome.WAITING

    def _note_changes(self, unit_id: int, text: str | None) -> list[Change]:
        change = coding.set_note(self.project, self.coder, unit_id, text or "")
        return [change] if change is not None else []


class CodeCommand(QUndoCommand):
    """Set codes of one unit; undo writes the codes it replaced back through the core.

    The old values are taken from what the core reports it changed, so undo restores
    exactly what the database held. A command whose write fails, or that changes
    nothing (the same key pressed again), marks itself obsolete and leaves the stack.
    """

    def __init__(
        self,
        operations: CodingOperations,
        article_id: int,
        unit_id: int,
        codes: Mapping[str, str | None],
        text: str,
        origin: str = Origin.MANUAL,
    ) -> None:
        super().__init__(text)
        self.operations = operations
        self.article_id = article_id
        self.unit_id = unit_id
        self.origin = origin
        self.new = dict(codes)
        self.old: dict[str, str | None] = {}
        self.succeeded = False

    def refused(self, backwards: bool) -> bool:
        """True (and said) when the unit no longer holds what this step would replace."""
        if not self.succeeded:
            return False
        before, after = (self.new, self.old) if backwards else (self.old, self.new)
        reason = self.operations.stale(self.unit_id, before, after)
        if reason is None:
            return False
        word = "undo" if backwards else "redo"
        self.operations.failed.emit(f"Cannot {word} {self.text()}: {reason}")
        return True

    def redo(self) -> None:
        if self.succeeded:
            if self.operations.replay(self.unit_id, self.old, self.new, origin=Origin.REDO) is None:
                self.setObsolete(True)
                return
            self.operations.revisited.emit(self.article_id, self.unit_id)
            return
        changes = self.operations.write_codes(self.unit_id, self.new, origin=self.origin)
        if changes is None:
            self.setObsolete(True)
            return
        # first run: remember exactly what was replaced
        self.old = {change.target: change.old for change in changes}
        self.new = {change.target: change.new for change in changes}
        self.succeeded = True
        if changes:  # the menu and the status bar say exactly what an undo takes back
            done = change_text(self.operations.project.codebook, self.old, self.new)
            self.setText(done if len(changes) == 1 else f"{self.text()} ({done})")
        if not changes:
            self.setObsolete(True)

    def undo(self) -> None:
        if self.operations.replay(self.unit_id, self.new, self.old, origin=Origin.UNDO) is None:
            self.setObsolete(True)
            return
        self.operations.revisited.emit(self.article_id, self.unit_id)
