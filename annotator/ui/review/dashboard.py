"""The agreement dashboard: a table of every coefficient for one field, alpha per field as a
chart, and a confusion heat map for a chosen pair of coders.

The table is a model over the core's `agreement_rows`, the same rows the CSV export
writes, so what the supervisor reads on screen and what they hand on cannot differ.
Figures show three decimals, as agreement is usually reported; the tooltip has the
exact value. An undefined coefficient reads "undefined (reason)", never 0.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement.charts import AlphaBar
from annotator.core.agreement.confusion import ConfusionMatrix
from annotator.core.agreement.descriptions import describe, too_few_units
from annotator.core.agreement.field_details import FieldDetails, condition_line
from annotator.core.agreement.report import FieldAgreement
from annotator.core.agreement.tables import AgreementRow, agreement_rows
from annotator.core.agreement.verdicts import (
    convention,
    headline,
    percent,
    verdict_source,
    verdict_tone,
)
from annotator.core.codebook import Codebook
from annotator.core.coding.codebook_check import SkippedCodes
from annotator.ui.review.charts import AlphaChart, ConfusionModel, HeatMapDelegate, verdict_color

_Index = QModelIndex | QPersistentModelIndex
ConfusionSource = Callable[[str, str, str], ConfusionMatrix]  # (field, coder A, coder B)

COEFFICIENT_NAMES = {
    "percent_agreement": "Percent agreement",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha ({level})",
    "krippendorff_alpha_nominal": "Krippendorff's alpha (nominal)",
    "gwet_ac1": "Gwet's AC1",
    "cohen_kappa": "Cohen's kappa",
    "cohen_kappa_weighted_quadratic": "Cohen's kappa, quadratic weights",
    "cohen_kappa_weighted_linear": "Cohen's kappa, linear weights",
    "krippendorff_alpha_masi": "Krippendorff's alpha (sets, MASI distance)",
    "krippendorff_alpha_jaccard": "Krippendorff's alpha (sets, Jaccard distance)",
}
COLUMNS = (
    "Coefficient",
    "Value",
    "95% CI",
    "Units",
    "Coders",
    "Pairable values",
    "Verdict (convention)",
)
VALUE_COLUMN = 1
INTERVAL_COLUMN = 2
VERDICT_COLUMN = 6
INTERVAL_TOOLTIP = (
    "Bootstrap 95% interval: the units this coefficient used, drawn again with replacement "
    "many times (a fixed seed, so the same data give the same interval)"
)


def coefficient_name(row: AgreementRow) -> str:
    name = COEFFICIENT_NAMES.get(row.coefficient, row.coefficient).format(level=row.level)
    if any(mark in row.field for mark in "=:"):  # a category chosen or not, a condition held
        name = f"{row.field}: {name}"
    if row.coder_a is not None:
        name += f": {row.coder_a} × {row.coder_b}"
    return name


def value_text(row: AgreementRow) -> str:
    """Three decimals, or "undefined" (the reason is in the tooltip, so that the column
    stays narrow and Units, Coders and Verdict stay in view)."""
    if row.value is None:
        return "undefined"
    return figure(row.coefficient, row.value)


def figure(coefficient: str, value: float) -> str:
    """Percent agreement as a percentage (82%), every other coefficient to three places."""
    return percent(value) if coefficient == "percent_agreement" else f"{value:.3f}"


def verdict_text(row: AgreementRow) -> str:
    """The verdict named with the convention it follows: "substantial (Landis & Koch)"."""
    if not row.threshold_verdict:
        return ""
    source = convention(row.coefficient)
    return f"{row.threshold_verdict} ({source})" if source else row.threshold_verdict


def coefficient_tooltip(row: AgreementRow) -> str:
    """What the coefficient measures and when to use it, wrapped (rich text)."""
    text = html.escape(describe(row.coefficient))
    return f"<p style='white-space:normal'>{text}</p>" if text else ""


def thin(row: AgreementRow) -> str | None:
    """Why this figure should not be read as a finding (too few units), or None."""
    return too_few_units(row.n_units) if row.value is not None else None


class AgreementTableModel(QAbstractTableModel):
    """One field's coefficients, one row each, with their intervals, counts and verdicts."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[AgreementRow] = []

    def set_rows(self, rows: list[AgreementRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> AgreementRow:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return coefficient_tooltip(row)
            if column == VALUE_COLUMN:
                exact = repr(row.value) if row.value is not None else row.undefined_reason
                return "\n".join(part for part in (exact, row.note, thin(row)) if part)
            if column == INTERVAL_COLUMN and row.ci_low is not None:
                return INTERVAL_TOOLTIP
            if column == VERDICT_COLUMN:
                return thin(row) or verdict_source(row.coefficient)
        if role == Qt.ItemDataRole.TextAlignmentRole and 1 <= column <= 5:
            if column == VALUE_COLUMN and row.value is None:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if thin(row):
                return verdict_color(None)  # greyed: too few units to read
            if column == VERDICT_COLUMN and row.threshold_verdict:
                return verdict_color(verdict_tone(row.threshold_verdict))
            if column == VALUE_COLUMN and row.value is None:
                return verdict_color(None)
        if role == Qt.ItemDataRole.FontRole and row.coefficient == "krippendorff_alpha":
            font = QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _display(row: AgreementRow, column: int) -> str:
        if column == 0:
            return coefficient_name(row)
        if column == VALUE_COLUMN:
            return value_text(row)
        if column == INTERVAL_COLUMN:
            if row.ci_low is None or row.ci_high is None:
                return ""
            low, high = figure(row.coefficient, row.ci_low), figure(row.coefficient, row.ci_high)
            return f"[{low}, {high}]"
        if column == 3:
            return str(row.n_units)
        if column == 4:
            return str(row.n_coders)
        if column == 5:
            return str(row.n_pairable)
        if thin(row):
            return f"too few units ({row.n_units})"
        return verdict_text(row)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None


class DashboardTab(QWidget):
    """Shows one agreement result: the chosen field's table, the chart, a pair's heat map."""

    def __init__(self, codebook: Codebook, confusion: ConfusionSource, parent=None) -> None:
        super().__init__(parent)
        self.codebook = codebook
        self._confusion = confusion
        self.fields: dict[str, FieldAgreement] = {}
        self.details: dict[str, FieldDetails] = {}
        self.skipped = SkippedCodes()
        self._labels = {f.key: f.label for f in codebook.fields}

        self.field_choice = QComboBox()
        for field in codebook.coded_fields:  # source fields: not unit codes
            self.field_choice.addItem(field.label, field.key)
        self.lead = QLabel(wordWrap=True)
        self.lead.setObjectName("report_these")
        self.lead.setTextFormat(Qt.TextFormat.RichText)
        self.lead.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel(wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table_model = AgreementTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the name takes the rest
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("0.000") + 16)

        self.chart = AlphaChart()
        self.coder_a = QComboBox()
        self.coder_b = QComboBox()
        self.confusion_caption = QLabel()
        self.confusion_model = ConfusionModel(self)
        self.heat_map = QTableView()
        self.heat_map.setModel(self.confusion_model)
        self.heat_map.setItemDelegate(HeatMapDelegate(self.heat_map))
        self.heat_map.setShowGrid(False)
        self.heat_map.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.heat_map.horizontalHeader().setDefaultSectionSize(40)
        self.heat_map.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.heat_map.verticalHeader().setDefaultSectionSize(30)
        self._lay_out()
        self.field_choice.currentIndexChanged.connect(self._show_field)
        self.coder_a.currentIndexChanged.connect(self.update_confusion)
        self.coder_b.currentIndexChanged.connect(self.update_confusion)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Every coefficient of the field:"))
        top.addWidget(self.field_choice)
        top.addStretch(1)
        chart_box = QGroupBox("Krippendorff's alpha per field (95% bootstrap interval)")
        QVBoxLayout(chart_box).addWidget(self.chart)
        pair = QHBoxLayout()
        pair.addWidget(QLabel("Rows:"))
        pair.addWidget(self.coder_a)
        pair.addWidget(QLabel("columns:"))
        pair.addWidget(self.coder_b)
        pair.addStretch(1)
        confusion_box = QGroupBox("Confusion matrix of the chosen field")
        confusion_layout = QVBoxLayout(confusion_box)
        confusion_layout.addLayout(pair)
        confusion_layout.addWidget(self.confusion_caption)
        confusion_layout.addWidget(self.heat_map, 1)
        lower = QSplitter()
        lower.addWidget(chart_box)
        lower.addWidget(confusion_box)
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        report_box = QGroupBox("What to report")
        QVBoxLayout(report_box).addWidget(self.lead)
        upper_layout.addWidget(report_box)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.summary)
        upper_layout.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setSizes([300, 320])
        QVBoxLayout(self).addWidget(split)

    # -- showing results ---------------------------------------------------------------

    @property
    def field_key(self) -> str:
        return self.field_choice.currentData()

    def set_coders(self, names: list[str]) -> None:
        """The coders a pair can be chosen from (the chosen coder set)."""
        a, b = self.coder_a.currentText(), self.coder_b.currentText()
        for combo in (self.coder_a, self.coder_b):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.blockSignals(False)
        if a in names:
            self.coder_a.setCurrentText(a)
        if b in names and b != self.coder_a.currentText():
            self.coder_b.setCurrentText(b)
        elif len(names) > 1:
            self.coder_b.setCurrentIndex(1 if self.coder_a.currentIndex() != 1 else 0)
        self.update_confusion()

    def set_results(
        self,
        fields: Mapping[str, FieldAgreement],
        skipped: SkippedCodes | None = None,
        details: Mapping[str, FieldDetails] | None = None,
    ) -> None:
        """Show `fields`; `skipped` counts the codes the codebook lacks, which the figures
        leave out, so the supervisor learns that someone's rows hold foreign codes;
        `details` adds each field's typed and conditional rows (a short text or a
        multiple choice has only those)."""
        self.fields = dict(fields)
        self.details = dict(details or {})
        self.skipped = skipped or SkippedCodes()
        self.chart.set_bars(
            [
                AlphaBar(
                    key,
                    self._labels.get(key, key),
                    report.krippendorff_alpha.value,
                    report.alpha_ci_low,
                    report.alpha_ci_high,
                    report.krippendorff_alpha.reason,
                )
                for key, report in self.fields.items()
            ]
        )
        self.lead.setText(lead_text(self.fields, self._labels))
        self._show_field()

    def clear_results(self, reason: str) -> None:
        self.fields = {}
        self.details = {}
        self.skipped = SkippedCodes()
        self.chart.set_bars([])
        self.table_model.set_rows([])
        self.lead.clear()
        self.summary.setText(reason)

    def _show_field(self) -> None:
        report = self.fields.get(self.field_key)
        details = self.details.get(self.field_key)
        extra = {self.field_key: details} if details is not None else None
        if report is None and details is not None:
            self.table_model.set_rows(agreement_rows({}, details=extra))
            self.summary.setText("\n".join([details.heading, *_context(details)]))
        elif report is None:
            self.table_model.set_rows([])
            self.summary.setText("No agreement computed for this field yet.")
        else:
            self.table_model.set_rows(agreement_rows({self.field_key: report}, details=extra))
            left_out = self.skipped.for_field(self.field_key).message()
            summary = "\n".join([field_summary(report), *_context(details)])
            self.summary.setText(f"{summary}\nLeft out, {left_out}." if left_out else summary)
        self.update_confusion()

    def update_confusion(self) -> None:
        a, b = self.coder_a.currentText(), self.coder_b.currentText()
        if not a or not b or a == b:
            self.confusion_model.set_matrix(None, {})
            self.confusion_caption.setText("Choose two different coders.")
            return
        matrix = self._confusion(self.field_key, a, b)
        categories = self.codebook.field(self.field_key).categories
        self.confusion_model.set_matrix(
            matrix,
            {c.code: c.label for c in categories},
            {c.code: c.shortcut for c in categories if c.shortcut},
        )
        self.confusion_caption.setText(
            f"{a} down, {b} across: {matrix.n_units} unit(s) coded by both; "
            "the outlined diagonal is where they agree."
        )


def _context(details: FieldDetails | None) -> list[str]:
    """Over which units a conditional field was measured, and when codes of two codebook
    versions were compared: the lines the table's rows cannot say."""
    if details is None:
        return []
    lines = []
    if details.condition is not None:
        lines.append(condition_line(details.condition, details.unit_noun))
    if details.versions is not None:
        lines.append(details.versions)
    return lines


def lead_text(fields: Mapping[str, FieldAgreement], labels: Mapping[str, str]) -> str:
    """One line per field: the coefficient to report, its interval and verdict (rich text);
    the table below holds the rest, each judged by its own convention."""
    lines = [
        html.escape(headline(labels.get(key, key), report).text, quote=False)
        for key, report in fields.items()
    ]
    lines.append(
        "<span style='color:gray'>Alpha at the field's level of measurement is the one to "
        "report. The table below has every coefficient; alpha is judged by Krippendorff's "
        "standard, the kappas and Gwet's AC1 by Landis and Koch's bands; percent agreement "
        "is not corrected for chance and has no verdict.</span>"
    )
    return "<br>".join(lines)


def field_summary(report: FieldAgreement) -> str:
    """Short lines: level, coders, counts, and how outside-scale codes were treated."""
    lines = [
        f"Level of measurement: {report.alpha_level}",
        f"Coders: {', '.join(report.coders)}",
        f"{report.n_units} unit(s) with a value, {report.n_pairable_values} pairable value(s)",
    ]
    if report.outside_scale_codes:
        lines.append(
            f"Outside the scale ({', '.join(report.outside_scale_codes)}): "
            f"{report.outside_scale_handling}"
        )
    return "\n".join(lines)
