"""The article list: a model that reads its rows on demand, a filter proxy and a delegate.

The model starts from `article_order` (every article's id, key, outlet and date, in
coding order) and reads the rows themselves, with this coder's progress, a page at a
time when a view first asks for one (`article_page`): opening a project of 100,000
articles reads one or two pages, not 100,000 rows and every code. The status bar's sums
over all articles are counted afterwards, a small page at a time while the window is
idle, and then kept as running totals adjusted by the one article a coding action
touches: a key press costs the same in a project of 100,000 articles as in one of 10.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple, Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from annotator.core.coding import service as coding
from annotator.core.coding.article_views import (
    LIST_PAGE,
    ArticleOrder,
    ArticleSummary,
    article_page,
    article_search_texts,
)
from annotator.core.coding.service import ArticleProgress
from annotator.core.errors import AnnotatorError
from annotator.core.store.project import Project
from annotator.ui import theme

SummaryRole = Qt.ItemDataRole.UserRole + 1
ArticleIdRole = Qt.ItemDataRole.UserRole + 2
FinishedRole = Qt.ItemDataRole.UserRole + 3
SearchTextRole = Qt.ItemDataRole.UserRole + 4

COUNT_STEP = 100  # articles whose progress one idle turn counts (a few milliseconds)

_Index = QModelIndex | QPersistentModelIndex


class ArticleRows(Protocol):
    """Where the model reads what it shows: the project, for one coder."""

    def page(self, ids: Sequence[int]) -> list[ArticleSummary]: ...

    def progress(self, ids: Sequence[int]) -> Mapping[int, ArticleProgress]: ...

    def search_texts(self) -> Mapping[int, str]: ...


class ProjectRows:
    """The article list's rows as the project holds them for `coder`."""

    def __init__(self, project: Project, coder: str, twins: Mapping[str, str]) -> None:
        self.project, self.coder, self.twins = project, coder, twins

    def page(self, ids: Sequence[int]) -> list[ArticleSummary]:
        return article_page(self.project, self.coder, ids, self.twins)

    def progress(self, ids: Sequence[int]) -> Mapping[int, ArticleProgress]:
        return coding.progress(self.project, self.coder, ids)

    def search_texts(self) -> Mapping[int, str]:
        return article_search_texts(self.project)


class Overall(NamedTuple):
    """The status bar's sums: units complete of those to code, articles finished of all."""

    complete: int
    total: int
    finished: int
    articles: int


