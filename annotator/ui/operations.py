"""The one channel through which the window changes a project.

Every coding action is one call into `annotator.core.coding` (one transaction),
after which exactly one `changed` signal carries the committed changes; models
update from that signal. A failure emits `failed` with a plain reason and
changes nothing on screen. Widgets never talk to the database themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack

from annotator.core import coding
from annotator.core.coding import Change
from annotator.core.errors import AnnotatorError
from annotator.core.project import Project
from annotator.ui import theme


def commit_and_announce(channel: QObject, write: Callable[[], list[Change]]) -> list[Change] | None:
    """Run one write into the core on `channel` (an object with saved, changed and failed
    signals): saved and changed after the commit, or failed with a plain reason and None."""
    try:
        changes = write()
    except (AnnotatorError, OSError) as error:
        channel.failed.emit(str(error))
        return None
    except Exception as error:  # a database error the core did not translate
        channel.failed.emit(f"{type(error).__name__}: {str(error).splitlines()[0]}")
        return None
    channel.saved.emit()
    if changes:
        channel.changed.emit(changes)
    return changes


def undo_redo_actions(stack: QUndoStack, parent: QObject) -> tuple[QAction, QAction]:
    """Edit-menu actions for a window's undo stack, with the same keys in every window."""
    undo = stack.createUndoAction(parent, "Undo")
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    undo.setIcon(theme.icon("undo"))
    redo = stack.createRedoAction(parent, "Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    redo.setIcon(theme.icon("redo"))
    return undo, redo


class CodingOperations(QObject):
    """Writes codes and notes for one coder in one project, and announces the result."""

    changed = Signal(object)  # list[Change], all committed
    saved = Signal()
    failed = Signal(str)
    revisited = Signal(int, int)  # article id, unit id: an undo or redo touched this unit

    def __init__(self, project: Project, coder: str, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.coder = coder
        self.undo_stack = QUndoStack(self)

    def write_codes(
        self, unit_id: int, codes: Mapping[str, str | None], origin: str = "manual"
    ) -> list[Change] | None:
        """Commit codes for one unit; the changes (maybe none) on success, None on failure."""
        return commit_and_announce(
            self,
            lambda: coding.apply_codes(self.project, self.coder, unit_id, codes, origin=origin),
        )

    def code(
        self, article_id: int, unit_id: int, codes: Mapping[str, str | None], text: str
    ) -> bool:
        """An undoable coding action; False when nothing was saved."""
        command = CodeCommand(self, article_id, unit_id, codes, text)
        self.undo_stack.push(command)
        return command.succeeded

    def set_note(self, unit_id: int, text: str) -> bool:
        """Save a note (not undoable: the note box has its own text undo)."""

        def write() -> list[Change]:
            change = coding.set_note(self.project, self.coder, unit_id, text)
            return [change] if change is not None else []

        return commit_and_announce(self, write) is not None


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
    ) -> None:
        super().__init__(text)
        self.operations = operations
        self.article_id = article_id
        self.unit_id = unit_id
        self.new = dict(codes)
        self.old: dict[str, str | None] = {}
        self.succeeded = False

    def redo(self) -> None:
        origin = "redo" if self.succeeded else "manual"
        changes = self.operations.write_codes(self.unit_id, self.new, origin=origin)
        if changes is None:
            self.setObsolete(True)
            return
        if self.succeeded:
            self.operations.revisited.emit(self.article_id, self.unit_id)
        else:  # first run: remember exactly what was replaced
            self.old = {change.target: change.old for change in changes}
            self.new = {change.target: change.new for change in changes}
            self.succeeded = True
            if not changes:
                self.setObsolete(True)

    def undo(self) -> None:
        if self.operations.write_codes(self.unit_id, self.old, origin="undo") is None:
            self.setObsolete(True)
            return
        self.operations.revisited.emit(self.article_id, self.unit_id)
