"""The coding window's jumps: to a unit by number, to the first and last unit, and to the
next unit (in this article or the ones after it) with a note or coded low confidence.

The next-with jumps ask the core's retrieval for this coder's own units (blind as the
window is) and take the first after the current unit in coding order, wrapping round.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QInputDialog, QWidget

from annotator.core.coding.retrieval import (
    MAX_LIMIT,
    Criteria,
    low_confidence_codes,
    matching_places,
)
from annotator.core.errors import AnnotatorError
from annotator.ui.controller import WorkspaceController


class UnitNavigation:
    """Ctrl+G, Home/End and the next-with jumps for one window's controller."""

    def __init__(self, controller: WorkspaceController, parent: QWidget) -> None:
        self.controller = controller
        self.parent = parent

    def first(self) -> bool:
        """Home: the article's first unit that needs coding."""
        return self._show(self.controller.units.next_row(-1, 1))

    def last(self) -> bool:
        """End: the article's last unit that needs coding."""
        units = self.controller.units
        return self._show(units.next_row(units.rowCount(), -1))

    def ask_number(self) -> bool:
        """Ctrl+G: ask for a unit number (as in the unit key `article#N`) and go there."""
        units = self.controller.units
        if not units.rowCount():
            return False
        numbers = [units.unit(row).idx for row in range(units.rowCount())]
        current = self.controller.current_row()
        number, ok = QInputDialog.getInt(
            self.parent,
            "Go to unit",
            f"Unit number ({min(numbers)}-{max(numbers)}):",
            numbers[current] if current is not None else min(numbers),
            min(numbers),
            max(numbers),
        )
        self.parent.activateWindow()  # the keys go back to the window, as the box closes
        return ok and self.go_to_number(number)

    def go_to_number(self, number: int) -> bool:
        units = self.controller.units
        rows = [row for row in range(units.rowCount()) if units.unit(row).idx == number]
        if not rows:
            self.controller.message.emit(f"This article has no unit {number}.")
            return False
        return self._show(rows[0])

    def next_with_note(self) -> bool:
        return self._next_matching(Criteria((self.controller.coder,), with_note=True), "a note")

    def next_low_confidence(self) -> bool:
        if low_confidence_codes(self.controller.codebook) is None:
            self.controller.message.emit("The codebook has no confidence field.")
            return False
        criteria = Criteria((self.controller.coder,), low_confidence=True)
        return self._next_matching(criteria, "low confidence")

    def _next_matching(self, criteria: Criteria, what: str) -> bool:
        c = self.controller
        c.panel.flush_note()  # a note being typed counts
        try:
            places = matching_places(c.project, replace(criteria, limit=MAX_LIMIT))
        except AnnotatorError as error:
            c.message.emit(f"Could not search: {error}")
            return False
        order = c.articles.row_of
        row = c.current_row()
        listed_row = order(c.article_id) if c.article_id is not None else None
        here = (
            -1 if listed_row is None else listed_row,
            c.units.unit(row).idx if row is not None else -1,
        )
        listed = sorted(
            (order(article_id), idx, article_id, unit_id)
            for article_id, unit_id, idx in places
            if order(article_id) is not None
        )
        after = [place for place in listed if place[:2] > here] or listed
        if not after:
            c.message.emit(f"No unit with {what}.")
            return False
        _, _, article_id, unit_id = after[0]
        if article_id == c.article_id and unit_id == c.current_unit_id():
            c.message.emit(f"This is the only unit with {what}.")
            return False
        open_unit(c, article_id, unit_id)
        return True

    def _show(self, row: int | None) -> bool:
        if row is None:
            return False
        self.controller.reader.show_row(row)
        return True


def open_unit(controller: WorkspaceController, article_id: int, unit_id: int) -> None:
    """Make `unit_id` the current unit, opening its article first if need be."""
    if controller.article_id != article_id:
        controller.open_article(article_id, unit_id)
        return
    row = controller.units.row_of(unit_id)
    if row is not None:
        controller.reader.show_row(row)
