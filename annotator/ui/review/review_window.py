"""The supervisor's review window: coder set, agreement dashboard, disagreements, adjudication.

It composes the pieces and owns the long work: agreement with its bootstrap, exports
of the agreement tables and report, and accepting all unanimous units run in a worker
thread on their own Project (see `tasks`), while short reads (the disagreement list,
progress, a confusion matrix) are single calls into the core on the GUI thread.

It follows the coders live: every few seconds it asks the core for the coding stamp
(one indexed query) and, when a coder has changed a code since, re-reads each
coder's progress and the disagreements and recomputes agreement, keeping the row
the supervisor is on and any note they are typing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import confusion
from annotator.core.agreement.from_project import (
    ProjectAgreement,
    machine_coders,
    project_agreement,
)
from annotator.core.agreement.html_report import pairwise_confusion, write_agreement_html
from annotator.core.agreement.report import FieldAgreement
from annotator.core.agreement.source_agreement import source_agreement
from annotator.core.agreement.tables import write_agreement_csv
from annotator.core.coding import service as coding
from annotator.core.coding.codebook_check import SkippedCodes
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.coding.progress import coder_progress, coding_stamp
from annotator.core.errors import AnnotatorError
from annotator.core.store.location import working_folder
from annotator.core.store.outputs import check_output
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.core.suggest.switch import set_suggestions_for_coders, suggestions_for_coders
from annotator.core.supervision import adjudication
from annotator.ui import theme
from annotator.ui.operations import undo_redo_actions
from annotator.ui.project_changes import follow
from annotator.ui.review.adjudication import ReviewOperations
from annotator.ui.review.coder_choice import CoderChoiceModel
from annotator.ui.review.dashboard import DashboardTab
from annotator.ui.review.disagreement_tab import DisagreementsTab
from annotator.ui.review.sources_tab import SourcesTab
from annotator.ui.settings import AppSettings
from annotator.ui.study.study_dialog import StudyDialog
from annotator.ui.tasks import Progress, TaskCancelled, TaskOutcome, TaskRunner

REFRESH_DELAY_MS = 250  # let a few check boxes change before recomputing
LIVE_INTERVAL_MS = 5000  # how often to look for the coders' new work


def agreement_by_field(
    project: Project,
    coders: list[str] | None,
    progress: Progress,
    *,
    by_article: bool = False,
) -> ProjectAgreement:
    """`project_agreement` one field at a time, so progress shows and a cancel takes effect
    between fields. Each field's statistics (bootstrap included) depend on that field only,
    so the result is the same as computing all fields at once."""
    keys = measured_fields(project)  # the fields the project does not leave out
    combined = ProjectAgreement({}, {}, SkippedCodes())
    for done, key in enumerate(keys):
        if not progress(done, len(keys), f"Agreement on {project.codebook.field(key).label}…"):
            raise TaskCancelled
        result = project_agreement(project, [key], coders, by_article=by_article)
        combined.fields.update(result.fields)
        combined.by_article.update(result.by_article)
        combined.details.update(result.details)
        combined.skipped.counts.update(result.skipped.counts)
    progress(len(keys), len(keys), "")
    return combined


class ReviewWindow(QMainWindow):
    """Every coder's codes for one project, for the supervisor named `supervisor`."""

    export_requested = Signal()  # File > Export codes: the coding window opens its dialog

    def __init__(
        self,
        project: Project,
        supervisor: str | None,
        settings: AppSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.project = project
        self.settings = settings or AppSettings()
        self.setWindowTitle(f"{project.name} — supervisor review — annotator")
        self.operations = ReviewOperations(project, supervisor, self)
        self.runner = TaskRunner(project.path, self)
        self.coders = CoderChoiceModel(self)
        self.fields: dict[str, FieldAgreement] = {}
        self._agreement_wanted = False
        self.confirm_box: QMessageBox | None = None
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._stamp: int | None = None
        self.live_timer = QTimer(self, interval=LIVE_INTERVAL_MS)
        self.live_timer.timeout.connect(self.poll)
        self.dashboard = DashboardTab(project.codebook, self._confusion)
        self.disagreements = DisagreementsTab(project.codebook, self.operations)
        self.sources = SourcesTab(project.codebook, self.operations)
        self._build()
        self._build_menus()
        self.coders.chosen_changed.connect(self._refresh_timer.start)
        self.operations.changed.connect(lambda _changes: self.update_progress())
        self.operations.failed.connect(self._failed)
        self.operations.saved.connect(self._saved)
        geometry = self.settings.review_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1300, 860)
        self.reload()
        self.live_timer.start()
        # A coding window of this process that codes is heard at once, not at the next poll.
        self._stop_following = follow(project.path, self.operations, lambda _c: self.poll())

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 6, 0, 6)
        side_layout.addWidget(QLabel("<b>Coders compared</b>"))
        self.coder_list = QListView()
        self.coder_list.setModel(self.coders)
        side_layout.addWidget(self.coder_list, 1)
        self.accept_button = QPushButton("Accept all unanimous units")
        self.accept_button.setToolTip(
            "Make every code on which all chosen coders agree the consensus "
            "(codes already adjudicated are left alone)"
        )
        self.accept_button.clicked.connect(self.ask_accept_all_unanimous)
        side_layout.addWidget(self.accept_button)
        side_layout.addWidget(QLabel("Adjudication progress"))
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m units")
        side_layout.addWidget(self.progress)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.dashboard, theme.icon("find"), "Agreement")
        self.tabs.addTab(self.disagreements, theme.icon("clear"), "Disagreements")
        self.tabs.addTab(self.sources, "Sources")
        split = QSplitter()
        split.addWidget(side)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 1080])
        self.setCentralWidget(split)
        self.live_state = QLabel()
        self.save_state = QLabel()
        self.statusBar().addPermanentWidget(self.live_state)
        self.statusBar().addPermanentWidget(self.save_state)

    def export_codes(self) -> None:
        """File > Export codes: asks the coding window for its export dialog (every layout,
        with preview) over this window, where every coder's codes may be seen."""
        self.export_requested.emit()

    def _action(self, text: str, slot: Callable, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def show_disagreements(self) -> None:
        """Ctrl+2: the disagreement list, focused, so 1-9 decide at once."""
        self.tabs.setCurrentWidget(self.disagreements)
        self.disagreements.take_keys()

    def show_sources(self) -> None:
        """Ctrl+3: the coders' source lists side by side, the rows focused (1-9 take)."""
        self.tabs.setCurrentWidget(self.sources)
        self.sources.table.setFocus()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("Export codes…", self.export_codes, "Ctrl+E"))
        file_menu.addAction(
            self._action("Export agreement tables (CSV)…", self.export_agreement_tables)
        )
        file_menu.addAction(self._action("Export HTML report…", self.export_html_report))
        file_menu.addSeparator()
        file_menu.addAction(self._action("Close", self.close, QKeySequence.StandardKey.Close))
        edit_menu = bar.addMenu("&Edit")
        self.undo_action, self.redo_action = undo_redo_actions(
            self.operations.undo_stack,
            self,
            report=lambda text: self.statusBar().showMessage(text, 8000),
        )
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(
            self._action("Accept all unanimous units…", self.ask_accept_all_unanimous)
        )
        view_menu = bar.addMenu("&View")
        view_menu.addAction(
            self._action("Agreement", lambda: self.tabs.setCurrentWidget(self.dashboard), "Ctrl+1")
        )
        view_menu.addAction(self._action("Disagreements", self.show_disagreements, "Ctrl+2"))
        view_menu.addAction(self._action("Sources", self.show_sources, "Ctrl+3"))
        view_menu.addAction(self._action("Reload from the project", self.reload, "F5"))
        view_menu.addSeparator()
        self.suggestions_action = QAction("Machine suggestions for coders", self, checkable=True)
        self.suggestions_action.setToolTip(
            "Project-wide: turn off for blind coding (every coder's window then shows none)"
        )
        self.suggestions_action.setChecked(suggestions_for_coders(self.project))
        self.suggestions_action.toggled.connect(self.set_suggestions_for_coders)
        view_menu.addAction(self.suggestions_action)
        study_menu = bar.addMenu("&Study")
        study_menu.addAction(
            self._action("Reliability sample and progress…", self.open_study_dialog)
        )
        study_menu.addAction(self._action("Certification against the gold…", self.certification))
        study_menu.addAction(
            self._action("Agreement where it helps to act…", self.agreement_detail)
        )

    def agreement_detail(self) -> None:
        """Study > Agreement where it helps to act (`annotator agreement-detail`)."""
        from annotator.ui.study.agreement_detail_view import AgreementDetailDialog

        self.agreement_detail_dialog = AgreementDetailDialog(self.project, self)
        self.agreement_detail_dialog.show()

    def certification(self) -> None:
        """Study > Certification against the gold (`annotator certify`)."""
        from annotator.ui.study.certification_view import CertificationDialog

        self.certification_dialog = CertificationDialog(self.project, self)
        self.certification_dialog.show()

    def open_study_dialog(self) -> None:
        """Study > Reliability sample and progress (`annotator plan` and `progress`)."""
        self.study_dialog = StudyDialog(self.project, self)
        self.study_dialog.show()

    # -- reading -----------------------------------------------------------------------

    def chosen_coders(self) -> list[str] | None:
        """The chosen coders; None when all are chosen (the core's default: every coder)."""
        return None if self.coders.all_chosen() else self.coders.chosen()

    def reload(self) -> None:
        """Re-read the coders (a merge may have added some), then everything shown."""
        try:
            self._stamp = coding_stamp(self.project)
            progress = coder_progress(self.project)
        except AnnotatorError as error:
            self._out_of_reach(str(error))
            return
        self.coders.set_progress(progress)
        self.coders.set_machines(machine_coders(self.project))
        self.coders.set_coders(sorted(progress))
        self._refresh_timer.stop()
        self.refresh()
        self._show_live()

    def poll(self) -> None:
        """Called every few seconds: reload when some coder changed a code since last time."""
        if self.runner.busy:
            return  # a job is reading; look again at the next tick
        try:
            stamp = coding_stamp(self.project)
        except AnnotatorError as error:
            self._out_of_reach(str(error))
            return
        if stamp != self._stamp:
            self.reload()
        else:
            self._show_live()

    def _show_live(self) -> None:
        self.live_state.setStyleSheet("")
        self.live_state.setText(f"Live · checked {QTime.currentTime().toString('HH:mm:ss')}")
        self.live_state.setToolTip(
            "Coders' new work appears here by itself: the project is checked every "
            f"{LIVE_INTERVAL_MS // 1000} s (F5 reloads now)."
        )

    def _out_of_reach(self, reason: str) -> None:
        self.live_state.setStyleSheet(f"color: {theme.waiting_color().name()};")
        self.live_state.setText("Not live: the project is out of reach; trying again")
        self.live_state.setToolTip(reason)

    def refresh(self) -> None:
        """Show the chosen coders' disagreements and progress, and recompute agreement."""
        chosen = self.coders.chosen()
        self.dashboard.set_coders(chosen)
        if len(chosen) < 2:
            self.disagreements.set_data([], chosen, {})
            self.sources.set_coders(chosen)
            self.dashboard.clear_results("Choose at least two coders to compare.")
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            return
        coders = self.chosen_coders()
        self.sources.set_coders(coders)
        found = adjudication.list_disagreements(self.project, coders=coders)
        notes = coding.coder_notes(self.project, CONSENSUS)
        reasons = {coder: coding.coder_notes(self.project, coder) for coder in chosen}
        self.disagreements.set_data(found, chosen, notes, reasons)
        self.update_progress()
        self.compute_agreement()

    def update_progress(self) -> None:
        if len(self.coders.chosen()) < 2:
            return
        progress = adjudication.adjudication_progress(self.project, self.chosen_coders())
        self.progress.setRange(0, max(progress.to_decide, 1))
        self.progress.setValue(progress.decided)
        self.progress.setFormat(f"{progress.decided} of {progress.to_decide} decisions")
        self.progress.setToolTip(
            f"{progress.decided} of {progress.to_decide} decisions made (fields where coders "
            f"differ); {progress.adjudicated} of {progress.needing} units settled in full"
        )

    @property
    def busy(self) -> bool:
        """Whether work is running or waiting to run (tests wait for this to end)."""
        return self.runner.busy or self._refresh_timer.isActive() or self._agreement_wanted

    def _confusion(self, field: str, coder_a: str, coder_b: str) -> confusion.ConfusionMatrix:
        return confusion.confusion_matrix(self.project, field, coder_a, coder_b)

    # -- long work ---------------------------------------------------------------------

    def compute_agreement(self) -> None:
        """Agreement of the chosen coders, with the bootstrap, in the worker thread."""
        self._agreement_wanted = True
        if self.runner.busy:
            return  # started again when the running job ends
        self._agreement_wanted = False
        coders = self.chosen_coders()
        self.runner.start(
            lambda project, progress: agreement_by_field(project, coders, progress),
            "Computing agreement…",
            self._agreement_done,
        )

    def _agreement_done(self, outcome: TaskOutcome) -> None:
        if outcome.error:
            self.dashboard.clear_results(f"Agreement could not be computed: {outcome.error}")
        elif outcome.cancelled:
            self.dashboard.clear_results("Cancelled; press F5 to compute the agreement again.")
        else:
            self.fields = outcome.result.fields
            result = outcome.result
            self.dashboard.set_results(self.fields, result.skipped, result.details)
        self._after_job()

    def _after_job(self) -> None:
        if self._agreement_wanted:
            self.compute_agreement()

    def export_agreement_tables(self, path: str | None = None) -> bool:
        """Every coefficient, overall and per article, as one CSV table."""
        path = path or self._save_path("Export agreement tables", "agreement.csv", "CSV (*.csv)")
        if not path:
            return False
        coders = self.chosen_coders()

        def job(project: Project, progress: Progress) -> str:
            result = agreement_by_field(project, coders, progress, by_article=True)
            fields, details = dict(result.fields), dict(result.details)
            on_sources = source_agreement(project, coders)
            if on_sources.has_sources:  # the sources' rows after the unit fields'
                fields.update(on_sources.table_fields())
                details.update(on_sources.details)
            rows = write_agreement_csv(path, fields, result.by_article, details)
            return f"Wrote {rows} row(s) of agreement figures to {path}."

        return self._start_export(path, job, "Exporting agreement tables…")

    def export_html_report(self, path: str | None = None) -> bool:
        """The self-contained HTML report, with the alpha chart and every pair's heat map."""
        path = path or self._save_path("Export HTML report", "agreement.html", "HTML (*.html)")
        if not path:
            return False
        coders = self.chosen_coders()

        def job(project: Project, progress: Progress) -> str:
            result = agreement_by_field(project, coders, progress, by_article=True)
            on_sources = source_agreement(project, coders)
            write_agreement_html(
                path,
                result.fields,
                source=str(project.path),
                source_type="project",
                by_article=result.by_article,
                confusion=pairwise_confusion(project, result.fields),
                field_labels={f.key: f.label for f in project.codebook.fields},
                details=result.details,
                sources=on_sources if on_sources.has_sources else None,
            )
            return f"Wrote the agreement report to {path}."

        return self._start_export(path, job, "Writing the agreement report…")

    def _save_path(self, title: str, name: str, pattern: str) -> str:
        folder = working_folder(self.project.path)
        path, _ = QFileDialog.getSaveFileName(self, title, str(folder / name), pattern)
        return path

    def _start_export(self, path: str, job, label: str) -> bool:
        if self.runner.busy:
            self.statusBar().showMessage("Still working; try again in a moment.", 5000)
            return False
        try:
            check_output(path, self.project.path)
        except AnnotatorError as error:
            self.statusBar().showMessage(f"Not exported: {error}", 15000)
            return False
        return self.runner.start(job, label, self._export_done)

    def _export_done(self, outcome: TaskOutcome) -> None:
        if outcome.error:
            QMessageBox.warning(self, "Export failed", outcome.error)
        elif outcome.cancelled:
            self.statusBar().showMessage("Export cancelled; no file was written.", 8000)
        else:
            self.statusBar().showMessage(str(outcome.result), 8000)
        self._after_job()

    def ask_accept_all_unanimous(self) -> None:
        """Confirm first: the bulk action may set thousands of codes (one undo step)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Accept all unanimous units",
            "Make every code on which all the chosen coders agree the consensus?\n\n"
            "Codes already adjudicated are left alone. Edit > Undo (Ctrl+Z) takes the whole "
            "step back, and any accepted code can still be changed here afterwards.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.finished.connect(self._confirmed)
        self.confirm_box = box
        box.open()

    def _confirmed(self, _result: int) -> None:
        box = self.confirm_box
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
            self.accept_all_unanimous()

    def accept_all_unanimous(self) -> bool:
        if self.runner.busy or len(self.coders.chosen()) < 2:
            return False
        coders = self.chosen_coders()
        return self.runner.start(
            lambda project, _progress: adjudication.accept_all_unanimous(project, coders),
            "Accepting unanimous units…",
            self._accepted,
            cancellable=False,
        )

    def _accepted(self, outcome: TaskOutcome) -> None:
        if outcome.error:
            QMessageBox.warning(self, "Accept all unanimous units", outcome.error)
        else:
            self.statusBar().showMessage(
                f"{len(outcome.result)} unanimous code(s) accepted as the consensus "
                "(Ctrl+Z takes them back).",
                8000,
            )
            self.operations.accepted_in_bulk(outcome.result)
            self._saved()
        self.update_progress()
        self._after_job()

    # -- feedback and closing ------------------------------------------------------------

    def set_suggestions_for_coders(self, on: bool) -> None:
        """The project-wide switch; coders' windows follow it when they next open."""
        try:
            set_suggestions_for_coders(self.project, on)
        except AnnotatorError as error:
            self._failed(str(error))
            self.suggestions_action.blockSignals(True)
            self.suggestions_action.setChecked(not on)
            self.suggestions_action.blockSignals(False)
            return
        self._saved()

    def _failed(self, reason: str) -> None:
        """Said plainly in the status bar; the list keeps showing what the project holds."""
        self.save_state.setStyleSheet(f"color: {theme.error_color().name()}; font-weight: bold;")
        self.save_state.setText(f"Not saved: {reason}")

    def _saved(self) -> None:
        self.save_state.setStyleSheet(f"color: {theme.success_color().name()};")
        self.save_state.setText("Saved")

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_following()
        self._refresh_timer.stop()
        self.live_timer.stop()
        self.runner.wait()
        self.settings.set_review_geometry(self.saveGeometry())
        super().closeEvent(event)
