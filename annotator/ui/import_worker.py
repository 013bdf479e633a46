"""Importing from the window: a worker thread with its own Project, a cancellable progress dialog.

SQLite connections must stay in the thread that made them, so the worker opens
a second `Project` on the same file inside its thread; the window's project
only sees the new articles when the worker has finished and the models refresh.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from annotator.core.errors import AnnotatorError


class ImportWorker(QObject):
    """Runs `import_paths` in a worker thread; `cancel()` is safe to call from the GUI thread."""

    progress = Signal(int, int, str)
    finished = Signal(object)  # ImportReport, or an error message (str) when nothing could run

    def __init__(self, project_path: Path, paths: list[str]) -> None:
        super().__init__()
        self.project_path = project_path
        self.paths = paths
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def _report_progress(self, done: int, total: int, current: str) -> bool:
        self.progress.emit(done, total, current)
        return not self._cancelled.is_set()

    @Slot()
    def run(self) -> None:
        from annotator.core.importing import import_paths
        from annotator.core.project import Project

        try:
            with Project.open(self.project_path, backups=False) as project:
                report = import_paths(project, self.paths, self._report_progress)
        except AnnotatorError as error:
            self.finished.emit(str(error))
            return
        except Exception as error:  # shown to the user; the thread must always finish
            self.finished.emit(f"{type(error).__name__}: {error}")
            return
        self.finished.emit(report)


class ImportController(QObject):
    """Starts an import, shows its progress and, at the end, what failed."""

    imported = Signal(object)  # ImportReport, after the import finished (or was cancelled)
    failed = Signal(str)

    def __init__(self, project_path: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self.project_path = project_path
        self._parent = parent
        self.thread: QThread | None = None
        self.worker: ImportWorker | None = None
        self.dialog: QProgressDialog | None = None
        self.report_box: QMessageBox | None = None

    @property
    def busy(self) -> bool:
        return self.thread is not None

    def start(self, paths: list[str]) -> bool:
        if self.busy or not paths:
            return False
        self.worker = ImportWorker(self.project_path, paths)
        self.thread = QThread(self)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self.worker.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self.dialog = QProgressDialog("Importing…", "Cancel", 0, 0, self._parent)
        self.dialog.setWindowTitle("Import")
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.worker.cancel)
        self.thread.start()
        return True

    def _progress(self, done: int, total: int, current: str) -> None:
        if self.dialog is None:
            return
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(done)
        self.dialog.setLabelText(f"Importing {Path(current).name}…" if current else "Finishing…")

    def _finished(self, result: object) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect()
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait()
            self.thread.deleteLater()
            self.thread = None
        self.worker = None
        if isinstance(result, str):
            self.failed.emit(result)
            self._show_report("Import failed", result, [])
            return
        summary = (
            f"Imported {len(result.imported)} article(s), {result.units} unit(s)"
            + (" before you cancelled" if result.cancelled else "")
            + f"; {len(result.duplicates)} duplicate(s) skipped, "
            f"{len(result.failures)} file(s) failed."
        )
        if result.lines():
            self._show_report("Import finished with problems", summary, result.lines())
        self.imported.emit(result)

    def _show_report(self, title: str, summary: str, lines: list[str]) -> None:
        """Failures per file, in a window that does not block coding."""
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, summary, QMessageBox.StandardButton.Ok, self._parent
        )
        if lines:
            box.setDetailedText("\n".join(lines))
            box.setInformativeText("\n".join(lines[:8]) + ("\n…" if len(lines) > 8 else ""))
        box.setModal(False)
        box.show()
        self.report_box = box
