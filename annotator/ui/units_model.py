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

from annotator.core.codebook import ARTICLE_KIND, Codebook
from annotator.core.coding.article_views import ReaderUnit
from annotator.core.coding.service import Change, is_complete
from annotator.core.field_values import FieldType, choices
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
TAG_TEXT_LENGTH = 8  # characters of a typed value shown as a unit's tag in the reader


def code_tags(codebook: Codebook, codes: Mapping[str, str]) -> list[str]:
    """A unit's codes as the reader's short tags, field by field: a choice's key (its
    code when it has none), every key of a multiple choice run together, a number or a
    date as it is, a text cut to a few characters."""
    tags = []
    for field in codebook.unit_fields:
        value = codes.get(field.key)
        if value is None:
            continue
        if field.has_categories:
            keys = {c.code: c.shortcut or c.code for c in field.categories}
            tags.append("".join(keys.get(code, "?") for code in choices(value)))
        elif field.type is FieldType.TEXT and len(value) > TAG_TEXT_LENGTH:
            tags.append(value[: TAG_TEXT_LENGTH - 1] + "…")
        else:
            tags.append(value)
    return tags


_TAG_SAMPLES = {
    FieldType.SINGLE: "W",
    FieldType.MULTIPLE: "WW",
    FieldType.NUMBER: "0000",
    FieldType.TEXT: "W" * TAG_TEXT_LENGTH,
    FieldType.DATE: "0000-00-00",
}


def tag_sample(codebook: Codebook) -> str:
    """A typical unit's tags, for the width the reader keeps for them."""
    return " ".join(_TAG_SAMPLES[field.type] for field in codebook.unit_fields)


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
        self.article_unit_id: int | None = None  # the unit holding the article's own codes

    def set_article(
        self,
        article_id: int,
        units: list[ReaderUnit],
        codes: Mapping[int, dict[str, str]],
        notes: Mapping[int, str],
        article_unit_id: int | None = None,
    ) -> None:
        self.beginResetModel()
        self.article_id = article_id
        self.article_unit_id = article_unit_id
        self._units = list(units)
        self._row_of = {unit.id: row for row, unit in enumerate(self._units)}
        self._codes = {unit_id: dict(c) for unit_id, c in codes.items()}
        self._notes = dict(notes)
        self._complete = {unit.id for unit in self._units if self._counts_as_done(unit)}
        if article_unit_id is not None and self._article_done():
            self._complete.add(article_unit_id)
        self.endResetModel()

    def _counts_as_done(self, unit: ReaderUnit) -> bool:
        return self.codebook.needs_coding(unit.kind) and is_complete(
            self.codebook, self._codes.get(unit.id, {}), unit.kind
        )

    def _article_done(self) -> bool:
        """Whether the article's own fields, as committed, are complete."""
        return self.article_unit_id is not None and is_complete(
            self.codebook, self._codes.get(self.article_unit_id, {}), ARTICLE_KIND
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
            return is_complete(self.codebook, self.codes(unit.id), unit.kind)
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
        unit = self._units[row]
        return is_complete(self.codebook, self.codes(unit.id), unit.kind)

    def article_incomplete(self) -> bool:
        """Whether the article's own fields still need coding (waiting codes counted, as
        for the rows): False when the codebook asks nothing of the article."""
        unit_id = self.article_unit_id
        return unit_id is not None and not is_complete(
            self.codebook, self.codes(unit_id), ARTICLE_KIND
        )

    def complete_count(self) -> int:
        """Units that need coding and are complete, the article's own unit included:
        this article's progress, as the core counts it."""
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
        for unit_id in self._unit_ids():
            shown, stored = self._codes.get(unit_id, {}), codes.get(unit_id, {})
            for field in sorted(set(shown) | set(stored)):
                if shown.get(field) != stored.get(field):
                    changes.append(
                        Change(unit_id, coder, field, shown.get(field), stored.get(field))
                    )
            note, stored_note = self._notes.get(unit_id), notes.get(unit_id)
            if (note or None) != (stored_note or None):
                changes.append(Change(unit_id, coder, NOTE_TARGET, note, stored_note))
        return changes

    def _unit_ids(self) -> list[int]:
        """The article's own unit (if any), then the rows' units."""
        first = [] if self.article_unit_id is None else [self.article_unit_id]
        return first + [unit.id for unit in self._units]

    def apply_changes(self, changes: Iterable[Change]) -> None:
        """Reflect committed changes; units of other articles are ignored."""
        touched: set[int] = set()
        for change in changes:
            row = self._row_of.get(change.unit_id)
            if row is None and change.unit_id != self.article_unit_id:
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
            self._complete.discard(change.unit_id)
            if row is None:  # the article's own unit
                if self._article_done():
                    self._complete.add(change.unit_id)
                continue
            touched.add(row)
            if self._counts_as_done(self._units[row]):
                self._complete.add(change.unit_id)
        for row in touched:
            index = self.index(row)
            self.dataChanged.emit(index, index)
