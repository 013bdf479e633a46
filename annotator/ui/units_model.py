"""The units of the open article with this coder's codes: what the reader and panel show.

Rows are `ReaderUnit`s read once when the article opens; codes and notes are
updated in place from the committed changes the coding operations announce, so
a key press repaints one row instead of re-reading the article. Codes of actions
still waiting to be saved are laid over the committed ones for display and
navigation (`WaitingRole` names them), while progress counts committed codes only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.core.codebook import Codebook
from annotator.core.coding.article_views import ReaderUnit
from annotator.core.coding.service import Change, is_complete
from annotator.core.store.models import NOTE_TARGET

UnitRole = Qt.ItemDataRole.UserRole + 1
UnitIdRole = Qt.ItemDataRole.UserRole + 2
KindRole = Qt.ItemDataRole.UserRole + 3
CodesRole = Qt.ItemDataRole.UserRole + 4
NeedsCodingRole = Qt.ItemDataRole.UserRole + 5
CompleteRole = Qt.ItemDataRole.UserRole + 6
NewBlockRole = Qt.ItemDataRole.UserRole + 7
NoteRole = Qt.ItemDataRole.UserRole + 8
WaitingRole = Qt.ItemDataRole.UserRole + 9

_Index = QModelIndex | QPersistentModelIndex


class UnitsModel(QAbstractListModel):
    """One row per unit of one article, in reading order."""

    def __init__(self, codebook: Codebook, parent=None) -> None:
        super().__init__(parent)
        self.codebook = codebook
        self.article_id: int | None = None
        self._units: list[ReaderUnit] = []
        self._row_of: dict[int, int] = {}
        self._codes: dict[int, dict[str, str]] = {}
        self._notes: dict[int, str] = {}
        self._complete: set[int] = set()  # units that need coding and are complete
        self._waiting: dict[int, dict[str, str | None]] = {}  # unit -> codes not yet saved

    def set_article(
        self,
        article_id: int,
        units: list[ReaderUnit],
        codes: Mapping[int, dict[str, str]],
        notes: Mapping[int, str],
    ) -> None:
        self.beginResetModel()
        self.article_id = article_id
        self._units = list(units)
        self._row_of = {unit.id: row for row, unit in enumerate(self._units)}
        self._codes = {unit_id: dict(c) for unit_id, c in codes.items()}
        self._notes = dict(notes)
        self._complete = {unit.id for unit in self._units if self._counts_as_done(unit)}
        self.endResetModel()

    def _counts_as_done(self, unit: ReaderUnit) -> bool:
        return self.codebook.needs_coding(unit.kind) and is_complete(
            self.codebook, self._codes.get(unit.id, {})
        )

    # -- Qt model interface ------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._units)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._units):
            return None
        unit = self._units[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return unit.text
        if role == UnitRole:
            return unit
        if role == UnitIdRole:
            return unit.id
        if role == KindRole:
            return unit.kind
        if role == CodesRole:
            return self.codes(unit.id)
        if role == NeedsCodingRole:
            return self.codebook.needs_coding(unit.kind)
        if role == CompleteRole:
            return is_complete(self.codebook, self.codes(unit.id))
        if role == NewBlockRole:
            return unit.new_block
        if role == NoteRole:
            return self._notes.get(unit.id, "")
        if role == WaitingRole:
            return set(self._waiting.get(unit.id, {}))
        return None

    # -- lookups -------------------------------------------------------------------------

    def unit(self, row: int) -> ReaderUnit:
        return self._units[row]

    def row_of(self, unit_id: int) -> int | None:
        return self._row_of.get(unit_id)

    def codes(self, unit_id: int) -> dict[str, str]:
        """The codes shown: committed ones with those still waiting to be saved laid over."""
        codes = dict(self._codes.get(unit_id, {}))
        for field, code in self._waiting.get(unit_id, {}).items():
            if code is None:
                codes.pop(field, None)
            else:
                codes[field] = code
        return codes

    def waiting_fields(self, unit_id: int) -> set[str]:
        return set(self._waiting.get(unit_id, {}))

    def note(self, unit_id: int) -> str:
        return self._notes.get(unit_id, "")

    def needs_coding(self, row: int) -> bool:
        return self.codebook.needs_coding(self._units[row].kind)

    def is_complete(self, row: int) -> bool:
        return is_complete(self.codebook, self.codes(self._units[row].id))

    def complete_count(self) -> int:
        """Units that need coding and are complete: this article's progress."""
        return len(self._complete)

    def next_row(self, row: int, step: int, *, incomplete_only: bool = False) -> int | None:
        """The next row from `row` in direction `step` that needs coding (and is incomplete)."""
        candidate = row + step
        while 0 <= candidate < len(self._units):
            if self.needs_coding(candidate) and not (
                incomplete_only and self.is_complete(candidate)
            ):
                return candidate
            candidate += step
        return None

    def first_row_to_code(self) -> int | None:
        """The first unit still needing coding, else the first that needs coding at all."""
        first_incomplete = self.next_row(-1, 1, incomplete_only=True)
        return first_incomplete if first_incomplete is not None else self.next_row(-1, 1)

    def find_rows(self, text: str) -> list[int]:
        needle = text.casefold()
        if not needle:
            return []
        return [row for row, unit in enumerate(self._units) if needle in unit.text.casefold()]

    # -- updates from committed changes ----------------------------------------------------

    def set_waiting(self, waiting: Mapping[int, Mapping[str, str | None]]) -> None:
        """Show these codes (per unit id) as made but not yet saved; {} when none wait."""
        new = {unit_id: dict(codes) for unit_id, codes in waiting.items() if codes}
        touched = set(self._waiting) | set(new)
        self._waiting = new
        for unit_id in touched:
            row = self._row_of.get(unit_id)
            if row is not None:
                self.dataChanged.emit(self.index(row), self.index(row))

    def differences(
        self, coder: str, codes: Mapping[int, Mapping[str, str]], notes: Mapping[int, str]
    ) -> list[Change]:
        """What turns this article's shown codes and notes into `codes` and `notes` (as
        read afresh from the project), as changes to apply."""
        changes = []
        for unit in self._units:
            shown, stored = self._codes.get(unit.id, {}), codes.get(unit.id, {})
            for field in sorted(set(shown) | set(stored)):
                if shown.get(field) != stored.get(field):
                    changes.append(
                        Change(unit.id, coder, field, shown.get(field), stored.get(field))
                    )
            note, stored_note = self._notes.get(unit.id), notes.get(unit.id)
            if (note or None) != (stored_note or None):
                changes.append(Change(unit.id, coder, NOTE_TARGET, note, stored_note))
        return changes

    def apply_changes(self, changes: Iterable[Change]) -> None:
        """Reflect committed changes; units of other articles are ignored."""
        touched: set[int] = set()
        for change in changes:
            row = self._row_of.get(change.unit_id)
            if row is None:
                continue
            if change.target == NOTE_TARGET:
                if change.new is None:
                    self._notes.pop(change.unit_id, None)
                else:
                    self._notes[change.unit_id] = change.new
            else:
                codes = self._codes.setdefault(change.unit_id, {})
                if change.new is None:
                    codes.pop(change.target, None)
                else:
                    codes[change.target] = change.new
            touched.add(row)
            self._complete.discard(change.unit_id)
            if self._counts_as_done(self._units[row]):
                self._complete.add(change.unit_id)
        for row in touched:
            index = self.index(row)
            self.dataChanged.emit(index, index)
