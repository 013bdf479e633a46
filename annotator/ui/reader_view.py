"""The article as a reader sees it: a list view of units drawn by a word-wrapping delegate.

One unit per row (sentences of a paragraph do not flow into one block; a list
view lays out rows, not inline runs), with extra space above the first unit of
each paragraph so paragraphs stay visible. Titles and headings are set larger
and bold; page furniture ("Advertisement", a caption) small, italic and greyed.
A coded unit gets a coloured mark in the left margin, keyed to its category in
the codebook's first field; the codes' shortcuts show in the right margin. Row
heights are measured lazily and cached per viewport width, so a 3,000-sentence
article opens without laying out text it never shows.
"""

from __future__ import annotations

import re

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from annotator.core.codebook import Codebook
from annotator.core.ingest.furniture import FURNITURE
from annotator.ui import theme
from annotator.ui.units_model import (
    CodesRole,
    CompleteRole,
    KindRole,
    NeedsCodingRole,
    NewBlockRole,
    NoteRole,
    WaitingRole,
    code_tags,
    tag_sample,
)

_Index = QModelIndex | QPersistentModelIndex
_WRAP = int(Qt.TextFlag.TextWordWrap)
_HEADING_SCALE = {"title": 1.45, "heading": 1.15}


MATCH = "#f2c744"  # words the find bar found (black on them reads well)
CURRENT_MATCH = "#f28c28"  # the match Enter goes to


