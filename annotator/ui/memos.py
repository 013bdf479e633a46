"""Memos and article details from the coding window: Edit > Article details and memo…
and Edit > Project memo….

Each save is one call into the core (`core.coding.memos`, one transaction with history)
made by a command on the window's undo stack, so Ctrl+Z writes the old title, date or
memo back through the core, and the status bar says what was undone. Afterwards the
article list and the header above the text are read again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.coding import memos
from annotator.core.errors import AnnotatorError
from annotator.core.store.models import Origin
from annotator.ui.controller import WorkspaceController

Write = Callable[[str], object]  # writes with this history origin; returns what changed
State = Callable[[], object]  # reads what the command's writes touch, to compare


class MemoEditing(QObject):
    """Opens the two dialogs and runs their saves as undoable commands."""

    refused = Signal(str)  # why a save, undo or redo changed nothing
    done = Signal(str)  # what a save changed, for the status bar

    def __init__(self, controller: WorkspaceController, window: QWidget) -> None:
        super().__init__(window)
        self.controller = controller
        self.window = window

    def edit_article(self) -> bool:
        """Edit the open article's title, outlet, date and memo; True when saved."""
        summary = self.controller.open_summary()
        if summary is None:
            self.refused.emit("Open an article first.")
            return False
        project, editor, article_id = self.controller.project, self.controller.coder, summary.id
        try:
            memo = memos.article_memo(project, article_id)
        except AnnotatorError as error:
            self.refused.emit(f"The article could not be read: {error}")
            return False
        before = {"title": summary.title, "outlet": summary.outlet, "published": summary.published}
        dialog = ArticleDetailsDialog(before, memo, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        details, new_memo = dialog.values()
        changed = {name: value for name, value in details.items() if value != before[name]}

        def forwards(origin: str) -> object:
            edits = memos.edit_article(project, editor, article_id, changed, origin=origin)
            memo_edit = memos.set_article_memo(project, editor, article_id, new_memo, origin=origin)
            return edits + ([memo_edit] if memo_edit else [])

        def backwards(origin: str) -> object:
            memo_edit = memos.set_article_memo(project, editor, article_id, memo, origin=origin)
            old = {name: before[name] for name in changed}
            return memos.edit_article(project, editor, article_id, old, origin=origin) + (
                [memo_edit] if memo_edit else []
            )

        return self._push(
            f"Edit article {summary.key!r}",
            forwards,
            backwards,
            lambda: memos.article_details(project, article_id),
        )

    def edit_project_memo(self) -> bool:
        """Edit the project's memo; True when saved."""
        project, editor = self.controller.project, self.controller.coder
        try:
            memo = memos.project_memo(project)
        except AnnotatorError as error:
            self.refused.emit(f"The project memo could not be read: {error}")
            return False
        dialog = MemoDialog("Project memo", memo, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        new = dialog.text()
        return self._push(
            "Edit the project memo",
            lambda origin: memos.set_project_memo(project, editor, new, origin=origin),
            lambda origin: memos.set_project_memo(project, editor, memo, origin=origin),
            lambda: memos.project_memo(project),
        )

    def _push(self, text: str, forwards: Write, backwards: Write, state: State) -> bool:
        command = MemoCommand(self, text, forwards, backwards, state)
        self.controller.operations.undo_stack.push(command)
        return command.succeeded

    def run(self, write: Write, origin: str) -> bool:
        """One write through the core; True when it changed something. The article list
        and header are read again after it."""
        try:
            changed = write(origin)
        except AnnotatorError as error:
            self.refused.emit(f"Not saved: {error}")
            return False
        if not changed:
            return False
        article_id = self.controller.article_id
        self.controller.load_articles()
        if article_id is not None:
            self.controller.article_opened.emit(article_id)  # the header reads it again
        return True


class MemoCommand(QUndoCommand):
    """A save of details or a memo on the undo stack; undo writes the old values back."""

    def __init__(
        self, editing: MemoEditing, text: str, forwards: Write, backwards: Write, state: State
    ):
        super().__init__(text)
        self.editing = editing
        self.forwards = forwards
        self.backwards = backwards
        self.state = state
        self.left: object = None  # what the last step left in the project
        self.succeeded = False

    def refused(self, backwards: bool) -> bool:
        """True (and said) when someone changed the details or memo since this step:
        undoing would overwrite their change without showing it."""
        try:
            changed = self.succeeded and self.state() != self.left
        except AnnotatorError as error:
            self.editing.refused.emit(f"Cannot {'undo' if backwards else 'redo'}: {error}")
            return True
        if changed:
            word = "undo" if backwards else "redo"
            self.editing.refused.emit(
                f"Cannot {word} {self.text()}: it was changed since (in another window?)"
            )
        return changed

    def redo(self) -> None:
        origin = Origin.REDO if self.succeeded else Origin.MANUAL
        if not self.editing.run(self.forwards, origin):
            self.setObsolete(True)
            return
        if not self.succeeded:
            self.editing.done.emit(f"Saved: {self.text()}")
        self.succeeded = True
        self._remember()

    def undo(self) -> None:
        if not self.editing.run(self.backwards, Origin.UNDO):
            self.setObsolete(True)
            return
        self._remember()

    def _remember(self) -> None:
        try:
            self.left = self.state()
        except AnnotatorError:
            self.left = None


class MemoDialog(QDialog):
    """A memo: free text, as long as it needs to be."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.editor = QPlainTextEdit(text)
        self.editor.setObjectName("memo")
        self.editor.setPlaceholderText("What to remember about it: decisions, doubts, sources.")
        self.editor.setMinimumSize(420, 200)
        layout = QVBoxLayout(self)
        self._fill(layout)
        layout.addWidget(self.editor)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _fill(self, layout: QVBoxLayout) -> None:
        """Room for a subclass's fields above the memo."""

    def text(self) -> str:
        return self.editor.toPlainText()


class ArticleDetailsDialog(MemoDialog):
    """An article's title, outlet, date (YYYY-MM-DD) and memo."""

    def __init__(self, details: dict[str, str], memo: str, parent: QWidget | None = None):
        self.fields = {name: QLineEdit(details.get(name, "")) for name in memos.DETAIL_TARGETS}
        super().__init__("Article details and memo", memo, parent)
        for name, line in self.fields.items():
            line.setObjectName(name)
            line.setMaxLength(memos.DETAIL_LIMITS[name])
        self.fields["published"].setPlaceholderText("YYYY-MM-DD")

    def _fill(self, layout: QVBoxLayout) -> None:
        form = QFormLayout()
        form.addRow("&Title", self.fields["title"])
        form.addRow("&Outlet", self.fields["outlet"])
        form.addRow("&Date", self.fields["published"])
        layout.addLayout(form)
        layout.addWidget(QLabel("&Memo on this article"))
        layout.itemAt(layout.count() - 1).widget().setBuddy(self.editor)  # type: ignore[union-attr]

    def values(self) -> tuple[dict[str, str], str]:
        return {name: line.text().strip() for name, line in self.fields.items()}, self.text()
