"""Routes key presses anywhere in the main window to coding and navigation.

An application event filter sees a key before any widget does. Navigation keys
work whatever has focus, except while the coder types in a text box (the note,
the find bar, a search field): there keys type text, and Esc returns to the
article. Keys that write (the codebook's one-character shortcuts, clearing a
unit, accepting a suggestion) act only where coding happens (`may_write`: the
reader or the coding panel); elsewhere (a check box, the codebook) they are handed
to `refused`, so keys pressed with the focus astray never code a unit unseen. In a
list (`lists`: the article list, the sources panel) typed letters are left to the list
(and a cell editor in it), whose owner takes them as a search. Ctrl-combinations stay QActions.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

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

# The key that makes the article's own fields the keys' target, and back (the first one
# the codebook does not take as a shortcut; Shift+A unless a codebook uses "A").
ARTICLE_KEYS = ("A", "^", "@", "~")


def article_key(shortcuts: Collection[str]) -> str:
    return next((key for key in ARTICLE_KEYS if key not in shortcuts), ARTICLE_KEYS[0])


def key_name(key: str) -> str:
    """A typed key as the menus name it: "Shift+A" for a capital letter."""
    return f"Shift+{key}" if key.isalpha() and key.isupper() else key


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


def is_typed_text(event: QKeyEvent) -> bool:
    """A printable character typed without Ctrl, Alt or Meta (a letter, a digit, a sign)."""
    text = event.text()
    return bool(text) and text.isprintable() and not event.modifiers() & _NO_COMMAND_MODIFIERS


class KeyRouter(QObject):
    """Sends key presses in `window` to `commands` (text or Qt.Key -> action)."""

    def __init__(
        self,
        window: QWidget,
        code_keys: dict[str, Callable[[], object]],
        command_keys: dict[int | str, Callable[[], object]],
        escape: Callable[[], object],
        *,
        write_keys: Collection[int | str] = (),
        may_write: Callable[[], bool] = lambda: True,
        refused: Callable[[QKeyEvent], object] = lambda _event: None,
    ) -> None:
        """`write_keys` name the `command_keys` that change codes (every code key does);
        they run only while `may_write()`, else the key goes to `refused`."""
        super().__init__(window)
        self.window = window
        self.code_keys = code_keys
        self.command_keys = command_keys
        self.escape = escape
        self.write_keys = set(write_keys)
        self.may_write = may_write
        self.refused = refused
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
        focus = self.window.focusWidget()
        in_list = focus is not None and any(w is focus or w.isAncestorOf(focus) for w in self.lists)
        if in_list and (event.key() in LIST_KEYS or is_typed_text(event)):
            return False  # the list's (or its cell editor's) own keys; letters a search
        return self.route(event)

    def route(self, event: QKeyEvent) -> bool:
        """Run the action of a key; True when the key was ours."""
        if event.modifiers() & _NO_COMMAND_MODIFIERS:
            return False
        text = event.text()
        action = self.code_keys.get(text) if text else None
        writes = action is not None
        for name in (text if text and text.isprintable() else None, event.key()):
            if action is None and name is not None and name in self.command_keys:
                action, writes = self.command_keys[name], name in self.write_keys
        if action is None:
            return False
        if writes and not self.may_write():
            self.refused(event)
        else:
            action()
        return True
