"""File > Update codebook…: the coding window's side of `annotator codebook update`.

The supervisor picks the new codebook (and, where codes would lose their place, a
mapping file); the dialog lists the changes one a line as core.coding.codebook_update
plans them, says in one line why an update is refused, and applies it on confirmation
in a worker (`ui.tasks`: it may add an article unit to every article and move many
codes, all in one transaction). The coding window is then built again on the new
codebook (`reopen_with_new_codebook`): its panel, keys, reader margin and reference all
come from the codebook, and an undo step made under the old one is not carried over.

The core is imported when the dialog is first made, not with the window (see
main_window's docstring).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
)

from annotator.ui import theme

if TYPE_CHECKING:
    from annotator.core.codebook import Codebook
    from annotator.core.coding.codebook_mapping import CodeMapping
    from annotator.core.store.project import Project
    from annotator.ui.tasks import TaskOutcome

JSON_FILTER = "JSON files (*.json);;All files (*)"
MAPPING_HINT = '{"field.old_code": "new_code", "field": null}'


class CodebookUpdateDialog(QDialog):
    """Pick, review, confirm; `updated` (the UpdateResult) once the update is committed."""

    updated = Signal(object)

    def __init__(self, project: Project, parent=None) -> None:
        from annotator.ui.tasks import TaskRunner

        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Update codebook")
        self.resize(760, 520)
        self.runner = TaskRunner(project.path, self)
        self._planned: tuple[Codebook, CodeMapping] | None = None
        current = project.codebook
        self.codebook_path = QLineEdit(placeholderText="the new codebook (JSON)")
        self.mapping_path = QLineEdit(placeholderText=f"optional: {MAPPING_HINT}")
        self.changes = QStringListModel(self)
        self.change_list = QListView()
        self.change_list.setModel(self.changes)
        self.change_list.setWordWrap(True)  # a condition's change is a long line
        self.change_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.status = QLabel(wordWrap=True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.status.setMinimumHeight(4 * self.fontMetrics().lineSpacing())  # a refusal's line
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_button = QPushButton("&Show changes")
        self.apply_button = QPushButton("&Update codebook")
        self.apply_button.setEnabled(False)
        close = QPushButton("Close")

        form = QFormLayout()
        form.addRow("Now:", QLabel(f"{current.name} {current.version} (format {current.format})"))
        form.addRow("New codebook:", self._file_row(self.codebook_path, "Choose codebook"))
        form.addRow("Mapping:", self._file_row(self.mapping_path, "Choose mapping"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Changes:"))
        layout.addWidget(self.change_list, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        for button in (self.apply_button, close):
            button.setAutoDefault(False)
        self.show_button.setDefault(True)  # Return in a path lists the changes, never applies
        for edit in (self.codebook_path, self.mapping_path):
            edit.textEdited.connect(self._paths_edited)
        self.show_button.clicked.connect(self.show_changes)
        self.apply_button.clicked.connect(self.apply)
        close.clicked.connect(self.reject)
        self._say("Choose the new codebook: its changes are listed before anything is written.")

    def _file_row(self, edit: QLineEdit, title: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        browse = QPushButton("Choose…")
        browse.setAutoDefault(False)
        browse.clicked.connect(lambda: self._choose(edit, title))
        row.addWidget(browse)
        return row

    def _choose(self, edit: QLineEdit, title: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, title, edit.text(), JSON_FILTER)
        if path:
            edit.setText(path)
            self.show_changes()

    def _paths_edited(self) -> None:
        """A plan is for the files it was made from: typing in a path withdraws it."""
        self._planned = None
        self.apply_button.setEnabled(False)

    # -- planning and applying -----------------------------------------------------------

    def show_changes(self) -> None:
        """Read the files and list what the update would change (a read of the project:
        counts of codes by value, quick); enable the update only when nothing is refused."""
        from annotator.core.codebook import load_codebook
        from annotator.core.coding.codebook_mapping import NO_MAPPING, load_mapping
        from annotator.core.coding.codebook_update import plan_update
        from annotator.core.errors import AnnotatorError

        self._paths_edited()
        codebook_text = self.codebook_path.text().strip()
        mapping_text = self.mapping_path.text().strip()
        if not codebook_text:
            self._say("Choose the new codebook first.", error=True)
            return
        try:
            new = load_codebook(Path(codebook_text))
            mapping = load_mapping(Path(mapping_text)) if mapping_text else NO_MAPPING
            plan = plan_update(self.project, new, mapping)
        except AnnotatorError as error:
            self.changes.setStringList([])
            self._say(str(error), error=True)
            return
        self.changes.setStringList(plan.changes)
        if plan.unchanged:
            self._say(f"No changes: the project's codebook is already {new.name} {new.version}.")
        elif plan.refusal:
            self._say(plan.refusal, error=True)
        else:
            self._planned = (new, mapping)
            self.apply_button.setEnabled(True)
            self._say(
                f"{len(plan.changes)} change(s); {plan.remapped} code(s) will be remapped and "
                f"{plan.dropped} dropped, with history. Every other code keeps the codebook "
                "version it was made under."
            )

    def apply(self) -> bool:
        """Apply the planned update in a worker; False when there is none or one runs."""
        if self._planned is None or self.runner.busy:
            return False
        from annotator.core.coding.codebook_update import update_codebook

        new, mapping = self._planned
        self.apply_button.setEnabled(False)
        self.show_button.setEnabled(False)
        self._say("Updating the codebook…")
        return self.runner.start(
            lambda project, _progress: update_codebook(project, new, mapping),
            "Updating the codebook…",
            self._done,
            cancellable=False,
        )

    def _done(self, outcome: TaskOutcome) -> None:
        self.show_button.setEnabled(True)
        if outcome.error or outcome.result is None:
            self._say(f"Not updated: {outcome.error}", error=True)
            return
        self.project.forget_codebook()  # the worker's handle wrote it; this one reads anew
        self.updated.emit(outcome.result)
        self.accept()

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {theme.error_color().name()};" if error else "")
        self.status.setText(text)

    def reject(self) -> None:
        if self.runner.busy:  # one transaction: it finishes or rolls back on its own
            return
        super().reject()


def reopen_with_new_codebook(window, summary: str) -> QMainWindow | None:
    """Build the coding window again on its project's new codebook, in place of `window`:
    the same project handle, coder, settings and place on screen; the File menu's Open and
    New go where the old window's went. None, with a word in the status bar, when the old
    window may not close yet (an import running, actions waiting to be saved)."""
    project, coder, settings = window.project, window.coder, window.settings
    geometry = window.geometry()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    quits = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)  # for the moment between the two windows
    try:
        if not window.close():
            window.statusBar().showMessage(
                f"{summary}. Close and reopen the project to code with the new codebook.", 20000
            )
            return None
        project.forget_codebook()
        new = type(window)(project, coder, settings)
        for name in ("open_requested", "create_requested"):
            getattr(new, name).connect(getattr(window, name))  # the app listens to the old one
        new.destroyed.connect(window.deleteLater)  # the app closes the project with the old
        new.setGeometry(geometry)
        new.show()
    finally:
        app.setQuitOnLastWindowClosed(quits)
    new.statusBar().showMessage(summary, 20000)
    return new
