"""Study > Certification: a coder's training codes against the gold, as `annotator
certify` reports them.

Choose the coder and the threshold; the view shows the verdict, a row per measured field
(alpha at the field's level with its bootstrap 95% interval, the units compared, pass or
fail) and the chosen field's confusion matrix, the coder's codes in rows against the
gold's in columns, agreements on the diagonal. The figures come from
`annotator.core.study.certification`; a short read on the GUI thread, like the study
dialog's (the gold is a few articles).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from annotator.core.errors import AnnotatorError
from annotator.core.store.project import Project
from annotator.core.study.certification import DEFAULT_THRESHOLD, Certification, certify
from annotator.core.study.training import trainees
from annotator.ui import theme
from annotator.ui.study.study_dialog import RowsModel
from annotator.ui.table_views import row_table

FIELD_HEADERS = ("Field", "Alpha", "95% interval", "Level", "Units", "Verdict")


def field_rows(report: Certification) -> list[tuple[str, ...]]:
    """A row per field: alpha, its interval, level, units compared, pass or fail."""
    rows = []
    for field in report.fields:
        alpha = field.agreement.krippendorff_alpha
        value = "undefined" if alpha.value is None else f"{alpha.value:.3f}"
        interval = (
            "–"
            if alpha.ci_low is None or alpha.ci_high is None
            else f"{alpha.ci_low:.3f} – {alpha.ci_high:.3f}"
        )
        verdict = "pass" if field.passed else "fail"
        level = field.agreement.alpha_level
        rows.append((field.field, value, interval, level, str(field.confusion.n_units), verdict))
    return rows


class CertificationDialog(QDialog):
    """A coder's certification against the gold, with the confusion matrix of one field."""

    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.report: Certification | None = None
        self.setWindowTitle("Certification against the gold")
        self.resize(760, 560)
        self.coder = QComboBox()
        self.coder.addItems(trainees(project))
        self.threshold = QDoubleSpinBox(minimum=0.01, maximum=1.0, singleStep=0.05, decimals=3)
        self.threshold.setValue(DEFAULT_THRESHOLD)
        self.field = QComboBox()
        form = QFormLayout()
        form.addRow("Coder", self.coder)
        form.addRow("Alpha to pass", self.threshold)
        self.verdict = QLabel(wordWrap=True)
        self.fields = RowsModel(FIELD_HEADERS, numeric=(1, 4))
        self.confusion = RowsModel([])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addWidget(row_table(self.fields, stretch=2), 1)
        matrix_form = QFormLayout()
        matrix_form.addRow("Confusion matrix of", self.field)
        layout.addLayout(matrix_form)
        self.matrix_note = QLabel("Rows: the coder's codes; columns: the gold's.")
        layout.addWidget(self.matrix_note)
        matrix = row_table(self.confusion, stretch=None)
        matrix.horizontalHeader().setStretchLastSection(False)  # columns as wide as counts
        layout.addWidget(matrix, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.coder.currentTextChanged.connect(self.refresh)
        self.threshold.valueChanged.connect(self.refresh)
        self.field.currentIndexChanged.connect(self._show_matrix)
        self.refresh()

    def refresh(self) -> None:
        """Certify the chosen coder against the threshold and show the figures."""
        coder = self.coder.currentText()
        self.report = None
        if not coder:
            self._say("No coder has trained yet: training codes appear here once coded.", True)
            return
        try:
            self.report = certify(self.project, coder, self.threshold.value())
        except AnnotatorError as error:
            self._say(str(error), True)
            return
        report = self.report
        self._say(
            f"{report.verdict.upper()}: alpha ≥ {report.threshold:g} in every field is needed; "
            f"{report.coded_units} of {report.gold_units} gold units coded.",
            report.verdict != "pass",
        )
        self.fields.set_rows(field_rows(report))
        current = self.field.currentText()
        self.field.blockSignals(True)
        self.field.clear()
        self.field.addItems([f.field for f in report.fields])
        if current:
            self.field.setCurrentText(current)
        self.field.blockSignals(False)
        self._show_matrix()

    def _say(self, text: str, bad: bool) -> None:
        color = theme.error_color() if bad else theme.success_color()
        self.verdict.setText(text)
        self.verdict.setStyleSheet(f"color: {color.name()}; font-weight: bold;")
        if self.report is None:
            self.fields.set_rows([])
            self.confusion.headers = []
            self.confusion.set_rows([])

    def _show_matrix(self) -> None:
        if self.report is None or not self.report.fields:
            return
        chosen = self.report.fields[max(self.field.currentIndex(), 0)].confusion
        self.confusion.headers = ["coder \\ gold", *chosen.labels]
        self.confusion.numeric = set(range(1, len(chosen.labels) + 1))
        self.confusion.set_rows(
            [
                (label, *map(str, row))
                for label, row in zip(chosen.labels, chosen.counts, strict=True)
            ]
        )
