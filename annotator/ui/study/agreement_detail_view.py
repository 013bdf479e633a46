"""Study > Agreement where it helps to act: `annotator agreement-detail` in the review window.

One field at a time, broken down the way a supervisor acts on it: articles worst first,
each coder against the consensus and each other coder, the pairs of categories coders
confuse. Figures from `annotator.core.agreement.where_to_act`; the per-coder intervals
are left out here (no bootstrap) so the view answers at once, and the command gives them.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from annotator.core.agreement.where_to_act import (
    coder_agreements,
    confused_categories,
    worst_articles,
)
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.errors import AnnotatorError
from annotator.core.store.project import Project
from annotator.ui.study.study_dialog import RowsModel
from annotator.ui.table_views import row_table

BREAKDOWNS = (
    ("Articles, worst first", ("Article", "Alpha", "Percent agreement", "Units")),
    ("Coder against coder and consensus", ("Coder", "Against", "Alpha", "Units")),
    ("Categories confused", ("Code", "Confused with", "Units")),
)


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def breakdown_rows(project: Project, field: str, which: int) -> list[tuple[str, ...]]:
    """The rows of breakdown `which` (an index into BREAKDOWNS) for one field."""
    if which == 0:
        return [
            (r.article, _figure(r.alpha), _figure(r.percent), str(r.units))
            for r in worst_articles(project, field)
        ]
    if which == 1:
        return [
            (r.coder, r.other, _figure(r.alpha), str(r.units))
            for r in coder_agreements(project, field, bootstrap_samples=0)
        ]
    return [(r.code_a, r.code_b, str(r.count)) for r in confused_categories(project, field)]


class AgreementDetailDialog(QDialog):
    """A field and a breakdown; the table follows both."""

    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Agreement where it helps to act")
        self.resize(640, 480)
        self.field = QComboBox()
        for key in measured_fields(project):
            self.field.addItem(project.codebook.field(key).label, key)
        self.breakdown = QComboBox()
        self.breakdown.addItems([name for name, _ in BREAKDOWNS])
        form = QFormLayout()
        form.addRow("Field", self.field)
        form.addRow("Break down by", self.breakdown)
        self.rows = RowsModel([])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(row_table(self.rows), 1)
        self.note = QLabel()  # why a field has no such breakdown (an article field, a text)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.field.currentIndexChanged.connect(self.refresh)
        self.breakdown.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        which = self.breakdown.currentIndex()
        headers = BREAKDOWNS[which][1]
        self.rows.headers = list(headers)
        self.rows.numeric = set(range(1, len(headers))) if which != 2 else {2}
        try:
            rows = breakdown_rows(self.project, self.field.currentData(), which)
        except AnnotatorError as error:
            rows = []
            self.note.setText(str(error))
        else:
            self.note.clear()
        self.rows.set_rows(rows)
