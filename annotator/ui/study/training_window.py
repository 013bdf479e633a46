"""Training mode: a coder codes the gold articles and sees where they differ from the gold.

`annotator gui PROJECT --training` opens this window instead of the coding window. It
lists only the gold articles; a unit shows its text and a choice per measured field
(`unit_choices`), and Save (Enter) stores the choices as the coder's training codes
(`core.study.training`: never study codes) and moves to the next unit. After each unit, or
once the article's last unit is saved (the project's `training.feedback` setting), the
feedback pane lists each field where the coder differs from the gold with the codebook's
definitions of both codes. The coder never sees the gold before saving their own choice.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from annotator.core.coding.lookups import UnitRow
from annotator.core.store.project import Project
from annotator.core.study.gold import gold_articles
from annotator.core.study.training import (
    Difference,
    code_training_unit,
    differences,
    feedback_when,
    trainee_identity,
)
from annotator.ui.study.unit_choices import UnitChoicesWindow

AGREES = "Your codes agree with the gold."


class TrainingWindow(UnitChoicesWindow):
    """Coding the gold articles as `coder`'s training, with feedback against the gold."""

    def __init__(self, project: Project, coder: str, parent: QWidget | None = None) -> None:
        super().__init__(project, coder, trainee_identity(coder), parent)
        self.when = feedback_when(project)
        self.setWindowTitle(f"{project.name} — training: {coder} — annotator")
        empty = "No gold articles yet: the supervisor marks them (annotator gold)."
        self.start(gold_articles(project), empty)

    def add_below(self, layout: QVBoxLayout) -> None:
        self.feedback = QTextBrowser()
        layout.addWidget(QLabel("Where you differ from the gold:"))
        layout.addWidget(self.feedback, 1)

    def opened(self) -> None:
        self.feedback.clear()

    def store(self, unit: UnitRow, codes: dict[str, str]) -> None:
        code_training_unit(self.project, self.coder, unit.id, codes)

    def saved(self, unit: UnitRow, last: bool) -> None:
        """Feedback after the unit or the article; say what was saved."""
        assert self.article is not None
        if self.when == "unit":
            self.show_feedback(differences(self.project, self.coder, self.article, unit.id))
        elif last:
            self.show_feedback(differences(self.project, self.coder, self.article))
        self._say(f"Saved unit {self.index + 1} as training.", False)
        if last and self.articles.currentRow() + 1 < self.articles.count():
            self._say("Article done. Read the feedback, then choose the next article.", False)

    def show_feedback(self, found: list[Difference]) -> None:
        """Each difference with the codebook's definitions of both codes."""
        if not found:
            self.feedback.setHtml(f"<p>{escape(AGREES)}</p>")
            return
        parts = []
        for d in found:
            parts.append(
                f"<p><b>{escape(d.unit)}</b> — {escape(d.field_label)}<br>"
                f"<i>{escape(d.text)}</i><br>"
                f"You: <b>{escape(d.mine)}</b> — {escape(d.mine_definition)}<br>"
                f"Gold: <b>{escape(d.gold)}</b> — {escape(d.gold_definition)}</p>"
            )
        self.feedback.setHtml("".join(parts))
