"""A checkable list of coders: which coders a statistic, a list or an export covers.

Where progress is known (the review window follows it live) each row also says how
far that coder has got, and the tooltip when they last changed a code.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from annotator.core.coding.coder_names import printable_name
from annotator.core.coding.progress import CoderProgress

_Index = QModelIndex | QPersistentModelIndex


class CoderChoiceModel(QAbstractListModel):
    """Coder names, each with a check box; `chosen_changed` after any box changes."""

    chosen_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self._checked: list[bool] = []
        self._progress: dict[str, CoderProgress] = {}
        self._machines: frozenset[str] = frozenset()
        self._disabled: dict[str, str] = {}  # name -> why its box does not apply

    def set_machines(self, names) -> None:
        """The coders that are machines (the suggester): listed with "(machine)"."""
        self._machines = frozenset(names)

    def set_disabled(self, reasons: Mapping[str, str]) -> None:
        """Grey out these coders' boxes, each with the reason as its tooltip."""
        self._disabled = dict(reasons)
        if self._names:
            self.dataChanged.emit(self.index(0), self.index(len(self._names) - 1))

    def set_coders(self, names: list[str], checked: bool = True) -> None:
        """Replace the list; coders already listed keep their check, new ones get `checked`."""
        before = dict(zip(self._names, self._checked, strict=True))
        self.beginResetModel()
        self._names = list(names)
        self._checked = [before.get(name, checked) for name in self._names]
        self.endResetModel()
        self.chosen_changed.emit()

    def set_progress(self, progress: Mapping[str, CoderProgress]) -> None:
        self._progress = dict(progress)
        if self._names:
            self.dataChanged.emit(self.index(0), self.index(len(self._names) - 1))

    def progress(self, name: str) -> CoderProgress | None:
        return self._progress.get(name)

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
        name = self._names[index.row()]
        progress = self._progress.get(name)
        if role == Qt.ItemDataRole.DisplayRole:
            shown = printable_name(name)  # hidden characters of an old name, escaped
            if name in self._machines:
                shown = f"{shown} (machine)"
            if progress is None:
                return shown
            return f"{shown}  ·  {progress.complete} of {progress.total} ({progress.percent}%)"
        if role == Qt.ItemDataRole.ToolTipRole and name in self._disabled:
            return self._disabled[name]
        if role == Qt.ItemDataRole.ToolTipRole and progress is not None:
            when = progress.last_change
            last = when.astimezone().strftime("%Y-%m-%d %H:%M") if when else "never"
            done = f"{progress.complete} of {progress.total} units complete"
            return f"{printable_name(name)}: {done}; last change {last}"
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
        if self._names[index.row()] in self._disabled:
            return Qt.ItemFlag.ItemIsSelectable
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )
