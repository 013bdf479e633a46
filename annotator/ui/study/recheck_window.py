"""Re-check mode: a coder codes again, blind, the units of their scheduled re-checks.

`annotator gui PROJECT --recheck --coder alice` opens this window instead of the coding
window. It lists the articles holding units of alice's re-checks (`core.study.recheck`)
that she has not coded again; a unit shows its text and empty choices (her first codes are
never shown), and Save (Enter) stores the choices as `alice~recheck`, never over her study
codes, and moves on: to the next unit, then the next article.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from annotator.core.coding.lookups import UnitRow
from annotator.core.store.project import Project
from annotator.core.study.recheck import code_recheck_unit, pending_rows, recheck_identity
from annotator.ui.study.unit_choices import UnitChoicesWindow


class RecheckWindow(UnitChoicesWindow):
    """Coding `coder`'s pending re-check units as `coder~recheck`."""

    def __init__(self, project: Project, coder: str, parent: QWidget | None = None) -> None:
        super().__init__(project, coder, recheck_identity(coder), parent)
        self.setWindowTitle(f"{project.name} — re-check: {coder} — annotator")
        self.pending = pending_rows(project, coder)
        articles = list(dict.fromkeys(row.article_key for row in self.pending))
        self.start(articles, "Nothing to re-check: the supervisor schedules re-checks.")

    def units_of(self, article: str) -> list[UnitRow]:
        return [row for row in self.pending if row.article_key == article]

    def store(self, unit: UnitRow, codes: dict[str, str]) -> None:
        code_recheck_unit(self.project, self.coder, unit.id, codes)

    def saved(self, unit: UnitRow, last: bool) -> None:
        self._say(f"Saved {unit.key} as a re-check.", False)
        if last and self.articles.currentRow() + 1 < self.articles.count():
            self.articles.setCurrentRow(self.articles.currentRow() + 1)
        elif last:
            self._say("Re-check done: every unit is coded again. Thank you.", False)
