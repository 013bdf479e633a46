"""The start screen: recent projects, a new project, open a file or a team project, or the demo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.store.location import display_location, is_server_url, location_stem
from annotator.ui import theme
from annotator.ui.settings import AppSettings

PROJECT_FILTER = "annotator projects (*.annotator *.db *.sqlite);;All files (*)"
PathRole = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


class RecentProjectsModel(QAbstractListModel):
    """Recently opened projects (files and server URLs), newest first; missing files are
    shown as such."""

    def __init__(self, paths: list[str], parent=None) -> None:
        super().__init__(parent)
        self._paths = list(paths)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._paths)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._paths):
            return None
        text = self._paths[index.row()]
        if role in (Qt.ItemDataRole.ToolTipRole, PathRole):
            return text
        on_server = is_server_url(text)
        if role == Qt.ItemDataRole.DecorationRole:
            return theme.icon("server" if on_server else "open")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if on_server:
            return f"{location_stem(text)}  (team project)\n{display_location(text)}"
        path = Path(text)
        missing = "" if path.exists() else "  (missing)"
        return f"{path.stem}{missing}\n{path.parent}"


class NewProjectDialog(QDialog):
    """A name (which becomes the file) and a codebook: bundled, or a file."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New project")
        form = QFormLayout(self)
        self.name = QLineEdit(placeholderText="e.g. Port coverage 2026")
        form.addRow("Name", self.name)
        self.folder = QLineEdit(str(Path.home()))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow("Folder", row)
        self.codebook_choice = QButtonGroup(self)
        choices = QVBoxLayout()
        from annotator.core.codebook import BUNDLED_CODEBOOKS  # pydantic: not at start-up

        for position, name in enumerate(BUNDLED_CODEBOOKS):
            radio = QRadioButton(f"Bundled: {name}")
            radio.setProperty("codebook", name)
            radio.setChecked(position == 0)
            self.codebook_choice.addButton(radio)
            choices.addWidget(radio)
        self.file_radio = QRadioButton("From a file:")
        self.codebook_file = QLineEdit(placeholderText="codebook.json")
        file_button = QPushButton("Choose…")
        file_button.clicked.connect(self._choose_codebook)
        file_row = QHBoxLayout()
        for widget in (self.file_radio, self.codebook_file, file_button):
            file_row.addWidget(widget)
        self.codebook_choice.addButton(self.file_radio)
        choices.addLayout(file_row)
        form.addRow("Codebook", choices)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder for the project", self.folder.text()
        )
        if folder:
            self.folder.setText(folder)

    def _choose_codebook(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Codebook", "", "Codebooks (*.json)")
        if path:
            self.codebook_file.setText(path)
            self.file_radio.setChecked(True)

    def project_path(self) -> Path:
        name = self.name.text().strip() or "project"
        return Path(self.folder.text()).expanduser() / f"{name}.annotator"

    def codebook_spec(self) -> str:
        """A bundled codebook's name or a file path, as `resolve_codebook` takes it."""
        checked = self.codebook_choice.checkedButton()
        if checked is self.file_radio:
            return self.codebook_file.text().strip()
        return str(checked.property("codebook"))


def ask_new_project(parent: QWidget | None) -> tuple[str, str, str] | None:
    """(path, codebook spec, name) for a new project, or None if the coder cancelled."""
    dialog = NewProjectDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return str(dialog.project_path()), dialog.codebook_spec(), dialog.name.text().strip()


def ask_project_file(parent: QWidget | None) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open a project", "", PROJECT_FILTER)
    return path or None


def recent_project_titles(settings: AppSettings) -> list[tuple[str, str]]:
    """(location, one-line title) of each recent project, as the start screen names them."""
    model = RecentProjectsModel(settings.recent_projects())
    rows = []
    for row in range(model.rowCount()):
        index = model.index(row)
        rows.append((index.data(PathRole), index.data().replace("\n", " — ")))
    return rows


class StartScreen(QWidget):
    """Asks what to open; the app reacts to its signals."""

    open_requested = Signal(str)  # an existing project file or a server URL
    create_requested = Signal(str, str, str)  # path, codebook spec, name
    demo_requested = Signal()

    def __init__(self, settings: AppSettings, parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("annotator")
        self.setWindowIcon(theme.window_icon("codebook"))
        layout = QVBoxLayout(self)
        heading = QLabel(
            "<h2>annotator</h2><p>Source-reliability coding of news, sentence by sentence.</p>"
        )
        layout.addWidget(heading)
        layout.addWidget(QLabel("Recent projects"))
        self.recent = RecentProjectsModel(settings.recent_projects(), self)
        self.recent_view = QListView()
        self.recent_view.setModel(self.recent)
        self.recent_view.setWordWrap(True)
        self.recent_view.activated.connect(self._open_recent)
        self.recent_view.setSpacing(2)
        layout.addWidget(self.recent_view, 1)
        buttons = QHBoxLayout()
        for text, icon_name, slot in (
            ("New project…", "new", self.new_project),
            ("Open…", "open", self.open_project),
            ("Open team project…", "server", self.open_team_project),
            ("Open demo", "demo", self.demo_requested.emit),
        ):
            button = QPushButton(theme.icon(icon_name), text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        close = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        close.activated.connect(self.close)  # Esc leaves, as it does any dialog
        self.resize(560, 420)

    def _open_recent(self, index: QModelIndex) -> None:
        self.open_requested.emit(index.data(PathRole))

    def new_project(self) -> None:
        answer = ask_new_project(self)
        if answer is not None:
            self.create_requested.emit(*answer)

    def open_project(self) -> None:
        path = ask_project_file(self)
        if path:
            self.open_requested.emit(path)

    def open_team_project(self) -> None:
        """A project on a PostgreSQL server, by URL; the password comes from ~/.pgpass or
        PGPASSWORD, so that it never sits in settings or titles."""
        url, ok = QInputDialog.getText(
            self,
            "Open a team project",
            "Server URL, e.g. postgresql://alice@db.example.org/border_study\n"
            "(you code as the database user named in it):",
        )
        url = url.strip()
        if not ok or not url:
            return
        if not is_server_url(url):
            QMessageBox.warning(
                self, "Open a team project", f"{url}: not a server URL (postgresql://…)"
            )
            return
        self.open_requested.emit(url)
