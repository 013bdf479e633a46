"""The sources part of the coding window: its panel (below the reader), menu and keys.

The single-character keys (ui.source_actions.source_keys) are routed by the window's
KeyRouter like its other keys; they change sources only while the focus is where the
coder reads the current unit (the reader, the coding panel, the sources panel), and
elsewhere change nothing and say why. In the sources panel, where arrows and letters
belong to the table and the unit's words, a filter gives the source keys their actions
there too. The other actions (rename, merge, split, remove, accept a proposal) are menu
items with Ctrl+Shift keys; all of them are listed by the cheat sheet (F1).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from annotator.ui import source_actions as sa
from annotator.ui.keyboard import is_typed_text
from annotator.ui.source_actions import SourceActions
from annotator.ui.sources_panel import SourcesPanel

HINT = (  # beside the unit's words
    "Selected words: {cue} cue · {source_span} source span · {new} new source · {mention} mention"
)


class WindowSources(QObject):
    """Builds the sources panel, menu and keys of a main window (`window`); the window
    lays the panel out (`panel`) and shows or hides it with `view_action`."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        project = window.project
        self.actions = SourceActions(window, project, window.coder)
        taken = set(project.codebook.shortcuts) | {"j", "k", "N", "?"}
        taken |= {window.article_key, window.suggestions.key}
        self.keys = sa.source_keys(taken)
        named = {name: self.keys.get(name, "—") for name in sa.KEY_CANDIDATES}
        self.panel = SourcesPanel(self.actions, project.codebook, HINT.format(**named))
        self.view_action = QAction("Sources panel", window, checkable=True, checked=True)
        self.view_action.toggled.connect(self.panel.setVisible)
        self.actions.message.connect(lambda text: window.statusBar().showMessage(text, 8000))
        self.key_filter = _PanelKeys(self)
        for widget in (self.panel.table, self.panel.words):
            widget.installEventFilter(self.key_filter)

    def routed(self) -> dict[str, Callable[[], object]]:
        """Each routed key's action as a key press runs it: only where it may write."""
        return {name: getattr(self.actions, method) for name, (method, _) in _METHOD.items()} | {
            "cue": lambda: self.actions.mark_span("cue"),
            "source_span": lambda: self.actions.mark_span("source"),
        }

    def command_keys(self) -> dict[str, Callable[[], object]]:
        """For the window's KeyRouter: key -> action, held back with the focus astray."""
        actions = self.routed()
        return {key: self._guarded(key, actions[name]) for name, key in self.keys.items()}

    def _guarded(self, key: str, action: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            if self.may_write():
                return action()
            self.window.statusBar().showMessage(
                f"Not changed: the key {key} changes sources only in the article, the "
                "coding panel or the sources panel (Esc goes back to the article).",
                8000,
            )
            return False

        return run

    def may_write(self) -> bool:
        focus = self.window.focusWidget()
        return self.window._focus_where_coding_happens() or (
            focus is not None and self.panel.isAncestorOf(focus)
        )

    def build_menu(self, bar: QMenuBar) -> QMenu:
        menu = bar.addMenu("&Sources")
        actions = self.routed()
        for name, (_method, text) in _METHOD.items():
            key = self.keys.get(name)
            menu.addAction(self._action(f"{text}\t{key}" if key else text, actions[name]))
        menu.addSeparator()
        panel, a = self.panel, self.actions
        for text, key, slot in (
            ("Accept the selected proposal", sa.ACCEPT_KEY, a.accept_selected),
            ("Rename the selected source…", sa.RENAME_KEY, panel.edit_label),
            ("Merge the two selected sources", sa.MERGE_KEY, a.merge),
            ("Split the source: this sentence's mentions apart", sa.SPLIT_KEY, a.split),
            ("Remove the selected source", sa.REMOVE_KEY, a.remove),
            ("The machine's cue and source span again", sa.RESET_SPANS_KEY, a.reset_spans),
        ):
            menu.addAction(self._action(text, slot, key))
        menu.addSeparator()
        menu.addAction(self._action("To the sources panel", self.focus_panel, sa.PANEL_KEY))
        menu.addAction(self._action("Select words of the sentence", self.focus_words, sa.WORDS_KEY))
        return menu

    def _action(self, text: str, slot, key: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if key:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def focus_panel(self) -> None:
        self.view_action.setChecked(True)
        table = self.panel.table
        table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not table.selectionModel().hasSelection() and self.panel.model.rowCount():
            table.selectRow(max(0, table.currentIndex().row()))

    def focus_words(self) -> None:
        self.view_action.setChecked(True)
        self.panel.words.setFocus(Qt.FocusReason.ShortcutFocusReason)


# Routed action -> (SourceActions method, menu text).
_METHOD = {
    "proposed": ("link_proposed", "Link to the proposed source (accepting it)"),
    "previous": ("link_previous", "Link to the previous source"),
    "new": ("new_source", "New source from the selected words or the source span"),
    "mention": ("add_mention", "Add the selected words as a mention"),
    "cue": ("mark_span", "Mark the selected words as the cue"),
    "source_span": ("mark_span", "Mark the selected words as the source span"),
    "unlink": ("unlink", "Unlink the sentence from the source"),
}


class _PanelKeys(QObject):
    """In the sources panel (a list for the window's keys: arrows and letters stay
    there), the source keys keep their actions; a code key codes nothing and says so."""

    def __init__(self, sources: WindowSources) -> None:
        super().__init__(sources)
        self.sources = sources

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        if not is_typed_text(event):
            return False
        text = event.text()
        names = {key: name for name, key in self.sources.keys.items()}
        if text in names:
            self.sources.routed()[names[text]]()
            return True
        if text in self.sources.window.project.codebook.shortcuts:
            self.sources.window._write_key_astray(event)
            return True
        return False
