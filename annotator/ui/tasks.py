"""Long work off the GUI thread: a worker with its own Project and a cancellable progress dialog.

SQLite connections must stay in the thread that made them, so a job never gets the
window's project: the worker opens a second `Project` on the same file inside its
thread and closes it when the job ends. Views see the job's writes only after it has
finished, when the caller refreshes them, so nothing on screen runs ahead of the file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.core.errors import AnnotatorError
from annotator.core.log_file import log_unexpected
from annotator.core.store.location import Location
from annotator.core.store.project import Project

Progress = Callable[[int, int, str], bool]
"""progress(done, total, what) -> False once the user has asked to cancel."""
Job = Callable[[Project, Progress], object]


class TaskCancelled(Exception):
    """Raised by a job that stops early because its progress callback returned False."""


@dataclass(frozen=True)
class TaskOutcome:
    """How a job ended: its result (which may be partial when cancelled) or an error message."""

    result: object = None
    error: str | None = None
    cancelled: bool = False


class TaskWorker(QObject):
    """Runs one job in a worker thread; `cancel()` is safe to call from the GUI thread."""

    progress = Signal(int, int, str)
    finished = Signal(object)  # TaskOutcome

    def __init__(self, location: Location, job: Job) -> None:
        super().__init__()
        self.location = location
        self.job = job
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def _report(self, done: int, total: int, what: str) -> bool:
        self.progress.emit(done, total, what)
        return not self._cancelled.is_set()

    @Slot()
    def run(self) -> None:
        try:
            # A second handle on a project the window already opened: no extra backup.
            with Project.open(self.location, backups=False) as project:
                result = self.job(project, self._report)
        except TaskCancelled:
            outcome = TaskOutcome(cancelled=True)
        except AnnotatorError as error:
            outcome = TaskOutcome(error=str(error))
        except Exception as error:  # shown to the user; the thread must always finish
            log_unexpected("background task", error)
            outcome = TaskOutcome(error=f"{type(error).__name__}: {error}")
        else:
            outcome = TaskOutcome(result, cancelled=self._cancelled.is_set())
        self.finished.emit(outcome)


class TaskRunner(QObject):
    """Runs one job at a time for a window and shows its progress; calls back when it ends."""

    def __init__(self, location: Location, parent: QWidget) -> None:
        super().__init__(parent)
        self.location = location
        self._parent = parent
        self.thread: QThread | None = None
        self.worker: TaskWorker | None = None
        self.dialog: QProgressDialog | None = None
        self.label = ""  # what the running job last said it was doing
        self._on_done: Callable[[TaskOutcome], None] | None = None

    @property
    def busy(self) -> bool:
        return self.thread is not None

    def start(
        self,
        job: Job,
        label: str,
        on_done: Callable[[TaskOutcome], None],
        *,
        cancellable: bool = True,
        modal: bool = True,
        dialog: bool = True,
    ) -> bool:
        """Start `job`; False (and nothing started) while another job runs.

        `modal=False` lets the user keep working in the window meanwhile (imports);
        `dialog=False` shows no progress at all, for work the window shows by itself when
        it is done (the open article's suggestions).
        """
        if self.busy:
            return False
        self._on_done = on_done
        self.label = ""
        self.worker = TaskWorker(self.location, job)
        self.thread = QThread(self)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self.worker.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        if dialog:
            self._show_dialog(label, cancellable, modal)
        self.thread.start()
        return True

    def _show_dialog(self, label: str, cancellable: bool, modal: bool) -> None:
        assert self.worker is not None
        self.dialog = QProgressDialog(label, "Cancel" if cancellable else "", 0, 0, self._parent)
        self.dialog.setWindowTitle(label.rstrip("…. "))
        if modal:
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        # An empty cancel text makes no button (setCancelButton(None) upsets PySide's refcounts).
        self.dialog.canceled.connect(self.worker.cancel)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def wait(self) -> None:
        """Cancel and wait for a running job (a window that closes must not leave it behind).

        Its outcome, still on its way through the event queue, is shown to nobody: the
        window and its project are closing, and a callback reading them would find the
        project closed."""
        self._on_done = None
        if self.thread is not None:
            self.cancel()
            self.thread.quit()
            self.thread.wait()

    def _progress(self, done: int, total: int, what: str) -> None:
        """Until the first item is done the bar is busy (it moves, showing no 0%): nothing is
        counted yet, and one file being read for a minute is not "stuck at 0%"."""
        if what:
            self.label = what
        if self.dialog is None:
            return
        if done == 0 or total == 0:
            self.dialog.setRange(0, 0)
        else:
            self.dialog.setRange(0, total)
            self.dialog.setValue(min(done, total))
        # setValue on a modal dialog processes events, which may have run _finished
        if what and self.dialog is not None:
            self.dialog.setLabelText(what)

    def _finished(self, outcome: TaskOutcome) -> None:
        if self.dialog is not None:
            if self.worker is not None:
                self.dialog.canceled.disconnect(self.worker.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait()
            self.thread.deleteLater()
            self.thread = None
        self.worker = None
        on_done, self._on_done = self._on_done, None
        if on_done is not None:
            on_done(outcome)
