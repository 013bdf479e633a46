"""The find bar under the article: type, Enter for the next match, Esc to close."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from annotator.ui import theme


class FindBar(QWidget):
    """Asks the window to search; shows "n of N" as the window reports it."""

    search_changed = Signal(str)
    next_requested = Signal()
    previous_requested = Signal()
    closed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        self.edit = QLineEdit(placeholderText="Find in article", clearButtonEnabled=True)
        self.edit.textChanged.connect(self.search_changed)
        self.edit.returnPressed.connect(self.next_requested)
        self.count = QLabel()
        previous = QToolButton(icon=theme.icon("previous_article"), toolTip="Previous match")
        previous.clicked.connect(self.previous_requested)
        following = QToolButton(icon=theme.icon("next_article"), toolTip="Next match (Enter)")
        following.clicked.connect(self.next_requested)
        close = QToolButton(icon=theme.icon("close"), toolTip="Close (Esc)")
        close.clicked.connect(self.close_bar)
        for widget in (QLabel("Find:"), self.edit, self.count, previous, following, close):
            layout.addWidget(widget)
        layout.setStretch(1, 1)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def show_count(self, position: int | None, total: int) -> None:
        if not self.edit.text():
            self.count.setText("")
        elif total == 0:
            self.count.setText("no match")
        else:
            self.count.setText(f"{(position or 0) + 1} of {total}")
