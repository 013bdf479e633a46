"""The sources tab of the review window: the coders' source lists of one article side by
side, and the consensus list the supervisor settles.

One row per source across the coders (the core's clusters: core/supervision/source_review),
a column per coder and one for the consensus; a source only one coder found has its row
to itself, and a row whose coders coded a field differently is marked in its first column
and in the coders' cells. Every decision is one call into the core, written as the
consensus with history, and one undo step on the review window's stack:

- 1-9: take that coder's source on the current row into the consensus (its label,
  mentions, codes and links; it replaces the row's consensus source);
- Delete: remove the row's consensus source;
- the field boxes below (Tab reaches them, the arrow keys choose): the consensus's code
  of each source field on the current row;
- Alt+Down / Alt+Up: the next / previous article.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Codebook
from annotator.core.coding.source_lists import SourceEntry
from annotator.core.coding.sources_service import SourceEdit
from annotator.core.supervision import source_review as review
from annotator.core.supervision.source_review import ReviewedArticle, ReviewRow, SourceReview
from annotator.ui import theme
from annotator.ui.operations import commit_and_announce
from annotator.ui.review.adjudication import MAX_NUMBERED_CODERS, ReviewOperations

NOT_CODED = "(not coded)"
NOT_FOUND = "—"


class SourceRowsModel(QAbstractTableModel):
    """The rows of one article's review: status, a column per coder, the consensus."""

    def __init__(self, codebook: Codebook, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.codebook = codebook
        self.review: SourceReview | None = None

    def set_review(self, shown: SourceReview | None) -> None:
        self.beginResetModel()
        self.review = shown
        self.endResetModel()

    @property
    def coders(self) -> tuple[str, ...]:
        return self.review.coders if self.review is not None else ()

    def row(self, number: int) -> ReviewRow | None:
        if self.review is None or not 0 <= number < len(self.review.rows):
            return None
        return self.review.rows[number]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.review is None else len(self.review.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.coders) + 2

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = ["Row", *self._numbered(), "Consensus"]
        return names[section] if 0 <= section < len(names) else None

    def _numbered(self) -> list[str]:
        return [
            f"{i}  {coder}" if i <= MAX_NUMBERED_CODERS else coder
            for i, coder in enumerate(self.coders, start=1)
        ]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = index.column()
        if column == 0:
            return self._status(row, role)
        entry = self._entry(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return NOT_FOUND if entry is None else self._cell(entry)
        if role == Qt.ItemDataRole.ToolTipRole and entry is not None:
            return self._tooltip(entry, row)
        if role == Qt.ItemDataRole.BackgroundRole and self._differs(row, column):
            tint = QColor(theme.waiting_color())
            tint.setAlpha(70)
            return tint
        if role == Qt.ItemDataRole.ForegroundRole and entry is None:
            return theme.muted_text()
        return None

    def _entry(self, row: ReviewRow, column: int) -> SourceEntry | None:
        if column <= len(self.coders):
            return row.sources.get(self.coders[column - 1])
        return row.consensus

    def _differs(self, row: ReviewRow, column: int) -> bool:
        """A coder's cell on a row where the coders' codes differ on some field."""
        return (
            bool(row.disagreeing)
            and 1 <= column <= len(self.coders)
            and (self._entry(row, column) is not None)
        )

    def _status(self, row: ReviewRow, role: int):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if not row.found_by:
            return "consensus only"
        if not row.matched:
            return f"only {row.found_by[0]}"
        if row.disagreeing:
            return "≠ " + ", ".join(self.codebook.field(k).label for k in sorted(row.disagreeing))
        return "matched"

    def _cell(self, entry: SourceEntry) -> str:
        codes = [
            self._code_label(f.key, entry.codes[f.key])
            for f in self.codebook.source_fields
            if f.key in entry.codes
        ]
        mentions = len(entry.mentions)
        lines = [entry.label, f"{mentions} mention{'s' if mentions != 1 else ''}"]
        if codes:
            lines.append(" · ".join(codes))
        return "\n".join(lines)

    def _tooltip(self, entry: SourceEntry, row: ReviewRow) -> str:
        lines = [entry.label]
        for book_field in self.codebook.source_fields:
            code = entry.codes.get(book_field.key)
            value = NOT_CODED if code is None else self._code_label(book_field.key, code)
            mark = "  ≠" if book_field.key in row.disagreeing else ""
            lines.append(f"{book_field.label}: {value}{mark}")
        return "\n".join(lines)

    def _code_label(self, key: str, code: str) -> str:
        found = next((c for c in self.codebook.field(key).categories if c.code == code), None)
        return found.label if found is not None else code


class SourcesTab(QWidget):
    """The sources tab (see the module docstring); writes through `operations`."""

    def __init__(self, codebook: Codebook, operations: ReviewOperations, parent=None) -> None:
        super().__init__(parent)
        self.codebook = codebook
        self.operations = operations
        self.project = operations.project
        self.coders: list[str] | None = None
        self._stale = True
        self.articles: list[ReviewedArticle] = []
        self.model = SourceRowsModel(codebook, self)
        self._build()
        self._keys()

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Article:"))
        self.article_box = QComboBox()
        self.article_box.setToolTip("Articles two or more chosen coders coded (Alt+Down: next)")
        self.article_box.currentIndexChanged.connect(self.show_article)
        top.addWidget(self.article_box, 1)
        self.summary = QLabel()
        top.addWidget(self.summary)
        layout.addLayout(top)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.model.modelReset.connect(
            lambda: header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        )
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_row())
        self.panel = QWidget()
        panel = QVBoxLayout(self.panel)
        panel.setContentsMargins(0, 0, 0, 0)
        self.row_title = QLabel()
        panel.addWidget(self.row_title)
        self.take_row = QHBoxLayout()
        self.take_buttons: list[QPushButton] = []
        self.remove_button = QPushButton("Remove from consensus (Del)")
        self.remove_button.clicked.connect(self.remove_consensus)
        buttons = QHBoxLayout()
        buttons.addLayout(self.take_row)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        panel.addLayout(buttons)
        form = QFormLayout()
        self.field_boxes: dict[str, QComboBox] = {}
        for book_field in self.codebook.source_fields:
            box = QComboBox()
            box.addItem(NOT_CODED, None)
            for category in book_field.categories:
                box.addItem(category.label, category.code)
            box.setToolTip(book_field.description or book_field.label)
            box.activated.connect(lambda _i, key=book_field.key: self.set_field(key))
            form.addRow(f"Consensus {book_field.label.lower()}:", box)
            self.field_boxes[book_field.key] = box
        panel.addLayout(form)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        self.empty = QLabel()
        layout.addWidget(self.empty)

    def _keys(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for number in range(1, MAX_NUMBERED_CODERS + 1):
            key = QShortcut(QKeySequence(str(number)), self, context=context)
            key.activated.connect(lambda n=number: self.take(n - 1))
        for sequence, slot in (
            (QKeySequence.StandardKey.Delete, self.remove_consensus),
            (QKeySequence("Alt+Down"), lambda: self.step_article(1)),
            (QKeySequence("Alt+Up"), lambda: self.step_article(-1)),
        ):
            QShortcut(sequence, self, context=context).activated.connect(slot)

    # -- reading -----------------------------------------------------------------------

    def set_coders(self, coders: list[str] | None) -> None:
        """The chosen coders (None: all); re-reads the article list, keeping the article,
        now if the tab is shown, else when it next is (reading every article's lists is
        not worth doing for a tab nobody looks at)."""
        self.coders = coders
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        current = self.current_article()
        self.articles = review.reviewed_articles(self.project, self.coders)
        self.article_box.blockSignals(True)
        self.article_box.clear()
        for article in self.articles:
            parts = [f"{article.sources} source(s)"]
            if article.unmatched:
                parts.append(f"{article.unmatched} unmatched")
            if article.disagreeing:
                parts.append(f"{article.disagreeing} differing")
            self.article_box.addItem(f"{article.key} — {', '.join(parts)}", article.article_id)
        keys = [a.article_id for a in self.articles]
        self.article_box.setCurrentIndex(keys.index(current) if current in keys else 0)
        self.article_box.blockSignals(False)
        self.empty.setVisible(not self.articles)
        self.empty.setText("No article has sources from two or more of the chosen coders.")
        self.show_article()

    def current_article(self) -> int | None:
        return self.article_box.currentData()

    def show_article(self, *_args) -> None:
        """Read the current article's review again, keeping the row the supervisor is on."""
        article = self.current_article()
        row = max(self.table.currentIndex().row(), 0)
        shown = (
            None if article is None else review.review_article(self.project, article, self.coders)
        )
        self.model.set_review(shown)
        self._rebuild_take_buttons()
        if shown is not None and shown.rows:
            self.table.selectRow(min(row, len(shown.rows) - 1))
            self.summary.setText(
                f"{len(shown.rows)} row(s), {shown.unmatched} unmatched, "
                f"{shown.settled} in the consensus"
            )
        else:
            self.summary.setText("")
        self._show_row()

    def step_article(self, step: int) -> None:
        index = self.article_box.currentIndex() + step
        if 0 <= index < self.article_box.count():
            self.article_box.setCurrentIndex(index)
            self.table.setFocus()

    def current_row(self) -> ReviewRow | None:
        return self.model.row(self.table.currentIndex().row())

    def _rebuild_take_buttons(self) -> None:
        for button in self.take_buttons:
            self.take_row.removeWidget(button)
            button.deleteLater()
        self.take_buttons = []
        for number, coder in enumerate(self.model.coders, start=1):
            button = QPushButton(f"{number}  Take {coder}'s")
            button.clicked.connect(lambda _c=False, n=number: self.take(n - 1))
            self.take_row.addWidget(button)
            self.take_buttons.append(button)

    def _show_row(self) -> None:
        row = self.current_row()
        self.row_title.setText(_row_title(self.table.currentIndex().row(), row))
        for button, coder in zip(self.take_buttons, self.model.coders, strict=True):
            button.setEnabled(row is not None and row.sources.get(coder) is not None)
        consensus = row.consensus if row is not None else None
        self.remove_button.setEnabled(consensus is not None)
        for key, box in self.field_boxes.items():
            box.setEnabled(consensus is not None)
            code = consensus.codes.get(key) if consensus is not None else None
            box.setCurrentIndex(max(box.findData(code), 0))

    # -- decisions ---------------------------------------------------------------------

    def take(self, coder_number: int) -> bool:
        """Key N: coder N's source on the current row becomes its consensus source."""
        row, article = self.current_row(), self.current_article()
        coders = self.model.coders
        if row is None or article is None or coder_number >= len(coders):
            return False
        coder = coders[coder_number]
        entry = row.sources.get(coder)
        if entry is None:
            return False
        replacing = row.consensus.uid if row.consensus is not None else None
        return self._decide(
            f"Take {coder}'s source {entry.label!r}",
            lambda: review.take_source(
                self.project,
                article,
                coder,
                entry.uid,
                replacing=replacing,
                supervisor=self.operations.supervisor,
            ),
        )

    def set_field(self, key: str) -> bool:
        row, article = self.current_row(), self.current_article()
        if row is None or row.consensus is None or article is None:
            return False
        value = self.field_boxes[key].currentData()
        uid = row.consensus.uid
        if row.consensus.codes.get(key) == value:
            return False
        return self._decide(
            f"Consensus {self.codebook.field(key).label.lower()} of {row.consensus.label!r}",
            lambda: review.set_consensus_code(
                self.project, article, uid, key, value, supervisor=self.operations.supervisor
            ),
        )

    def remove_consensus(self) -> bool:
        row, article = self.current_row(), self.current_article()
        if row is None or row.consensus is None or article is None:
            return False
        uid = row.consensus.uid
        return self._decide(
            f"Remove {row.consensus.label!r} from the consensus",
            lambda: review.remove_consensus_source(
                self.project, article, uid, supervisor=self.operations.supervisor
            ),
        )

    def _decide(self, text: str, write) -> bool:
        command = SourceDecisionCommand(self, text, write)
        self.operations.undo_stack.push(command)
        return command.done is not None

    def run(self, write) -> SourceEdit | None:
        """One write through the review window's channel (saved / failed), then the rows
        read again; None when nothing was saved."""
        made: list[SourceEdit] = []
        result = commit_and_announce(self.operations, lambda: made.append(write()) or [])
        self.show_article()
        self.table.setFocus()
        return made[0] if result is not None and made else None


class SourceDecisionCommand(QUndoCommand):
    """One decision on the consensus list; undo writes back the list it replaced."""

    def __init__(self, tab: SourcesTab, text: str, write) -> None:
        super().__init__(text)
        self.tab = tab
        self.write = write
        self.done: SourceEdit | None = None

    def redo(self) -> None:
        done = self.tab.run(self.write)
        if done is None or not done.changed:
            self.setObsolete(True)
            return
        self.done = done

    def undo(self) -> None:
        done = self.done
        assert done is not None
        back = self.tab.run(lambda: review.restore(self.tab.project, done))
        if back is None:
            self.setObsolete(True)
            return
        self.write = lambda: review.restore(self.tab.project, back)


def _row_title(number: int, row: ReviewRow | None) -> str:
    """What the panel below the rows is about: the row, and its consensus source if any."""
    if row is None:
        return "Choose a row."
    settled = (
        f"consensus: <b>{html.escape(row.consensus.label)}</b>"
        if row.consensus is not None
        else "no consensus source yet: a number key takes that coder's"
    )
    return f"Row {number + 1}, {html.escape(row.label)} — {settled}"
