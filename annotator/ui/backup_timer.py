"""The backups of an open project file, taken in the background while the window is open.

As the window opens, a worker thread takes the open-backup when the newest automatic
one is over ten minutes old (`backup.backup_on_open`): `Project.open` takes it itself
only for a small file, so a large project's window is usable at once while its copy is
written. A coder who leaves the window open for a week would otherwise get none after
that, so every hour this asks the core whether the newest automatic backup is a day old
and, if so, writes one in the worker thread (SQLite's online backup reads the file
through its own connection, so coding carries on meanwhile). Server projects are backed
up by the server's own tools, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from annotator.core.errors import AnnotatorError
from annotator.core.store import backup
from annotator.core.store.project import Project

CHECK_INTERVAL_MS = 60 * 60 * 1000


class _BackupJob(QRunnable):
    def __init__(
        self, project: Project, take: Callable[[Path], Path | None], done: Signal, failed: Signal
    ) -> None:
        super().__init__()
        self.project, self.take, self.done, self.failed = project, take, done, failed

    def run(self) -> None:
        try:
            made = self.take(Path(self.project.path))
        except (AnnotatorError, OSError) as error:
            self.failed.emit(str(error))
            return
        self.done.emit(made)


class DailyBackup(QObject):
    """Backs up on opening when due, then checks hourly and backs up when a day has passed
    since the last automatic backup."""

    written = Signal(object)  # Path of the new backup, or None when none was due
    failed = Signal(str)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # one backup at a time
        self.timer = QTimer(self, interval=CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        if not project.on_server:
            self.timer.start()
            self._start(backup.backup_on_open)

    def check(self) -> None:
        """Start a check now (the timer calls this; so can a test)."""
        if self.pool.activeThreadCount() == 0:
            self._start(backup.maybe_backup_daily)

    def _start(self, take: Callable[[Path], Path | None]) -> None:
        self.pool.start(_BackupJob(self.project, take, self.written, self.failed))

    def wait(self) -> None:
        """Let a running backup finish (a closing window must not cut it off)."""
        self.timer.stop()
        self.pool.waitForDone()
