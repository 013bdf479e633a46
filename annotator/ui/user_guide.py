"""Help for a first-time user: Help > User guide and the first-run guide.

The guide is an HTML page shipped inside the package (annotator/resources/help), shown
in a QTextBrowser, so it works offline and always matches the installed version. The
first-run guide is a short strip above the article on the demo and on an empty project,
with a button to the guide; once dismissed it stays away (QSettings, for every project).
"""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.settings import AppSettings

GUIDE = files("annotator") / "resources" / "help" / "guide.html"

DEMO_TEXT = (
    "<b>Welcome to the demo.</b> Each sentence is a unit: press the keys shown in the "
    "panel on the right (1&ndash;6 attribution, f i p e n claim type, 7 8 9 confidence) "
    "and the cursor moves on by itself. Everything is saved as you go; Ctrl+Z undoes. "
    "F1 lists every key."
)
EMPTY_TEXT = (
    "<b>A new project.</b> Import articles (Ctrl+I, or drop files on the window), then "
    "code each sentence with the keys shown in the coding panel. Everything is saved as "
    "you go. F1 lists every key."
)


def guide_html() -> str:
    return GUIDE.read_text(encoding="utf-8")


class UserGuide(QDialog):
    """The user guide in a window of its own, beside the work (not modal)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("annotator user guide")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(guide_html())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.resize(760, 640)


class FirstRunGuide(QFrame):
    """A dismissible strip: what to do first, and a way to the guide."""

    guide_requested = Signal()

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("first_run_guide")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel(wordWrap=True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        guide = QPushButton("User guide")
        guide.clicked.connect(self.guide_requested)
        dismiss = QPushButton("Got it")
        dismiss.setObjectName("dismiss")
        dismiss.setToolTip("Do not show this again")
        dismiss.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(guide)
        layout.addWidget(dismiss)
        self.hide()

    def offer(self, *, demo: bool, empty: bool) -> None:
        """Show the strip on the demo or an empty project, unless dismissed before."""
        if not (demo or empty) or self.settings.first_run_dismissed():
            self.hide()
            return
        self.text.setText(EMPTY_TEXT if empty else DEMO_TEXT)
        self.show()

    def dismiss(self) -> None:
        self.settings.set_first_run_dismissed()
        self.hide()
