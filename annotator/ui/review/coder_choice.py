"""A checkable list of coders: which coders a statistic, a list or an export covers."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

_Index = QModelIndex | QPersistentModelIndex


class CoderChoiceModel(QAbstractListModel):
    """Coder names, each with a check box; `chosen_changed` after any box changes."""

    chosen_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self._checked: list[bool] = []

    def set_coders(self, names: list[str], checked: bool = True) -> None:
        """Replace the list; coders already listed keep their check, new ones get `checked`."""
        before = dict(zip(self._names, self._checked, strict=True))
        self.beginResetModel()
        self._names = list(names)
        self._checked = [before.get(name, checked) for name in self._names]
        self.endResetModel()
        self.chosen_changed.emit()

    def names(self) -> list[str]:
        return list(self._names)

    def chosen(self) -> list[str]:
        return [name for name, on in zip(self._names, self._checked, strict=True) if on]

    def all_chosen(self) -> bool:
        return all(self._checked)

    def set_chosen(self, names: list[str]) -> None:
        wanted = set(names)
        self._checked = [name in wanted for name in self._names]
        if self._names:
            self.dataChanged.emit(self.index(0), self.index(len(self._names) - 1))
        self.chosen_changed.emit()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._names)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._names):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._names[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole:
            on = self._checked[index.row()]
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        return None

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        on = Qt.CheckState(value) == Qt.CheckState.Checked
        if self._checked[index.row()] == on:
            return True
        self._checked[index.row()] = on
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.chosen_changed.emit()
        return True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )
