"""File > Merge coders' projects: choose other coders' project files, see in a table what
merging them will do, merge them in, and read what happened, conflicts and skipped codes
listed one per line.

Merging is the core's (`annotator.core.supervision.merge`). As soon as the list of files
changes, the core's dry run (`dry_run_merges`: the merge itself, rolled back) fills the
table, a row per coder of each file (units, new articles, new and changed codes,
conflicts, skipped); Merge then merges, and the same table shows what was done. Both run
in a worker thread on its own Project; the merge takes one file at a time, each in one
transaction, so a cancel takes effect between files and never leaves a file half merged.
The window refreshes from the `merged` signal once the work is done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
)

from annotator.core.coding.coder_names import printable_name
from annotator.core.errors import AnnotatorError
from annotator.core.store.location import (
    Location,
    display_location,
    is_server_url,
    project_location,
    working_folder,
)
from annotator.core.store.project import Project
from annotator.core.supervision.merge import (
    Conflict,
    MergeReport,
    PlannedMerge,
    Skipped,
    dry_run_merges,
    merge_project,
)
from annotator.core.supervision.merge_report import (
    KEPT_CONSENSUS,
    KEPT_HELD,
    KEPT_MEMO,
    KEPT_SOURCE,
    KEPT_TARGET,
    MERGE_TABLE_COLUMNS,
    MergeTableRow,
    merge_table,
    table_cells,
)
from annotator.ui.table_views import row_table
from annotator.ui.tasks import Progress, TaskOutcome, TaskRunner

PROJECT_FILTER = "annotator projects (*.annotator);;All files (*)"
_Index = QModelIndex | QPersistentModelIndex
ACCEPT_CHANGES = "Let the files change codes and notes this project already holds"
KEPT_WORDS = {
    KEPT_SOURCE: "kept the merged file's (newer)",
    KEPT_TARGET: "kept this project's",
    KEPT_HELD: "kept this project's; the file's is newer (tick the box above to take it)",
    KEPT_CONSENSUS: "kept this project's consensus",
    KEPT_MEMO: "kept this project's memo; a merge never replaces one (copy from the file by hand)",
}
REPORT_COLUMNS = ("File", "What", "Unit", "Coder", "Field", "This project", "Merged file", "Result")


@dataclass
class MergeRun:
    """What one merge run did: a report per merged file, and why it stopped, if it did."""

    reports: list[MergeReport] = field(default_factory=list)
    refused: tuple[str, str] | None = None  # (file, reason)
    not_merged: list[str] = field(default_factory=list)


def source_name(source: str) -> str:
    """A file's name, or a server URL without its password."""
    location = project_location(source)
    return display_location(location) if is_server_url(location) else Path(location).name


def merge_sources(
    project: Project, sources: list[str], progress: Progress, **options: Any
) -> MergeRun:
    """Merge each source in turn; stop at a refusal or a cancel (as `merge_projects` does).
    `options` go to `merge_project` (unlock, accept_changes)."""
    run = MergeRun()
    for done, source in enumerate(sources):
        if not progress(done, len(sources), f"Merging {source_name(source)}…"):
            run.not_merged = sources[done:]
            return run
        try:
            run.reports.append(merge_project(project, source, **options))
        except AnnotatorError as error:  # refused, or out of reach: stop, keep what merged
            run.refused = (source, str(error))
            run.not_merged = sources[done + 1 :]
            return run
    progress(len(sources), len(sources), "")
    return run


def run_summary(reports: list[MergeReport], *, done: bool) -> str:
    """One sentence over the table: how many files, new articles, coders and conflicts."""
    articles = sum(len(r.articles_added) for r in reports)
    coders = sorted({name for r in reports for name in r.coders_added})
    conflicts = sum(len(r.conflicts) for r in reports)
    skipped = sum(len(r.skipped) for r in reports)
    verb = "Merged" if done else "Ready to merge"
    text = (
        f"{verb} {len(reports)} file(s): {articles} new article(s), "
        f"{len(coders)} new coder(s){': ' + ', '.join(coders) if coders else ''}, "
        f"{conflicts} conflict(s), {skipped} skipped."
    )
    notes = [f"{source_name(r.source)}: {r.codebook_note}" for r in reports if r.codebook_note]
    if held := sum(len(r.held) for r in reports):
        notes.append(
            f"{held} newer change(s) to codes or notes this project holds "
            f"{'were' if done else 'are'} left out: tick “{ACCEPT_CHANGES}” to make them."
        )
    if not done:
        text += " Nothing is written until you press Merge."
    return " ".join([text, *notes])


class MergeTableModel(QAbstractTableModel):
    """The merge table: a row per coder of each file (the core's `merge_table`)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[MergeTableRow] = []

    def set_reports(self, reports: list[MergeReport]) -> None:
        self.beginResetModel()
        self._rows = merge_table(reports)
        self.endResetModel()

    def row(self, row: int) -> MergeTableRow:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(MERGE_TABLE_COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return table_cells(self._rows[index.row()])[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        new_coder = self._rows[index.row()].new_coder
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1 and new_coder:
            return "This project has no coder of this name yet: merging adds one"
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return MERGE_TABLE_COLUMNS[section] if 0 <= section < len(MERGE_TABLE_COLUMNS) else None


class MergeReportModel(QAbstractTableModel):
    """Conflicts and skipped codes of every merged file, one row each."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, ...]] = []

    def set_reports(self, reports: list[MergeReport]) -> None:
        self.beginResetModel()
        self._rows = []
        for report in reports:
            name = Path(report.source).name
            for conflict in report.conflicts:
                self._rows.append(_conflict_row(name, conflict))
            for skipped in report.skipped:
                self._rows.append(_skipped_row(name, skipped))
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(REPORT_COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return REPORT_COLUMNS[section] if 0 <= section < len(REPORT_COLUMNS) else None


def _skipped_row(name: str, skipped: Skipped) -> tuple[str, ...]:
    return (
        name,
        "skipped",
        skipped.unit,
        printable_name(skipped.coder),
        skipped.field,
        "",
        skipped.value,
        skipped.reason,
    )


def _conflict_row(name: str, conflict: Conflict) -> tuple[str, ...]:
    kept = KEPT_WORDS[conflict.kept]
    return (
        name,
        "conflict",
        conflict.unit,
        printable_name(conflict.coder),
        conflict.field,
        conflict.target_value or "—",
        conflict.source_value or "—",
        kept,
    )


class MergeDialog(QDialog):
    """Choose files, read the preview, merge, read the report; `merged` fires when the
    project has changed."""

    merged = Signal(object)  # list[MergeReport]

    def __init__(self, location: Location, parent=None) -> None:
        super().__init__(parent)
        self.location = location
        self.setWindowTitle("Merge coders' projects")
        self.resize(900, 620)
        self.runner = TaskRunner(location, self)
        self.sources = QStringListModel(self)
        self.source_list = QListView()
        self.source_list.setModel(self.sources)
        self.source_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        add = QPushButton("Add project files…")
        add_server = QPushButton("Add server project…")
        add_server.setToolTip("A team project on a PostgreSQL server, by its URL")
        remove = QPushButton("Remove")
        self.merge_button = QPushButton("Merge")
        self.merge_button.setDefault(True)
        self.merge_button.setEnabled(False)
        self.summary = QLabel(
            "Units are matched by their article's text and position, so articles that were "
            "imported separately line up. Each file is merged whole or not at all; the files "
            "themselves are not changed.",
            wordWrap=True,
        )
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table_title = QLabel("What merging will do, per coder of each file:")
        self.table_model = MergeTableModel(self)
        self.table_view = row_table(self.table_model, stretch=0)
        self.report_model = MergeReportModel(self)
        self.report_view = row_table(self.report_model)
        self.accept_changes = QCheckBox(ACCEPT_CHANGES)
        self.accept_changes.setToolTip(
            "Without it, where a file's coder changed or cleared a code this project holds, "
            "the change is only listed below. The consensus is never changed by a merge."
        )
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(
            "The supervisor passphrase of files that have one (merging shows their codes)"
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (add, add_server, remove):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.merge_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Projects (files or server URLs) to merge into this project:"))
        layout.addWidget(self.source_list, 1)
        layout.addLayout(row)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.accept_changes)
        layout.addWidget(self.summary)
        layout.addWidget(self.table_title)
        layout.addWidget(self.table_view, 2)
        layout.addWidget(QLabel("Conflicts and skipped codes:"))
        layout.addWidget(self.report_view, 2)
        layout.addWidget(buttons)
        add.clicked.connect(self.choose_sources)
        add_server.clicked.connect(self.ask_server_source)
        remove.clicked.connect(self._remove_selected)
        self.merge_button.clicked.connect(self.merge)
        self.run: MergeRun | None = None
        self.previewed: list[str] | None = None  # the list the table shows a dry run of
        # One dry run per burst of changes to the list, after the event that made them.
        self._preview_timer = QTimer(self, singleShot=True, interval=0)
        self._preview_timer.timeout.connect(self.preview)
        for signal in (self.sources.rowsInserted, self.sources.rowsRemoved):
            signal.connect(self._preview_timer.start)
        self.sources.modelReset.connect(self._preview_timer.start)
        self.accept_changes.toggled.connect(self._preview_timer.start)
        self.passphrase.editingFinished.connect(self._preview_timer.start)

    def merge_options(self) -> dict[str, Any]:
        """What the merge is told, read now on the GUI thread (the worker reads no widget)."""
        given = self.passphrase.text() or None
        return {
            "unlock": lambda _source: given,
            "accept_changes": self.accept_changes.isChecked(),
        }

    def choose_sources(self) -> None:
        folder = working_folder(self.location)
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Project files to merge", str(folder), PROJECT_FILTER
        )
        self.add_sources(paths)

    def ask_server_source(self) -> None:
        url, ok = QInputDialog.getText(
            self,
            "Server project to merge",
            "Database URL, e.g. postgresql://supervisor@db.example.org/border_study:",
        )
        if ok and url.strip():
            self.add_server_source(url.strip())

    def add_server_source(self, url: str) -> bool:
        if not is_server_url(url):
            self.summary.setText(f"{url}: not a server URL (postgresql://user@host/database)")
            return False
        self.add_sources([url])
        return True

    def add_sources(self, paths: list[str | Path]) -> None:
        listed = self.sources.stringList()
        listed += [str(p) for p in paths if str(p) not in listed]
        self.sources.setStringList(listed)

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.source_list.selectedIndexes()}, reverse=True)
        for row in rows:
            self.sources.removeRows(row, 1)

    # -- preview (a dry run) -----------------------------------------------------------

    def preview(self) -> bool:
        """Fill the table with what merging the listed files would do (nothing written)."""
        sources = self.sources.stringList()
        self.merge_button.setEnabled(False)
        self.previewed = None
        if not sources:
            self.table_model.set_reports([])
            self.report_model.set_reports([])
            return False
        if self.runner.busy:
            return False  # the running job's end looks at the list again
        self.summary.setText("Reading the files to see what merging them would do…")
        options = self.merge_options()
        return self.runner.start(
            lambda project, _progress: dry_run_merges(
                project, sources, stop_at_refusal=True, **options
            ),
            "Reading the files to merge…",
            lambda outcome: self._previewed(sources, outcome),
        )

    def _previewed(self, sources: list[str], outcome: TaskOutcome) -> None:
        if sources != self.sources.stringList():
            self._preview_timer.start()  # the list changed meanwhile
            return
        if outcome.error or outcome.cancelled:
            self.summary.setText(f"Could not preview the merge: {outcome.error or 'cancelled'}")
            return
        planned: list[PlannedMerge] = outcome.result
        reports = [plan.report for plan in planned if plan.report is not None]
        refused = [plan for plan in planned if plan.refused]
        self.table_title.setText("What merging will do, per coder of each file:")
        self.table_model.set_reports(reports)
        self.report_model.set_reports(reports)
        lines = [run_summary(reports, done=False)] if reports else []
        lines += [f"{source_name(p.source)}: refused: {p.refused}" for p in refused]
        if refused:
            lines.append("Remove the refused file to merge the others.")
        self.summary.setText("\n".join(lines))
        self.previewed = sources
        self.merge_button.setEnabled(not refused)

    # -- merging -----------------------------------------------------------------------

    def merge(self) -> bool:
        sources = self.sources.stringList()
        if not sources or self.runner.busy:
            return False
        self._preview_timer.stop()  # what is merged now is shown instead
        self.merge_button.setEnabled(False)
        self.summary.setText("Merging…")
        options = self.merge_options()
        return self.runner.start(
            lambda project, progress: merge_sources(project, sources, progress, **options),
            "Merging…",
            self._done,
        )

    def _done(self, outcome: TaskOutcome) -> None:
        if outcome.error:
            self.summary.setText(f"Nothing was merged: {outcome.error}")
            self.merge_button.setEnabled(True)
            return
        run: MergeRun = outcome.result
        self.run = run
        lines = [run_summary(run.reports, done=True)] if run.reports else []
        if run.refused:
            lines.append(f"{source_name(run.refused[0])}: refused: {run.refused[1]}")
        if run.not_merged:
            names = ", ".join(source_name(p) for p in run.not_merged)
            lines.append(f"Not merged ({'cancelled' if outcome.cancelled else 'stopped'}): {names}")
        self.table_title.setText("What the merge did, per coder of each file:")
        self.table_model.set_reports(run.reports)
        self.report_model.set_reports(run.reports)
        merged = {report.source for report in run.reports}
        remaining = [
            p
            for p in self.sources.stringList()
            if display_location(project_location(p)) not in merged
        ]
        self.sources.blockSignals(True)  # the table keeps showing what was done
        self.sources.setStringList(remaining)
        self.sources.blockSignals(False)
        self.source_list.reset()
        self.summary.setText("\n".join(lines) or "Nothing was merged.")
        if remaining:
            self._preview_timer.start()
        if any(report.changed for report in run.reports):
            self.merged.emit(run.reports)

    def reject(self) -> None:
        if self.runner.busy:
            self.runner.cancel()  # the file being merged finishes; the rest are not started
            return
        super().reject()