class UnitDelegate(QStyledItemDelegate):
    """Draws one unit: margin mark, wrapped text, code shortcuts; caches row heights."""

    MARK_WIDTH = 13  # wide enough for the code's key inside the mark
    TEXT_LEFT = 36
    PAD_Y = 3

    def __init__(self, view: QListView, codebook: Codebook) -> None:
        super().__init__(view)
        self._view = view
        self._codebook = codebook
        self._heights: dict[int, int] = {}
        self._width = -1
        self.matches: set[int] = set()
        # row -> (start, end, kind) character ranges of the unit's text to highlight:
        # an attribution cue ("cue") and its source ("source"); see ui/suggestions.py.
        self.highlights: dict[int, list[tuple[int, int, str]]] = {}
        # row -> kind -> (start, end): the coder's own cue and source span, drawn instead of
        # the machine's; row -> spans: the mentions of the sources selected in the sources
        # panel (ui/sources_panel.py).
        self.corrections: dict[int, dict[str, tuple[int, int]]] = {}
        self.mentions: dict[int, list[tuple[int, int]]] = {}
        self.selection: tuple[int, int, int] | None = None  # (row, start, end): words selected
        self.find_text = ""  # the text the find bar looks for: highlighted in matching rows
        self.current_match: int | None = None  # the match Enter goes to: marked more strongly
        first = theme.mark_field(codebook)
        self._mark_field = first.key if first is not None else ""
        self._mark_colors = theme.category_colors(first, view.palette()) if first else {}
        self._tags = {
            (f.key, c.code): c.shortcut or c.code for f in codebook.fields for c in f.categories
        }
        self._tag_width = 0

    # -- geometry --------------------------------------------------------------------

    def forget_sizes(self) -> None:
        self._heights.clear()

    def _text_width(self) -> int:
        return max(80, self._view.viewport().width() - self.TEXT_LEFT - self._tags_width() - 16)

    def _tags_width(self) -> int:
        if not self._tag_width:
            metrics = QFontMetrics(self._small_font(self._view.font()))
            sample = "↻ " + tag_sample(self._codebook)  # ↻: unsaved, retrying
            self._tag_width = metrics.horizontalAdvance(sample) + 12
        return self._tag_width

    def _font(self, base: QFont, kind: str) -> QFont:
        if kind == FURNITURE:
            return self._small_font(base, italic=True)
        scale = _HEADING_SCALE.get(kind)
        if scale is None:
            return base
        font = QFont(base)
        font.setBold(True)
        font.setPointSizeF(base.pointSizeF() * scale)
        return font

    @staticmethod
    def _small_font(base: QFont, *, italic: bool = False) -> QFont:
        font = QFont(base)
        font.setPointSizeF(base.pointSizeF() * 0.85)
        font.setItalic(italic)
        return font

    def _block_gap(self, index: _Index, metrics: QFontMetrics) -> int:
        return metrics.height() * 2 // 3 if index.row() and index.data(NewBlockRole) else 0

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        width = self._view.viewport().width()
        if width != self._width:
            self._heights.clear()
            self._width = width
        row = index.row()
        height = self._heights.get(row)
        if height is None:
            base = self._view.font()
            font = self._font(base, index.data(KindRole) or "sentence")
            text_rect = QRect(0, 0, self._text_width(), 100_000)
            text_height = QFontMetrics(font).boundingRect(text_rect, _WRAP, index.data()).height()
            height = text_height + 2 * self.PAD_Y + self._block_gap(index, QFontMetrics(base))
            self._heights[row] = height
        return QSize(width, height)

    # -- painting --------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        palette = option.palette
        kind = index.data(KindRole) or "sentence"
        gap = self._block_gap(index, QFontMetrics(self._view.font()))
        rect = option.rect.adjusted(0, gap, 0, 0)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            highlight = QColor(palette.color(QPalette.ColorRole.Highlight))
            highlight.setAlpha(70)
            painter.fillRect(rect, highlight)
            painter.fillRect(
                QRect(rect.left(), rect.top(), 3, rect.height()),
                palette.color(QPalette.ColorRole.Highlight),
            )

        font = self._font(self._view.font(), kind)
        painter.setFont(font)
        needs_coding = bool(index.data(NeedsCodingRole))
        if kind == FURNITURE:  # page furniture: kept visible, greyed, never to code
            painter.setPen(theme.muted_text(palette))
        else:
            painter.setPen(palette.color(QPalette.ColorRole.Text))
        text_rect = self._text_rect(rect)
        ranges = self.ranges(index.row())
        finding = index.row() in self.matches and bool(self.find_text)
        if ranges or finding:
            current = index.row() == self.current_match
            self._draw_marked(painter, text_rect, font, index.data(), ranges, palette, current)
        else:
            painter.drawText(text_rect, _WRAP, index.data())

        codes: dict[str, str] = index.data(CodesRole) or {}
        if codes:
            self._paint_mark(painter, rect, codes, bool(index.data(CompleteRole)), palette)
            self._paint_tags(painter, rect, codes, palette, bool(index.data(WaitingRole)))
        elif needs_coding:
            self._paint_empty_mark(painter, rect, palette)
        if index.data(NoteRole):
            painter.setFont(self._small_font(self._view.font()))
            painter.setPen(theme.muted_text(palette))
            painter.drawText(QRect(rect.left() + 21, rect.top() + self.PAD_Y, 12, 16), 0, "✎")
        painter.restore()

    def _text_rect(self, rect: QRect) -> QRect:
        return QRect(
            rect.left() + self.TEXT_LEFT,
            rect.top() + self.PAD_Y,
            self._text_width(),
            rect.height() - 2 * self.PAD_Y,
        )

    def char_at(self, index: _Index, rect: QRect, point: QPoint) -> int:
        """The character of the unit's text at `point` (in the row's `rect`), laid out as
        `_draw_marked` lays it out: where a drag selecting words starts or ends."""
        gap = self._block_gap(index, QFontMetrics(self._view.font()))
        text_rect = self._text_rect(rect.adjusted(0, gap, 0, 0))
        font = self._font(self._view.font(), index.data(KindRole) or "sentence")
        palette = self._view.palette()
        ranges = self.ranges(index.row())
        formats = [self._highlight_format(s, e, kind, palette) for s, e, kind in ranges]
        layout = self._layout(index.data(), font, text_rect.width(), self._view, formats)
        y = point.y() - text_rect.top()
        lines = [layout.lineAt(i) for i in range(layout.lineCount())]
        if not lines:
            return 0
        line = next((ln for ln in lines if y < ln.y() + ln.height()), lines[-1])
        if y < 0:
            line = lines[0]
        return line.xToCursor(point.x() - text_rect.left())

    @staticmethod
    def _layout(text: str, font: QFont, width: int, device, formats=()) -> QTextLayout:
        """The unit's text wrapped as drawText wraps it, with its marks' formats (bold
        changes where lines break)."""
        layout = QTextLayout(text, font, device)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.setFormats(list(formats))
        layout.beginLayout()
        y = 0.0
        while (line := layout.createLine()).isValid():
            line.setLineWidth(width)
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        return layout

    def ranges(self, row: int) -> list[tuple[int, int, str]]:
        """What to mark in a row, never overlapping: the selected sources' mentions, the
        coder's own spans where they overlap no mention, the machine's where they overlap
        neither."""
        marked = [(s, e, "mention") for s, e in self.mentions.get(row, [])]
        if self.selection is not None and self.selection[0] == row:
            _, start, end = self.selection
            marked = [(s, e, k) for s, e, k in marked if e <= start or end <= s]
            marked.append((start, end, "selected"))
        own = [(s, e, kind) for kind, (s, e) in self.corrections.get(row, {}).items()]
        for s, e, kind in own + (self.highlights.get(row) or []):
            if all(e <= ms or me <= s for ms, me, _ in marked):
                marked.append((s, e, kind))
        return sorted(marked)

    def match_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, length) of each occurrence of the find text, ignoring case."""
        if not self.find_text:
            return []
        pattern = re.compile(re.escape(self.find_text), re.IGNORECASE)
        return [(m.start(), m.end() - m.start()) for m in pattern.finditer(text)]

    def _draw_marked(
        self,
        painter: QPainter,
        rect: QRect,
        font: QFont,
        text: str,
        ranges: list[tuple[int, int, str]],
        palette: QPalette,
        current_match: bool = False,
    ) -> None:
        """The text wrapped as drawText wraps it, with its attribution cue and source and
        each word the find bar found marked (drawText cannot colour part of a text; a
        QTextLayout can)."""
        formats = [self._highlight_format(s, e, kind, palette) for s, e, kind in ranges]
        layout = self._layout(text, font, rect.width(), painter.device(), formats)
        marked = QTextCharFormat()
        marked.setBackground(QColor(CURRENT_MATCH if current_match else MATCH))
        marked.setForeground(QColor("#000000"))
        found_ranges = []
        for start, length in self.match_spans(text):
            found = QTextLayout.FormatRange()
            found.start, found.length, found.format = start, length, marked
            found_ranges.append(found)
        layout.draw(painter, QPointF(rect.topLeft()), found_ranges)

    @staticmethod
    def _highlight_format(start: int, end: int, kind: str, palette: QPalette):
        fmt = QTextCharFormat()
        if kind == "selected":  # words selected with the mouse, as a text box shows them
            fmt.setBackground(palette.color(QPalette.ColorRole.Highlight))
            fmt.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
            return _range(start, end, fmt)
        fmt.setBackground(theme.cue_color(kind, palette))
        if kind == "mention":
            fmt.setFontWeight(QFont.Weight.Bold)
        if kind == "cue":
            fmt.setFontUnderline(True)
        return _range(start, end, fmt)

    def _paint_mark(
        self,
        painter: QPainter,
        rect: QRect,
        codes: dict[str, str],
        complete: bool,
        palette: QPalette,
    ) -> None:
        code = codes.get(self._mark_field)
        if code is None:
            color = theme.muted_text(palette)
        else:
            color = self._mark_colors.get(code, theme.muted_text(palette))
        mark = QRect(
            rect.left() + 5,
            rect.top() + self.PAD_Y,
            self.MARK_WIDTH,
            rect.height() - 2 * self.PAD_Y,
        )
        if complete:
            painter.fillRect(mark, color)
            key_color = theme.on_color(color)
        else:  # partly coded: an outline, so "started" and "done" differ at a glance
            painter.setPen(QPen(color, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(mark.adjusted(0, 0, -1, -1))
            key_color = palette.color(QPalette.ColorRole.Text)
        if code is not None:  # the code's key as well as its colour: colour alone can mislead
            painter.setFont(self._small_font(self._view.font()))
            painter.setPen(key_color)
            painter.drawText(
                QRect(mark.left(), mark.top(), mark.width(), self._key_height()),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                self._tags.get((self._mark_field, code), "?"),
            )

    def _key_height(self) -> int:
        return QFontMetrics(self._small_font(self._view.font())).height()

    def mark_key(self, codes: dict[str, str]) -> str | None:
        """The key drawn in a unit's margin mark (the first field's code's shortcut)."""
        code = codes.get(self._mark_field)
        return None if code is None else self._tags.get((self._mark_field, code), "?")

    def _paint_empty_mark(self, painter: QPainter, rect: QRect, palette: QPalette) -> None:
        color = QColor(theme.muted_text(palette))
        color.setAlpha(60)
        painter.fillRect(
            QRect(rect.left() + 11, rect.top() + self.PAD_Y, 1, rect.height() - 2 * self.PAD_Y),
            color,
        )

    def _paint_tags(
        self,
        painter: QPainter,
        rect: QRect,
        codes: dict[str, str],
        palette: QPalette,
        waiting: bool,
    ) -> None:
        """The codes' short tags at the right; amber and marked while some wait to be saved."""
        tags = code_tags(self._codebook, codes)
        painter.setFont(self._small_font(self._view.font()))
        tag_color = QColor(palette.color(QPalette.ColorRole.Text))
        tag_color.setAlpha(150)
        if waiting:
            tags.insert(0, "↻")
            tag_color = theme.waiting_color(palette)
        painter.setPen(tag_color)
        tag_rect = QRect(
            rect.right() - self._tags_width(),
            rect.top() + self.PAD_Y,
            self._tags_width() - 4,
            rect.height(),
        )
        painter.drawText(tag_rect, int(Qt.AlignmentFlag.AlignRight), " ".join(tags))