class ArticleListModel(QAbstractListModel):
    """Articles in coding order; one row each, read when first shown."""

    counted = Signal()  # every article's progress is known: the sums are ready
    read_failed = Signal(str)  # a page could not be read (why); its rows show their keys

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: ArticleRows | None = None
        self._order = ArticleOrder([], [], [], [], {})
        self._row_of: dict[int, int] = {}
        self._read: dict[int, ArticleSummary] = {}  # by article id: the rows read so far
        self._unreadable: set[int] = set()  # pages that failed: tried again with the list
        self._search: dict[int, str] | None = None  # by article id, casefolded; on first use
        self._progress: dict[int, ArticleProgress] = {}  # counted so far, by article id
        self._told: dict[int, int] = {}  # complete units set before the article was counted
        self._complete = self._total = self._finished = 0  # sums over _progress
        self._generation = 0  # a count step of an earlier list stops
        self._count_timer = QTimer(self, singleShot=True, interval=0)
        self._count_timer.timeout.connect(self._count_step)

    def set_articles(self, order: ArticleOrder, rows: ArticleRows) -> None:
        """List the articles of `order`, reading their rows from `rows` when shown."""
        self.beginResetModel()
        self._rows, self._order = rows, order
        self._row_of = {article_id: row for row, article_id in enumerate(order.ids)}
        self._read, self._search, self._progress, self._told = {}, None, {}, {}
        self._unreadable = set()
        self._complete = self._total = self._finished = 0
        self._generation += 1
        self.endResetModel()
        self._count_timer.start()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._order.ids)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._order.ids):
            return None
        if role == ArticleIdRole:
            return self._order.ids[index.row()]
        if role == FinishedRole:
            return self.finished(index.row())
        summary = self.summary(index.row())
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
        if role == SearchTextRole:
            return summary.search_text
        return None

    # -- rows, read on demand -----------------------------------------------------------

    def summary(self, row: int) -> ArticleSummary:
        """The row's article with this coder's progress (its page is read if need be)."""
        article_id = self._order.ids[row]
        if article_id not in self._read and row // LIST_PAGE not in self._unreadable:
            self._read_page(row // LIST_PAGE)
        return self._read.get(article_id) or self._key_only(row)

    def summaries(self) -> list[ArticleSummary]:
        """Every row, reading every page not read yet: for the tests and small listings;
        the window itself asks only for the rows it shows."""
        return [self.summary(row) for row in range(self.rowCount())]

    def _read_page(self, page: int) -> None:
        ids = self._order.ids[page * LIST_PAGE : (page + 1) * LIST_PAGE]
        if self._rows is None or not ids:
            return
        try:
            summaries = {summary.id: summary for summary in self._rows.page(ids)}
        except AnnotatorError as error:  # out of reach: shown by key until the list is
            self._unreadable.add(page)  # read again (the window does on reconnecting)
            self.read_failed.emit(str(error))
            return
        first = page * LIST_PAGE
        for row, article_id in enumerate(ids, start=first):
            summary = summaries.get(article_id) or self._key_only(row)  # gone meanwhile
            counted = self._progress.get(article_id)
            if counted is not None:  # the running count may be newer than this read
                summary = replace(summary, complete=counted.complete)
            self._read[article_id] = summary

    def _key_only(self, row: int) -> ArticleSummary:
        """A row whose article could not be read: its key, outlet and date, no progress."""
        order = self._order
        return ArticleSummary(
            order.ids[row], order.keys[row], order.keys[row], order.outlets[row],
            order.published[row], 0, 0,
        )  # fmt: skip

    def article_id(self, row: int) -> int:
        return self._order.ids[row]

    def row_of(self, article_id: int) -> int | None:
        return self._row_of.get(article_id)

    def row_of_key(self, key: str) -> int | None:
        try:
            return self._order.keys.index(key)
        except ValueError:
            return None

    def outlet(self, row: int) -> str:
        return self._order.outlets[row]

    def published(self, row: int) -> str:
        return self._order.published[row]

    def outlets(self) -> list[str]:
        """The outlets of the articles listed, each once, in alphabetical order."""
        return sorted({outlet for outlet in self._order.outlets if outlet}, key=str.casefold)

    def months(self) -> list[str]:
        """The months ("2010-01") the articles listed were published in, in order."""
        return sorted({date[:7] for date in self._order.published if len(date) >= 7})

    def search_text(self, row: int) -> str:
        """What the filter searches in this row, casefolded (every article's is read at
        the first filter typed: one query, not a page each)."""
        if self._search is None:
            texts = self._rows.search_texts() if self._rows is not None else {}
            self._search = {article_id: text.casefold() for article_id, text in texts.items()}
        return self._search.get(self._order.ids[row], "")

    def finished(self, row: int) -> bool:
        """Whether this coder has finished the row's article (`coding.is_finished`)."""
        counted = self._progress.get(self._order.ids[row])
        return counted.finished if counted is not None else self.summary(row).finished

    # -- progress -----------------------------------------------------------------------

    def set_progress(self, article_id: int, complete: int) -> None:
        """A coding action changed this article's complete units: its row and the sums."""
        row = self._row_of.get(article_id)
        read = self._read.get(article_id)
        counted = self._progress.get(article_id)
        shown = read or counted
        if row is None or (shown is not None and shown.complete == complete):
            return  # a code changed on a unit that stays complete (or incomplete)
        if read is not None:
            self._read[article_id] = replace(read, complete=complete)
        if counted is None:
            self._told[article_id] = complete  # the count, when it comes here, takes this
        else:
            self._add(counted, -1)
            self._progress[article_id] = replace(counted, complete=complete)
            self._add(self._progress[article_id], 1)
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def _add(self, progress: ArticleProgress, sign: int) -> None:
        self._complete += sign * progress.complete
        self._total += sign * progress.total
        self._finished += sign * int(progress.finished)

    def _count_step(self) -> None:
        """Count the progress of the next few articles not counted yet; again when idle."""
        generation = self._generation
        start = len(self._progress)
        if self._rows is None or start >= len(self._order.ids):
            return
        ids = self._order.ids[start : start + COUNT_STEP]
        try:
            counted = self._rows.progress(ids)
        except AnnotatorError as error:
            self.read_failed.emit(str(error))  # the sums stay unknown until the list is read again
            return
        if generation != self._generation:
            return
        for article_id in ids:
            progress = counted.get(article_id, ArticleProgress(article_id, 0, 0))
            if article_id in self._told:
                progress = replace(progress, complete=self._told.pop(article_id))
            self._progress[article_id] = progress
            self._add(progress, 1)
        if len(self._progress) < len(self._order.ids):
            self._count_timer.start()
        else:
            self.counted.emit()

    def stop_counting(self) -> None:
        """No more idle counting: the window is closing and its project with it (a step
        after that would open a connection on a closed project)."""
        self._count_timer.stop()
        self._generation += 1

    def count_all(self) -> None:
        """Count every article's progress now (the "not finished" filter needs it)."""
        generation = self._generation
        while self.overall() is None and generation == self._generation:
            before = len(self._progress)
            self._count_step()
            if len(self._progress) == before:
                return  # the project is out of reach: said by `read_failed`
        self._count_timer.stop()

    def overall(self) -> Overall | None:
        """Units complete and to code, articles finished and listed; None until counted."""
        if len(self._progress) < len(self._order.ids):
            return None
        return Overall(self._complete, self._total, self._finished, len(self._order.ids))


class ArticleFilterProxy(QSortFilterProxyModel):
    """Filters by text (title, outlet, date, key), by outlet and by the start of the date
    ("2010", "2010-01"), and, optionally, to unfinished articles. It asks the list's
    model for what it already holds (outlet, date, counted progress; the search texts on
    the first filter typed), so filtering never reads the rows' pages."""

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
        if on:
            self._articles().count_all()
        self.beginFilterChange()
        self._unfinished_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _articles(self) -> ArticleListModel:
        model = self.sourceModel()
        assert isinstance(model, ArticleListModel)
        return model

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not (self._unfinished_only or self._outlet is not None or self._published or self._text):
            return True
        model = self._articles()
        if self._unfinished_only:
            model.count_all()  # once per list: a list read again is counted again first
            if model.finished(source_row):
                return False
        if self._outlet is not None and model.outlet(source_row) != self._outlet:
            return False
        if not model.published(source_row).startswith(self._published):
            return False
        if self._text:
            haystack = model.search_text(source_row)
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
