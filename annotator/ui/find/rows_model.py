"""A read-only table model of plain rows, each row optionally naming the unit it shows.

Retrieval and keyword-in-context results are lists of plain records from the core; this
model shows them as given (no SQL, no fetching) and hands back the (article id, unit id)
of a row so that the window can open it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex
UnitRole = Qt.ItemDataRole.UserRole + 1  # (article id, unit id) of the row, or None

Cell = str | int


class RowsModel(QAbstractTableModel):
    """Rows of cells under a header; `alignments` per column (default: left)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._header: list[str] = []
        self._rows: list[Sequence[Cell]] = []
        self._units: list[tuple[int, int] | None] = []
        self._alignments: dict[int, Qt.AlignmentFlag] = {}

    def set_rows(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        units: Sequence[tuple[int, int] | None] | None = None,
        alignments: dict[int, Qt.AlignmentFlag] | None = None,
    ) -> None:
        assert units is None or len(units) == len(rows), "a unit per row, or none"
        self.beginResetModel()
        self._header = list(header)
        self._rows = list(rows)
        self._units = list(units) if units is not None else [None] * len(self._rows)
        self._alignments = dict(alignments or {})
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._header)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self._rows[index.row()][index.column()]
            return str(value) if role == Qt.ItemDataRole.ToolTipRole else value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = self._alignments.get(index.column(), Qt.AlignmentFlag.AlignLeft)
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        if role == UnitRole:
            return self._units[index.row()]
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._header[section] if 0 <= section < len(self._header) else None
        return section + 1

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def unit_at(self, row: int) -> tuple[int, int] | None:
        return self._units[row] if 0 <= row < len(self._units) else None
