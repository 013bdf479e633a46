"""The disagreement list's data: every unit and field where the chosen coders differ, and a
filter by field, article, coder pair and what is still unsettled.

The model holds the core's `Disagreement` rows as they are; a decision changes only the
consensus of the rows it touched, from the committed changes the review operations
announce, so the list never re-reads the project while the supervisor works.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from annotator.core.codebook import Codebook, CodebookField
from annotator.core.coding.service import Change
from annotator.core.field_values import FieldType, choices
from annotator.core.ingest.documents import one_line
from annotator.core.store.models import NOTE_TARGET
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision.adjudication import Disagreement
from annotator.ui import theme

_Index = QModelIndex | QPersistentModelIndex
DisagreementRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
FIXED_COLUMNS = ("Article", "Unit", "Field", "Severity", "Sentence")
SEVERITY = FIXED_COLUMNS.index("Severity")
SENTENCE = FIXED_COLUMNS.index("Sentence")


class DisagreementModel(QAbstractTableModel):
    """Disagreements in reading order: where, how far apart, what was said, each coder's
    code, the consensus. Every column sorts (through `DisagreementFilter`)."""

    def __init__(self, codebook: Codebook, parent=None) -> None:
        super().__init__(parent)
        self.codebook = codebook
        self._rows: list[Disagreement] = []
        self._row_of: dict[tuple[int, str], int] = {}
        self.coders: list[str] = []
        self._fields = {f.key: f for f in codebook.fields}
        self._field_labels = {f.key: f.label for f in codebook.fields}
        self._field_order = {f.key: i for i, f in enumerate(codebook.fields)}

    def set_disagreements(self, rows: list[Disagreement], coders: list[str]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.coders = list(coders)
        self._row_of = {(d.unit_id, d.field): row for row, d in enumerate(self._rows)}
        self.endResetModel()

    def disagreement(self, row: int) -> Disagreement:
        return self._rows[row]

    def row_of(self, unit_id: int, field: str) -> int | None:
        return self._row_of.get((unit_id, field))

    def apply_changes(self, changes: list[Change]) -> None:
        """Show committed consensus codes in the rows they belong to."""
        consensus_column = len(FIXED_COLUMNS) + len(self.coders)
        for change in changes:
            if change.coder != CONSENSUS or change.target == NOTE_TARGET:
                continue
            row = self._row_of.get((change.unit_id, change.target))
            if row is None:
                continue
            self._rows[row] = dataclasses.replace(self._rows[row], consensus=change.new)
            index = self.index(row, consensus_column)
            self.dataChanged.emit(self.index(row, 0), index)

    def label(self, field: str, code: str | None) -> str:
        if code is None:
            return "—"
        known = self._fields.get(field)
        return value_label(known, code) if known is not None else code

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(self.coders) + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == DisagreementRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == SortRole:
            return self._sort_key(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == SEVERITY:
                return SEVERITY_TIP
            return item.text if column == SENTENCE else self._display(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, SEVERITY):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.columnCount() - 1:
            return theme.success_color() if item.consensus is not None else theme.muted_text()
        return None

    def _display(self, item: Disagreement, column: int) -> str | None:
        if column == 0:
            return item.article_key
        if column == 1:
            return ARTICLE_UNIT if item.on_article else item.unit_key.rsplit("#", 1)[-1]
        if column == 2:
            return self._field_labels.get(item.field, item.field)
        if column == SEVERITY:
            return f"{item.severity:g}"
        if column == SENTENCE:  # one line per row: a line break inside the unit shows as ⏎
            return (
                f"{ARTICLE_TEXT}: {one_line(item.text)}" if item.on_article else one_line(item.text)
            )
        coder_column = column - len(FIXED_COLUMNS)
        if coder_column < len(self.coders):
            return self.label(item.field, item.codes.get(self.coders[coder_column]))
        if coder_column == len(self.coders):
            return self.label(item.field, item.consensus)
        return None

    def _sort_key(self, item: Disagreement, column: int):
        if column == 1:
            return int(item.unit_key.rsplit("#", 1)[-1])
        if column == 2:
            return self._field_order.get(item.field, len(self._field_order))
        if column == SEVERITY:
            return item.severity
        return (self._display(item, column) or "").casefold()

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and section == SEVERITY:
            return f"Severity: {SEVERITY_TIP} Higher is worse; 0 would be agreement."
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        names = [*FIXED_COLUMNS, *self.coders, "Consensus"]
        return names[section] if 0 <= section < len(names) else None


ARTICLE_UNIT = "article"  # the Unit column of an article-level field
ARTICLE_TEXT = "The article"  # before its title, where a unit's sentence would be


def value_label(field: CodebookField, code: str) -> str:
    """A stored value as people read it: a category's label, a multiple choice's labels
    joined by "; " in the codebook's order, a number, text or date as it is."""
    if field.type is FieldType.MULTIPLE:
        return "; ".join(_category_label(field, part) for part in choices(code))
    if field.type is FieldType.SINGLE:
        return _category_label(field, code)
    return code


def _category_label(field: CodebookField, code: str) -> str:
    category = field.category(code)
    return category.label if category is not None else code


SEVERITY_TIP = (
    "How far apart the codes are: for an ordinal field the distance between the lowest and "
    "highest code on the scale, for interval and ratio fields and numbers the difference of "
    "their numbers, for dates the days between them, for multiple choice the categories not "
    "every coder chose, for a nominal field or a text the number of different codes."
)


class DisagreementFilter(QSortFilterProxyModel):
    """Narrows the list by field, article, a pair of coders who differ, and what is unsettled;
    sorts by any column, ties in reading order (unsorted: reading order)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.field: str | None = None
        self.article: str | None = None
        self.pair: tuple[str, str] | None = None
        self.unsettled_only = False

    def set_filter(
        self,
        field: str | None = None,
        article: str | None = None,
        pair: tuple[str, str] | None = None,
        unsettled_only: bool = False,
    ) -> None:
        self.beginFilterChange()
        self.field, self.article, self.pair = field, article, pair
        self.unsettled_only = unsettled_only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def lessThan(self, left: _Index, right: _Index) -> bool:
        a, b = left.data(SortRole), right.data(SortRole)
        if a != b:
            return a < b
        return left.row() < right.row()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        item: Disagreement = (
            self.sourceModel().index(source_row, 0, source_parent).data(DisagreementRole)
        )
        if self.field is not None and item.field != self.field:
            return False
        if self.article is not None and item.article_key != self.article:
            return False
        if self.unsettled_only and item.consensus is not None:
            return False
        if self.pair is not None:
            a, b = (item.codes.get(name) for name in self.pair)
            return a is not None and b is not None and a != b
        return True


def pair_key(a: str, b: str) -> str:
    """A pair as combo box data (Qt compares strings reliably; tuples it converts to lists)."""
    return f"{a}\x1f{b}"


def pair_of(key: str | None) -> tuple[str, str] | None:
    if not key:
        return None
    a, b = key.split("\x1f")
    return a, b
