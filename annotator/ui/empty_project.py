"""What a project without articles shows in place of the reader: how to bring some in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from annotator.ui import theme

IMPORT_FILES_KEY = "Ctrl+I"
IMPORT_FOLDER_KEY = "Ctrl+Shift+I"


class EmptyProjectPage(QWidget):
    """Says what to do first: import files or a folder (with their keys), or drop files."""

    import_files_requested = Signal()
    import_folder_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("empty_project")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.message = QLabel(
            "<h2>No articles yet</h2>"
            "<p>Import the articles to code: text, Markdown, HTML or Word files, or a CSV "
            "file with one article per row. Each is split into sentences, ready to code.</p>"
            f"<p><b>File &gt; Import files…</b> ({IMPORT_FILES_KEY}) or "
            f"<b>Import folder…</b> ({IMPORT_FOLDER_KEY}), or drop files and folders "
            "anywhere on this window.</p>"
        )
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setMaximumWidth(560)
        layout.addWidget(self.message, 0, Qt.AlignmentFlag.AlignHCenter)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for text, icon_name, signal in (
            (f"Import files…  ({IMPORT_FILES_KEY})", "import_files", self.import_files_requested),
            (
                f"Import folder…  ({IMPORT_FOLDER_KEY})",
                "import_folder",
                self.import_folder_requested,
            ),
        ):
            button = QPushButton(theme.icon(icon_name), text)
            button.clicked.connect(signal)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(2)

    @property
    def text(self) -> str:
        return self.message.text()
