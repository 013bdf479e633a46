"""The disagreement tab: the list with its filters, and below it the chosen disagreement in
context (the sentences before and after) with the adjudication panel.

Number keys 1-9 take that coder's code while the tab has focus; F2 goes to "another
code" (a list for a single choice, a line to type a value in for every other type: Enter
sets it, Escape goes back to the list). After a decision the list moves on to the next
disagreement that has no consensus yet, and the keys are the list's again.
"""

from __future__ import annotations

import html
from itertools import combinations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Codebook
from annotator.core.coding.service import Change
from annotator.core.store.models import NOTE_TARGET
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision.adjudication import Disagreement
from annotator.ui.review.adjudication import (
    MAX_NUMBERED_CODERS,
    AdjudicationPanel,
    ReviewOperations,
)
from annotator.ui.review.disagreements import (
    ARTICLE_TEXT,
    ARTICLE_UNIT,
    SENTENCE,
    SEVERITY,
    DisagreementFilter,
    DisagreementModel,
    DisagreementRole,
    pair_key,
    pair_of,
    value_label,
)


def context_color() -> QColor:
    """Halfway between text and background: quieter than the sentence, still readable."""
    palette = QGuiApplication.palette()
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    return QColor(
        (text.red() * 3 + base.red() * 2) // 5,
        (text.green() * 3 + base.green() * 2) // 5,
        (text.blue() * 3 + base.blue() * 2) // 5,
    )


def context_html(item: Disagreement, field_label: str) -> str:
    """The sentence between its neighbours, the neighbours muted; for an article-level
    field, the article named as such, with its title."""
    muted = context_color().name()
    place = html.escape(item.place)
    parts = [f"<p style='color:{muted}'>{html.escape(field_label)} · {place}</p>"]
    if item.previous_text:
        parts.append(f"<p style='color:{muted}'>{html.escape(item.previous_text)}</p>")
    text = html.escape(item.text)
    if item.on_article:
        text = f"{ARTICLE_TEXT}: <i>{text}</i>"
    parts.append(f"<p style='font-size:large'><b>{text}</b></p>")
    if item.next_text:
        parts.append(f"<p style='color:{muted}'>{html.escape(item.next_text)}</p>")
    return "".join(parts)


