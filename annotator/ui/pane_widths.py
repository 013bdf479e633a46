"""A wide window gives its spare width to the side panes, not to an empty gutter.

The reader stops its lines at a comfortable measure (`ReaderView.MEASURE_CHARS`) and
centres the column, so on a 1920- or 2560-pixel window everything past the measure was
blank space between the text and the coding panel (about 650 px at 2560). Here, when
the splitter is resized, the reader keeps what its measure needs and the rest widens
the coding panel (a roomier note box and buttons) and the article list (whole titles),
each up to a cap; only what is left beyond the caps stays as margins around the text.
A pane the user has hidden (width 0) stays hidden, and nothing is ever narrowed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QSplitter

LIST_MAX = 560  # the article list: whole titles, with room for their keys
PANEL_MAX = 700  # the coding panel: a roomy note box
SLACK = 48  # the reader's scroll bar and a little air beside the measure


def widened(sizes: list[int], reader_need: int) -> list[int] | None:
    """New (list, reader, panel) widths that hand the reader's spare width to the side
    panes up to their caps, half each, or None when nothing should change."""
    listed, reader, panel = sizes
    spare = reader - reader_need
    if spare <= 0:
        return None
    room_panel = max(0, PANEL_MAX - panel) if panel > 0 else 0
    room_list = max(0, LIST_MAX - listed) if listed > 0 else 0
    to_panel = min(room_panel, max(spare // 2, spare - room_list))
    to_list = min(room_list, spare - to_panel)
    if to_panel == 0 and to_list == 0:
        return None
    return [listed + to_list, reader - to_panel - to_list, panel + to_panel]


class SpareWidth(QObject):
    """Watches the window's splitter and widens its side panes when the reader has room."""

    def __init__(self, splitter: QSplitter, reader_need) -> None:
        super().__init__(splitter)
        self.splitter = splitter
        self.reader_need = reader_need  # () -> int, the reader's measure plus margins
        splitter.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.splitter and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self.apply)  # once the splitter has laid out its panes
        return False

    def apply(self) -> None:
        sizes = self.splitter.sizes()
        if len(sizes) != 3:
            return
        new = widened(sizes, self.reader_need() + SLACK)
        if new is not None:
            self.splitter.setSizes(new)
