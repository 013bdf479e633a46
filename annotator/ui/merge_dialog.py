"""File > Merge coders' projects: choose other coders' project files, merge them in, and read
what happened, conflicts and skipped codes listed one per line.

Merging is the core's (`annotator.core.merge`); it runs in a worker thread on its own
Project, one source file at a time, each in one transaction, so a cancel takes effect
between files and never leaves a file half merged. The window refreshes from the
`merged` signal once the work is done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListView,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from annotator.core.errors import AnnotatorError
from annotator.core.store.location import (
    Location,
    display_location,
    is_server_url,
    project_location,
    working_folder,
)
from annotator.core.store.project import Project
from annotator.core.supervision.merge import Conflict, MergeReport, Skipped, merge_project
from annotator.ui.tasks import Progress, TaskOutcome, TaskRunner

PROJECT_FILTER = "annotator projects (*.annotator);;All files (*)"
_Index = QModelIndex | QPersistentModelIndex
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


def merge_sources(project: Project, sources: list[str], progress: Progress) -> MergeRun:
    """Merge each source in turn; stop at a refusal or a cancel (as `merge_projects` does)."""
    run = MergeRun()
    for done, source in enumerate(sources):
        if not progress(done, len(sources), f"Merging {source_name(source)}…"):
            run.not_merged = sources[done:]
            return run
        try:
            run.reports.append(merge_project(project, source))
        except AnnotatorError as error:  # refused, or out of reach: stop, keep what merged
            run.refused = (source, str(error))
            run.not_merged = sources[done + 1 :]
            return run
    progress(len(sources), len(sources), "")
    return run


def report_summary(report: MergeReport) -> str:
    """One line per merged file, in words."""
    parts = [
        f"{len(report.articles_added)} article(s) added",
        f"{report.units_matched} unit(s) matched",
        f"codes: {report.codes_added} added, {report.codes_updated} updated, "
        f"{report.codes_removed} removed, {report.codes_unchanged} unchanged",
        f"notes: {report.notes_added} added, {report.notes_updated} updated",
        f"{report.history_added} history entries",
        f"{len(report.conflicts)} conflict(s)",
        f"{len(report.skipped)} skipped",
    ]
    if report.coders_added:
        parts.insert(2, "new coders: " + ", ".join(report.coders_added))
    text = f"{source_name(report.source)}: " + "; ".join(parts) + "."
    if report.codebook_note:
        text += f" {report.codebook_note}"
    return text


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
        skipped.coder,
        skipped.field,
        "",
        skipped.value,
        skipped.reason,
    )


def _conflict_row(name: str, conflict: Conflict) -> tuple[str, ...]:
    kept = "kept the merged file's (newer)" if conflict.kept == "source" else "kept this project's"
    return (
        name,
        "conflict",
        conflict.unit,
        conflict.coder,
        conflict.field,
        conflict.target_value or "—",
        conflict.source_value or "—",
        kept,
    )


class MergeDialog(QDialog):
    """Choose files, merge, read the report; `merged` fires when the project has changed."""

    merged = Signal(object)  # list[MergeReport]

    def __init__(self, location: Location, parent=None) -> None:
        super().__init__(parent)
        self.location = location
        self.setWindowTitle("Merge coders' projects")
        self.resize(900, 560)
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
        self.summary = QLabel(
            "Units are matched by their article's text and position, so articles that were "
            "imported separately line up. Each file is merged whole or not at all; the files "
            "themselves are not changed.",
            wordWrap=True,
        )
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report_model = MergeReportModel(self)
        self.report_view = QTableView()
        self.report_view.setModel(self.report_model)
        self.report_view.verticalHeader().hide()
        self.report_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.report_view.horizontalHeader().setStretchLastSection(True)
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
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("Conflicts and skipped codes:"))
        layout.addWidget(self.report_view, 2)
        layout.addWidget(buttons)
        add.clicked.connect(self.choose_sources)
        add_server.clicked.connect(self.ask_server_source)
        remove.clicked.connect(self._remove_selected)
        self.merge_button.clicked.connect(self.merge)
        self.run: MergeRun | None = None

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

    def merge(self) -> bool:
        sources = self.sources.stringList()
        if not sources or self.runner.busy:
            return False
        self.merge_button.setEnabled(False)
        self.summary.setText("Merging…")
        return self.runner.start(
            lambda project, progress: merge_sources(project, sources, progress),
            "Merging…",
            self._done,
        )

    def _done(self, outcome: TaskOutcome) -> None:
        self.merge_button.setEnabled(True)
        if outcome.error:
            self.summary.setText(f"Nothing was merged: {outcome.error}")
            return
        run: MergeRun = outcome.result
        self.run = run
        lines = [report_summary(report) for report in run.reports]
        if run.refused:
            lines.append(f"{source_name(run.refused[0])}: refused: {run.refused[1]}")
        if run.not_merged:
            names = ", ".join(source_name(p) for p in run.not_merged)
            lines.append(f"Not merged ({'cancelled' if outcome.cancelled else 'stopped'}): {names}")
        self.summary.setText("\n".join(lines) or "Nothing was merged.")
        self.report_model.set_reports(run.reports)
        merged = {report.source for report in run.reports}
        self.sources.setStringList(
            [
                p
                for p in self.sources.stringList()
                if display_location(project_location(p)) not in merged
            ]
        )
        if any(report.changed for report in run.reports):
            self.merged.emit(run.reports)

    def reject(self) -> None:
        if self.runner.busy:
            self.runner.cancel()  # the file being merged finishes; the rest are not started
            return
        super().reject()
