"""Importing from the window: `import_paths` as a task off the GUI thread, then a report.

The thread, its own Project and the cancellable progress dialog are the shared
`TaskRunner`'s; this module only says what an import does and shows what failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.store.location import Location
from annotator.core.store.project import Project
from annotator.ui.tasks import Progress, TaskOutcome, TaskRunner, TaskWorker

if TYPE_CHECKING:
    from annotator.core.ingest.into_project import ImportReport


class ImportController(QObject):
    """Starts an import, shows its progress and, at the end, what failed."""

    imported = Signal(object)  # ImportReport, after the import finished (or was cancelled)
    failed = Signal(str)

    def __init__(self, location: Location, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.runner = TaskRunner(location, parent)
        self.report_box: QMessageBox | None = None

    @property
    def busy(self) -> bool:
        return self.runner.busy

    @property
    def worker(self) -> TaskWorker | None:
        return self.runner.worker

    def start(self, paths: list[str]) -> bool:
        if self.busy or not paths:
            return False
        return self.runner.start(_import_job(paths), "Importing…", self._finished, modal=False)

    def finish(self) -> None:
        """Stop a running import (the window is closing and the coder said so): the file
        being read goes in, the rest do not; waits for that."""
        self.runner.wait()

    def where(self) -> str:
        """How far the import is, in words: "file 3 of 40", or "starting"."""
        return self.runner.label or "starting"

    def _finished(self, outcome: TaskOutcome) -> None:
        if outcome.error is not None:
            self.failed.emit(outcome.error)
            self._show_report("Import failed", outcome.error, [])
            return
        result: ImportReport = outcome.result
        summary = (
            f"Imported {len(result.imported)} article(s), {result.units} unit(s)"
            + (" before you cancelled" if result.cancelled else "")
            + f"; {len(result.duplicates)} duplicate(s) skipped, "
            f"{len(result.failures)} file(s) failed."
        )
        if result.failures or result.duplicates:
            self._show_report("Import finished with problems", summary, result.lines())
        elif result.notes:  # an archive's "found 10 of 10 documents", near-duplicates
            self._show_report(
                "Import finished", summary, result.notes, QMessageBox.Icon.Information
            )
        self.imported.emit(result)

    def _show_report(
        self,
        title: str,
        summary: str,
        lines: list[str],
        icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
    ) -> None:
        """Failures per file (or what an archive export held), in a window that does not
        block coding."""
        box = QMessageBox(icon, title, summary, QMessageBox.StandardButton.Ok, self._parent)
        if lines:
            box.setDetailedText("\n".join(lines))
            box.setInformativeText("\n".join(lines[:8]) + ("\n…" if len(lines) > 8 else ""))
        box.setModal(False)
        box.show()
        self.report_box = box


def _import_job(paths: list[str]):
    """The import as a task; the dialog's label names the file being read."""

    # The readers and the segmenter load with the first import, not with the window.
    from annotator.core.ingest.into_project import BATCH_SIZE, import_paths

    def job(project: Project, progress: Progress) -> ImportReport:
        def labelled(done: int, total: int, current: str) -> bool:
            if not current:
                return progress(done, total, "Finishing…")
            of = f" (file {done + 1} of {total})" if total > 1 else ""
            return progress(done, total, f"Importing {Path(current).name}{of}…")

        def articles(done: int, total: int, _current: str) -> bool:
            # a CSV batch of many rows: the bar counts its articles while they are stored
            return total < 2 * BATCH_SIZE or progress(done, total, f"Storing {total:,} articles…")

        return import_paths(project, paths, labelled, articles)

    return job
