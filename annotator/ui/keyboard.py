"""Routes key presses anywhere in the main window to coding and navigation.

An application event filter sees a key before any widget does, so the
codebook's one-character shortcuts work whatever has focus, except while the
coder types in a text box (the note, the find bar, a search field): there keys
type text, and Esc returns to the article. Ctrl-combinations stay QActions.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

# Keys a list with the keyboard focus (the article list) uses to move and open its rows.
LIST_KEYS = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
}

_NO_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


def is_text_input(widget: QObject | None) -> bool:
    """Whether typing into `widget` should produce text rather than commands."""
    if isinstance(widget, QLineEdit | QAbstractSpinBox):
        return True
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return not widget.isReadOnly()
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return False


class KeyRouter(QObject):
    """Sends key presses in `window` to `commands` (text or Qt.Key -> action)."""

    def __init__(
        self,
        window: QWidget,
        code_keys: dict[str, Callable[[], object]],
        command_keys: dict[int | str, Callable[[], object]],
        escape: Callable[[], object],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.code_keys = code_keys
        self.command_keys = command_keys
        self.escape = escape
        self.enabled = True
        self.lists: set[QWidget] = set()  # widgets that keep LIST_KEYS while focused
        QApplication.instance().installEventFilter(self)

    def detach(self) -> None:
        QApplication.instance().removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not self.enabled:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        assert isinstance(event, QKeyEvent)
        typing = is_text_input(watched) or is_text_input(self.window.focusWidget())
        if event.key() == Qt.Key.Key_Escape:
            self.escape()
            return True
        if typing:
            return False
        if self.window.focusWidget() in self.lists and event.key() in LIST_KEYS:
            return False
        return self.route(event)

    def route(self, event: QKeyEvent) -> bool:
        """Run the action of a key; True when the key was ours."""
        if event.modifiers() & _NO_COMMAND_MODIFIERS:
            return False
        text = event.text()
        action = self.code_keys.get(text) if text else None
        if action is None:
            action = self.command_keys.get(text) if text and text.isprintable() else None
        if action is None:
            action = self.command_keys.get(event.key())
        if action is None:
            return False
        action()
        return True