class DisagreementsTab(QWidget):
    """The list with its filters, and below it the chosen disagreement in context."""

    def __init__(self, codebook: Codebook, operations: ReviewOperations, parent=None) -> None:
        super().__init__(parent)
        self.codebook = codebook
        self.operations = operations
        self.notes: dict[int, str] = {}  # the consensus coder's notes by unit id
        self.coder_notes: dict[str, dict[int, str]] = {}  # each coder's, by unit id
        self.model = DisagreementModel(codebook, self)
        self.proxy = DisagreementFilter(self)
        self.proxy.setSourceModel(self.model)
        self.field_choice = QComboBox()
        self.article_choice = QComboBox()
        self.pair_choice = QComboBox()
        self.unsettled_only = QCheckBox("Not adjudicated only")
        self.count = QLabel()
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorClearable(True)
        self.proxy.sort(-1)  # reading order until a column is chosen
        self.worst_first = QPushButton("Worst first")
        self.worst_first.setToolTip("Sort by severity, the codes furthest apart at the top")
        self.worst_first.clicked.connect(self.sort_worst_first)
        self.reading_order = QPushButton("Reading order")
        self.reading_order.clicked.connect(self.sort_reading_order)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.context = QTextBrowser()
        self.context.setOpenLinks(False)
        self.panel = AdjudicationPanel(codebook)
        self._lay_out()
        self._fill_field_choice()
        for combo in (self.field_choice, self.article_choice, self.pair_choice):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.unsettled_only.toggled.connect(self._apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.panel.decided.connect(self._decide)
        operations.changed.connect(self._changes_committed)
        operations.revisited.connect(self.select)
        for typing in (self.panel.note, self.panel.typed_value, self.panel.other_code):
            leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), typing)
            leave.setContext(Qt.ShortcutContext.WidgetShortcut)
            leave.activated.connect(self.table.setFocus)  # the next key decides, not types
        other = QShortcut(QKeySequence(Qt.Key.Key_F2), self)
        other.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        other.activated.connect(self.panel.focus_other)
        for number in range(1, MAX_NUMBERED_CODERS + 1):
            shortcut = QShortcut(QKeySequence(str(number)), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda n=number: self.panel.take(n))

    def _lay_out(self) -> None:
        filters = QHBoxLayout()
        for text, widget in (
            ("Field:", self.field_choice),
            ("Article:", self.article_choice),
            ("Coders:", self.pair_choice),
        ):
            filters.addWidget(QLabel(text))
            filters.addWidget(widget)
        filters.addWidget(self.unsettled_only)
        filters.addWidget(self.worst_first)
        filters.addWidget(self.reading_order)
        filters.addStretch(1)
        filters.addWidget(self.count)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.context, 1)
        detail_layout.addWidget(self.panel)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setSizes([460, 240])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

    def _fill_field_choice(self) -> None:
        self.field_choice.addItem("All fields", None)
        for field in self.codebook.coded_fields:
            self.field_choice.addItem(field.label, field.key)

    # -- data --------------------------------------------------------------------------

    def set_data(
        self,
        disagreements: list[Disagreement],
        coders: list[str],
        notes: dict[int, str],
        coder_notes: dict[str, dict[int, str]] | None = None,
    ) -> None:
        """Show a fresh list, keeping the filters, the chosen row where they still apply, and
        a note the supervisor has typed but not yet saved with a decision. `notes` are the
        consensus coder's; `coder_notes` each coder's (coder -> unit id -> note), shown
        beside their codes so a decision weighs the coders' reasons."""
        current = self.current()
        typed = self.panel.note.text() if self.panel.note.isModified() else None
        self.notes = dict(notes)
        self.coder_notes = {coder: dict(by_unit) for coder, by_unit in (coder_notes or {}).items()}
        self.model.set_disagreements(disagreements, coders)
        self._refill(
            self.article_choice, "All articles", dict.fromkeys(d.article_key for d in disagreements)
        )
        pairs = {pair_key(a, b): f"{a} × {b} differ" for a, b in combinations(coders, 2)}
        self._refill(self.pair_choice, "Any coders", pairs)
        self._size_columns()
        self._apply_filter()
        if current is not None:
            self.select(current.unit_id, current.field)
            if typed is not None and self._same(self.current(), current):
                self.panel.note.setText(typed)
                self.panel.note.setModified(True)
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(0, 0))

    @staticmethod
    def _same(a: Disagreement | None, b: Disagreement | None) -> bool:
        return a is not None and b is not None and (a.unit_id, a.field) == (b.unit_id, b.field)

    def _size_columns(self) -> None:
        """Widths from the font, not from the contents (measuring every row is slow on
        long lists); the sentence takes what is left."""
        header = self.table.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("M")
        severity = self.fontMetrics().horizontalAdvance("Severity") + 3 * em  # + sort arrow
        unit = self.fontMetrics().horizontalAdvance(ARTICLE_UNIT) + 2 * em  # an article's row
        coders = [12 * em] * (len(self.model.coders) + 1)
        widths = [9 * em, unit, 10 * em, severity, 0, *coders]
        for column, width in enumerate(widths):
            if width:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, width)
        header.setSectionResizeMode(SENTENCE, QHeaderView.ResizeMode.Stretch)

    @staticmethod
    def _refill(combo: QComboBox, everything: str, items: dict) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for data, text in items.items():
            combo.addItem(text if isinstance(text, str) else str(data), data)
        found = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    def set_filter(
        self,
        field: str | None = None,
        article: str | None = None,
        pair: tuple[str, str] | None = None,
        unsettled_only: bool = False,
    ) -> None:
        """Choose filters as a user would (the combos follow)."""
        for combo, data in (
            (self.field_choice, field),
            (self.article_choice, article),
            (self.pair_choice, pair_key(*pair) if pair else None),
        ):
            combo.setCurrentIndex(max(combo.findData(data), 0) if data is not None else 0)
        self.unsettled_only.setChecked(unsettled_only)

    def _apply_filter(self) -> None:
        self.proxy.set_filter(
            self.field_choice.currentData(),
            self.article_choice.currentData(),
            pair_of(self.pair_choice.currentData()),
            self.unsettled_only.isChecked(),
        )
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} shown")
        if not self.table.currentIndex().isValid():
            if self.proxy.rowCount():
                self.table.setCurrentIndex(self.proxy.index(0, 0))
            else:
                self._show(None)

    def sort_worst_first(self) -> None:
        self.table.sortByColumn(SEVERITY, Qt.SortOrder.DescendingOrder)
        self._keep_current_in_view()

    def sort_reading_order(self) -> None:
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self._keep_current_in_view()

    def _keep_current_in_view(self) -> None:
        if self.table.currentIndex().isValid():
            self.table.scrollTo(self.table.currentIndex())
        elif self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(0, 0))

    def take_keys(self) -> None:
        """Give the list the keyboard focus, on a row, so the next number key decides
        (Ctrl+2 in a fresh window, before anyone clicked the table)."""
        self._keep_current_in_view()
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def visible(self) -> list[Disagreement]:
        """What the list shows now, top to bottom."""
        return [
            self.proxy.index(row, 0).data(DisagreementRole) for row in range(self.proxy.rowCount())
        ]

    def current(self) -> Disagreement | None:
        index = self.table.currentIndex()
        return index.data(DisagreementRole) if index.isValid() else None

    def select(self, unit_id: int, field: str) -> bool:
        row = self.model.row_of(unit_id, field)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    # -- reactions ---------------------------------------------------------------------

    def _show_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show(current.data(DisagreementRole) if current.isValid() else None)

    def _show(self, item: Disagreement | None) -> None:
        if item is None:
            self.context.setHtml("")
            self.panel.show_disagreement(None, [], None)
            return
        label = self.codebook.field(item.field).label
        self.context.setHtml(context_html(item, label))
        reasons = {
            coder: self.coder_notes[coder][item.unit_id]
            for coder in self.model.coders
            if item.unit_id in self.coder_notes.get(coder, {})
        }
        self.panel.show_disagreement(item, self.model.coders, self.notes.get(item.unit_id), reasons)

    def _decide(self, code: str, note: str) -> None:
        item = self.current()
        if item is None:
            return
        following = self._next_unsettled(item)
        field = self.codebook.field(item.field)
        text = f"Consensus {field.label}: {value_label(field, code)}"
        saved = self.operations.adjudicate(item.unit_id, item.field, code, note, text)
        if saved and following is not None:
            self.select(following.unit_id, following.field)
        if saved and self.panel.isAncestorOf(QApplication.focusWidget()):
            self.table.setFocus()  # a typed value set: the next number key decides again

    def _next_unsettled(self, item: Disagreement) -> Disagreement | None:
        """The next row below `item` still without a consensus (where to go after deciding)."""
        shown = self.visible()
        position = next(
            (i for i, d in enumerate(shown) if (d.unit_id, d.field) == (item.unit_id, item.field)),
            -1,
        )
        return next((d for d in shown[position + 1 :] if d.consensus is None), None)

    def _changes_committed(self, changes: list[Change]) -> None:
        for change in changes:
            if change.coder == CONSENSUS and change.target == NOTE_TARGET:
                if change.new is None:
                    self.notes.pop(change.unit_id, None)
                else:
                    self.notes[change.unit_id] = change.new
        self.model.apply_changes(changes)
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} shown")
        current = self.current()
        if current is not None:
            self._show(current)
