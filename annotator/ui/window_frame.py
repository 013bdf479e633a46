"""The coding window's frame, shown while its project is still being opened.

`MainWindow.opening` paints this first and opens the project after that paint, so a
coder sees the window at once instead of waiting for the database layer (SQLAlchemy,
SQLModel, pydantic) to load. The frame has the final window's shape, so nothing jumps
when the project arrives: the menu titles (disabled), the toolbar, and the three panes
of the splitter at the widths the coder left them, empty. It imports only Qt (and the
empty-project page, for the reader pane's minimum width).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QLineEdit,
    QListView,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.empty_project import EmptyProjectPage

MENU_TITLES = ("&File", "&Edit", "&Go", "&View", "&Help")
OPENING = "Opening the project…"
PANE_SIZES = [300, 760, 340]  # article list, reader, coding panel (before any saved state)


def add_toolbar(window: QMainWindow) -> QToolBar:
    """The window's one toolbar, named for saveState/restoreState."""
    toolbar = window.addToolBar("Toolbar")
    toolbar.setObjectName("main_toolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    return toolbar


def _blank_button(window: QMainWindow) -> QAction:
    """A disabled button with a transparent icon of the toolbar's icon size."""
    blank = QPixmap(window.toolbar.iconSize())
    blank.fill(Qt.GlobalColor.transparent)
    action = QAction(QIcon(blank), "", window)
    action.setEnabled(False)
    return action


def build_frame(window: QMainWindow, splitter_state) -> None:
    """Menu titles, the toolbar, empty panes and the status line saying what is going on."""
    for title in MENU_TITLES:
        window.menuBar().addMenu(title).setEnabled(False)
    window.toolbar = add_toolbar(window)  # filled by MainWindow once the project is open
    window.toolbar.addAction(_blank_button(window))  # as tall as it will be: nothing jumps
    left = QWidget()
    layout = QVBoxLayout(left)
    layout.setContentsMargins(4, 4, 0, 4)
    for widget in (
        QLineEdit(placeholderText="Filter articles…"),
        QCheckBox("Not finished only"),
        QListView(),
    ):
        widget.setEnabled(False)
        layout.addWidget(widget)
    reader = QListView()
    reader.setEnabled(False)
    centre = QStackedWidget()  # as wide at least as the window's reader stack will be
    centre.addWidget(reader)
    centre.addWidget(EmptyProjectPage())
    splitter = QSplitter()
    for widget in (left, centre, QWidget()):
        splitter.addWidget(widget)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes(PANE_SIZES)
    if splitter_state is not None:
        splitter.restoreState(splitter_state)
    window.setCentralWidget(splitter)
    window.statusBar().showMessage(OPENING)
