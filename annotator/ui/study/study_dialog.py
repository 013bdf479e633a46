"""Study > Reliability sample and progress: the plan of `annotator plan` and the figures
of `annotator progress`, in the review window.

The plan tab takes the target alpha, the significance level, the smallest category's
share (0: from the codebook), the strata and the seed, and shows the core's figures and
drawn articles (`make_plan`); Save keeps the sample in the project (`save_plan`), as
`annotator plan --save` does. The progress tab shows `study_progress` a row per coder.
Both are short reads on the GUI thread, like the review window's progress figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.store.project import Project
from annotator.core.study.assignment_progress import STALLED_DAYS, CoderStatus, study_progress
from annotator.core.study.plan import ReliabilityPlan, make_plan, new_seed, save_plan
from annotator.core.study.sample_size import SmallestShare, share_from_codebook
from annotator.ui.table_views import row_table

_Index = QModelIndex | QPersistentModelIndex
SIGNIFICANCE_LEVELS = (
    0.1,
    0.05,
    0.01,
    0.005,
)  # the columns of Krippendorff's table of sample sizes
STRATA = (("No strata", None), ("By outlet", "outlet"), ("By month", "month"))


class RowsModel(QAbstractTableModel):
    """A read-only table of rows of text, one column per header (right-aligned numbers)."""

    def __init__(self, headers: Sequence[str], numeric: Sequence[int] = (), parent=None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.numeric = set(numeric)
        self.rows: list[tuple[str, ...]] = []

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return self.headers[section] if 0 <= section < len(self.headers) else None


def plan_figures(plan: ReliabilityPlan) -> str:
    """The plan's figures as the tab shows them (one line each)."""
    lines = [
        f"Units needed: {plan.units_needed} (alpha ≥ {plan.alpha_min:g} at p = {plan.p:g}; "
        f"P_c = {plan.p_c:.3g}, {plan.p_c_basis})",
        f"Articles needed: {plan.articles_needed} of {plan.articles_in_project} "
        f"at {plan.mean_units_per_article:.1f} units per article",
        f"Drawn: {len(plan.articles)} articles, {plan.units_drawn} units (seed {plan.seed})",
        "Krippendorff (2004), Content Analysis, 2nd ed., §11.4.2",
    ]
    if plan.short_of_units:
        lines.insert(3, f"The project holds only {plan.units_in_project} units: too few.")
    return "\n".join(lines)


def progress_row(status: CoderStatus) -> tuple[str, ...]:
    last = f"{status.last_activity:%Y-%m-%d %H:%M}" if status.last_activity else "–"
    stalled = ", ".join(f"{s.key} ({s.idle_days} d)" for s in status.stalled) or "–"
    return (
        status.coder,
        f"{status.articles_done} / {status.articles_assigned}",
        f"{status.units_done} / {status.units_assigned}",
        last,
        stalled,
    )


class StudyDialog(QDialog):
    """The plan and progress tabs over the supervisor's open project."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.plan: ReliabilityPlan | None = None
        self.setWindowTitle(f"{project.name} — study — annotator")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._plan_tab(), "Reliability sample")
        self.tabs.addTab(self._progress_tab(), "Progress per coder")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(820, 560)
        self.draw()
        self.refresh_progress()

    # -- plan --------------------------------------------------------------------------

    def _plan_tab(self) -> QWidget:
        self.alpha = QDoubleSpinBox(decimals=3, minimum=0.5, maximum=0.99, singleStep=0.05)
        self.alpha.setValue(0.8)
        self.significance = QComboBox()
        for level in SIGNIFICANCE_LEVELS:
            self.significance.addItem(f"{level:g}", level)
        self.significance.setCurrentIndex(SIGNIFICANCE_LEVELS.index(0.05))
        codebook_share = share_from_codebook(self.project.codebook)
        self.share = QDoubleSpinBox(decimals=3, minimum=0.0, maximum=0.5, singleStep=0.05)
        self.share.setSpecialValueText(f"from the codebook ({codebook_share.p_c:.3g})")
        self.strata = QComboBox()
        for label, value in STRATA:
            self.strata.addItem(label, value)
        self.seed = QSpinBox(minimum=1, maximum=10**6 - 1)
        self.seed.setValue(new_seed())
        form = QFormLayout()
        form.addRow("Smallest acceptable alpha", self.alpha)
        form.addRow("Significance level p", self.significance)
        form.addRow("Smallest category's share P_c", self.share)
        form.addRow("Strata", self.strata)
        form.addRow("Seed", self.seed)
        self.draw_button = QPushButton("&Draw")
        self.draw_button.clicked.connect(self.draw)
        self.save_button = QPushButton("&Save as the reliability sample")
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addWidget(self.draw_button)
        row.addWidget(self.save_button)
        row.addStretch()
        self.figures = QLabel(wordWrap=True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.articles = RowsModel(["Article", "Outlet", "Published", "Units"], numeric=[3])
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.figures)
        layout.addWidget(row_table(self.articles, stretch=0))
        return tab

    def _plan_inputs(self) -> tuple[float, float, SmallestShare | None, str | None, int]:
        share = self.share.value()
        given = SmallestShare(share, "given") if share > 0 else None
        return (
            self.alpha.value(),
            float(self.significance.currentData()),
            given,
            self.strata.currentData(),
            self.seed.value(),
        )

    def draw(self) -> None:
        """Draw the sample for the figures entered (nothing is saved)."""
        alpha, p, share, strata, seed = self._plan_inputs()
        self._show_or_say(lambda: make_plan(self.project, alpha, p, share, strata, seed))

    def _show_or_say(self, make: Callable[[], ReliabilityPlan]) -> None:
        try:
            self.plan = make()
        except AnnotatorError as error:
            self.plan = None
            self.figures.setText(str(error))
            self.articles.set_rows([])
            return
        self.figures.setText(plan_figures(self.plan))
        self.articles.set_rows(
            [(a.key, a.outlet or "–", a.published or "–", str(a.units)) for a in self.plan.articles]
        )

    def save(self) -> None:
        """Keep the sample drawn last in the project (what `assign` gives every coder)."""
        if self.plan is None:
            return
        try:
            save_plan(self.project, self.plan)
        except AnnotatorError as error:
            self.figures.setText(f"{self.figures.text()}\nNot saved: {error}")
            return
        self.figures.setText(f"{plan_figures(self.plan)}\nSaved as the reliability sample.")

    # -- progress ----------------------------------------------------------------------

    def _progress_tab(self) -> QWidget:
        self.stalled_days = QSpinBox(minimum=1, maximum=365, suffix=" days")
        self.stalled_days.setValue(STALLED_DAYS)
        self.stalled_days.valueChanged.connect(self.refresh_progress)
        self.progress_note = QLabel(wordWrap=True)
        self.progress = RowsModel(
            ["Coder", "Articles done", "Units done", "Last activity (UTC)", "Stalled"],
            numeric=[1, 2],
        )
        form = QFormLayout()
        form.addRow("Stalled after", self.stalled_days)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(form)
        layout.addWidget(self.progress_note)
        layout.addWidget(row_table(self.progress, stretch=4))
        return tab

    def refresh_progress(self) -> None:
        try:
            figures = study_progress(self.project, self.stalled_days.value())
        except AnnotatorError as error:
            self.progress_note.setText(str(error))
            self.progress.set_rows([])
            return
        of = "their assignment" if figures.assigned else "every article (nothing is assigned)"
        self.progress_note.setText(f"Done of {of}; merge the coders' files first.")
        self.progress.set_rows([progress_row(status) for status in figures.coders])
