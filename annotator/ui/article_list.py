"""The article list: a model of article summaries, a filter proxy and a progress delegate.

The model holds plain `ArticleSummary` rows read in one query; progress of one
article is updated in place after a coding action, so the list never re-reads
the project while the coder works. The status bar's sums over all articles are kept
as running totals, adjusted by the one article a change touches: a key press costs the
same in a project of 100,000 articles as in one of 10.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from annotator.core.coding.article_views import ArticleSummary
from annotator.ui import theme

SummaryRole = Qt.ItemDataRole.UserRole + 1
ArticleIdRole = Qt.ItemDataRole.UserRole + 2
FinishedRole = Qt.ItemDataRole.UserRole + 3
SearchTextRole = Qt.ItemDataRole.UserRole + 4

_Index = QModelIndex | QPersistentModelIndex


class ArticleListModel(QAbstractListModel):
    """Articles in coding order; one row each."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[ArticleSummary] = []
        self._row_of: dict[int, int] = {}
        self._complete = self._total = self._finished = 0  # sums over _rows

    def set_articles(self, summaries: list[ArticleSummary]) -> None:
        self.beginResetModel()
        self._rows = list(summaries)
        self._row_of = {summary.id: row for row, summary in enumerate(self._rows)}
        self._complete = sum(r.complete for r in self._rows)
        self._total = sum(r.total for r in self._rows)
        self._finished = sum(1 for r in self._rows if r.finished)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        summary = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return summary.title
        if role == Qt.ItemDataRole.ToolTipRole:
            twin = (
                f"\nnear-duplicate of {summary.near_duplicate_of}"
                if summary.near_duplicate_of
                else ""
            )
            return (
                f"{summary.title}\n{summary.key}\n{summary.complete} of {summary.total} coded"
                + twin
            )
        if role == SummaryRole:
            return summary
        if role == ArticleIdRole:
            return summary.id
        if role == FinishedRole:
            return summary.finished
        if role == SearchTextRole:
            return f"{summary.title} {summary.outlet} {summary.published} {summary.key}"
        return None

    # -- lookups and updates ---------------------------------------------------------

    def summary(self, row: int) -> ArticleSummary:
        return self._rows[row]

    def summaries(self) -> list[ArticleSummary]:
        return list(self._rows)

    def row_of(self, article_id: int) -> int | None:
        return self._row_of.get(article_id)

    def set_progress(self, article_id: int, complete: int) -> None:
        row = self._row_of.get(article_id)
        if row is None or self._rows[row].complete == complete:
            return
        old = self._rows[row]
        new = self._rows[row] = replace(old, complete=complete)
        self._complete += new.complete - old.complete
        self._finished += int(new.finished) - int(old.finished)
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def totals(self) -> tuple[int, int]:
        """(complete, total) units over all articles, for the status bar."""
        return self._complete, self._total

    def finished_count(self) -> int:
        """Articles whose every unit that needs coding is complete."""
        return self._finished


class ArticleFilterProxy(QSortFilterProxyModel):
    """Filters by text (title, outlet, date, key), by outlet and by the start of the date
    ("2010", "2010-01"), and, optionally, to unfinished articles."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._text = ""
        self._unfinished_only = False
        self._outlet: str | None = None
        self._published = ""
        self.setFilterRole(SearchTextRole)

    def set_outlet(self, outlet: str | None) -> None:
        """Only this outlet's articles (None: every outlet)."""
        self.beginFilterChange()
        self._outlet = outlet
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_published(self, prefix: str) -> None:
        """Only articles whose ISO date starts with `prefix` ("": any date)."""
        self.beginFilterChange()
        self._published = prefix
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_unfinished_only(self, on: bool) -> None:
        self.beginFilterChange()
        self._unfinished_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        if self._unfinished_only and index.data(FinishedRole):
            return False
        summary: ArticleSummary = index.data(SummaryRole)
        if self._outlet is not None and summary.outlet != self._outlet:
            return False
        if not summary.published.startswith(self._published):
            return False
        if self._text:
            haystack = str(index.data(SearchTextRole) or "").casefold()
            return all(word in haystack for word in self._text.split())
        return True


class ArticleDelegate(QStyledItemDelegate):
    """Title on one line, outlet and date below it, and "n of N" with a small bar on the right."""

    BAR_WIDTH = 48
    PADDING = 6

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        height = option.fontMetrics.height()
        return QSize(200, 2 * height + 3 * self.PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        summary: ArticleSummary | None = index.data(SummaryRole)
        if summary is None:
            return
        painter.save()
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        rect = option.rect.adjusted(self.PADDING, self.PADDING, -self.PADDING, -self.PADDING)
        metrics = option.fontMetrics
        line = metrics.height()
        count_text = f"{summary.complete} of {summary.total}"
        right_width = max(self.BAR_WIDTH, metrics.horizontalAdvance(count_text))
        text_width = rect.width() - right_width - self.PADDING

        title_font = QFont(option.font)
        title_font.setBold(not summary.finished)
        painter.setFont(title_font)
        painter.setPen(text_color)
        title = painter.fontMetrics().elidedText(
            summary.title, Qt.TextElideMode.ElideRight, text_width
        )
        painter.drawText(QRect(rect.left(), rect.top(), text_width, line), 0, title)

        painter.setFont(option.font)
        muted = text_color if selected else theme.muted_text(palette)
        painter.setPen(muted)
        twin = "near-duplicate" if summary.near_duplicate_of else ""
        byline = " · ".join(part for part in (twin, summary.outlet, summary.published) if part)
        byline = metrics.elidedText(byline or summary.key, Qt.TextElideMode.ElideRight, text_width)
        painter.drawText(QRect(rect.left(), rect.top() + line + 2, text_width, line), 0, byline)

        right = QRect(rect.right() - right_width, rect.top(), right_width, line)
        painter.setPen(text_color)
        painter.drawText(right, Qt.AlignmentFlag.AlignRight, count_text)
        self._paint_bar(
            painter, summary, QRect(right.left(), rect.top() + line + 6, right_width, 5), palette
        )
        painter.restore()

    def _paint_bar(
        self, painter: QPainter, summary: ArticleSummary, bar: QRect, palette: QPalette
    ) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(bar, 2, 2)
        if summary.total and summary.complete:
            done = QRect(bar)
            done.setWidth(max(2, round(bar.width() * summary.complete / summary.total)))
            painter.setBrush(theme.success_color(palette))
            painter.drawRoundedRect(done, 2, 2)