def _range(start: int, end: int, fmt: QTextCharFormat) -> QTextLayout.FormatRange:
    marked = QTextLayout.FormatRange()
    marked.start, marked.length, marked.format = start, end - start, fmt
    return marked


class ReaderView(QListView):
    """A read-only list of units; keys are routed by the window, not by the view. A
    drag across a unit's words selects them (`words_selected`: row, start, end in the
    unit's text; row -1 when the selection is gone)."""

    words_selected = Signal(int, int, int)

    def __init__(self, codebook: Codebook, parent=None) -> None:
        super().__init__(parent)
        self.unit_delegate = UnitDelegate(self, codebook)
        self._drag: tuple[int, int] | None = None  # (row, character) a drag started at
        self.setItemDelegate(self.unit_delegate)
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setViewportMargins(12, 8, 12, 8)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.setFont(font)

    # A comfortable measure: on a wide screen lines stop at about this many characters and
    # the text column is centred, instead of running 200 characters across.
    MEASURE_CHARS = 75
    SIDE_MARGIN = 12

    def measure_width(self) -> int:
        """The widest the viewport gets: a measure of text plus the marks and tags."""
        text = QFontMetrics(self.font()).averageCharWidth() * self.MEASURE_CHARS
        delegate = self.unit_delegate
        return text + delegate.TEXT_LEFT + delegate._tags_width() + 16

    def resizeEvent(self, event) -> None:
        spare = self.width() - 2 * self.SIDE_MARGIN - self.measure_width()
        side = self.SIDE_MARGIN + max(0, spare // 2)
        margins = self.viewportMargins()
        if margins.left() != side:
            self.setViewportMargins(side, 8, side, 8)
        super().resizeEvent(event)

    def setModel(self, model) -> None:
        super().setModel(model)
        model.modelReset.connect(self.unit_delegate.forget_sizes)

    def dataChanged(self, top_left, bottom_right, roles=()) -> None:
        """Codes change a row's colours, never its height: repaint the rows, skip a relayout.

        QListView relays out every row on any data change when item sizes are not uniform,
        which on a 3,000-unit article costs more than the whole coding action.
        """
        for row in range(top_left.row(), bottom_right.row() + 1):
            self.update(self.model().index(row, 0))

    # -- selecting words with the mouse (for the sources: ui/sources_panel.py) ------------

    def mousePressEvent(self, event) -> None:
        super().mousePressEvent(event)
        point = event.position().toPoint()
        index = self.indexAt(point)
        self._drag = None
        if event.button() == Qt.MouseButton.LeftButton and index.isValid():
            self._drag = (index.row(), self._char_at(index, point))
        self._select_words(None)

    def mouseMoveEvent(self, event) -> None:
        drag = self._drag
        if drag is None or not event.buttons() & Qt.MouseButton.LeftButton:
            super().mouseMoveEvent(event)
            return
        row, anchor = drag
        at = self._char_at(self.model().index(row, 0), event.position().toPoint())
        self._select_words((row, min(anchor, at), max(anchor, at)) if at != anchor else None)

    def _char_at(self, index: QModelIndex, point: QPoint) -> int:
        return self.unit_delegate.char_at(index, self.visualRect(index), point)

    def _select_words(self, selection: tuple[int, int, int] | None) -> None:
        if selection != self.unit_delegate.selection:
            self.unit_delegate.selection = selection
            self.viewport().update()
            self.words_selected.emit(*(selection or (-1, 0, 0)))

    def keyboardSearch(self, search: str) -> None:
        """Typed letters are codes or commands here, never a jump to matching text."""

    def show_row(self, row: int) -> None:
        """Make `row` the current, selected unit and scroll it into view, with context."""
        index = self.model().index(row, 0)
        self.setCurrentIndex(index)
        self.keep_in_view(index)

    # Lines of text kept visible above and below the current unit, as an editor keeps its
    # cursor line away from the window's edge (at most a quarter of the view each side).
    CONTEXT_LINES = 3

    def context_margin(self) -> int:
        lines = self.fontMetrics().lineSpacing() * self.CONTEXT_LINES
        return max(0, min(lines, self.viewport().height() // 4))

    def keep_in_view(self, index: QModelIndex | None = None) -> None:
        """Scroll so the current unit (or `index`) is shown with context above and below it."""
        index = index if index is not None else self.currentIndex()
        if not index.isValid():
            return
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)  # lays out if needed
        rect = self.visualRect(index)
        height = self.viewport().height()
        margin = self.context_margin()
        bar = self.verticalScrollBar()
        if rect.height() + 2 * margin >= height or rect.top() < margin:
            bar.setValue(bar.value() + rect.top() - margin)
        elif rect.bottom() > height - margin:
            bar.setValue(bar.value() + rect.bottom() - (height - margin))

    def is_current_in_view(self) -> bool:
        """Whether the current unit is fully on screen (a key may code it unseen otherwise)."""
        rect = self.visualRect(self.currentIndex())
        return rect.isValid() and self.viewport().rect().contains(rect)
