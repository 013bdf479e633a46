"""The daily backup of an open project file, taken while the window stays open.

Opening a project already makes a backup (`backup.backup_on_open`); a coder who
leaves the window open for a week would otherwise get none after that. Every hour
this asks the core whether the newest automatic backup is a day old and, if so,
writes one in a worker thread (SQLite's online backup reads the file through its
own connection, so coding carries on meanwhile). Server projects are backed up by
the server's own tools, not here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from annotator.core.errors import AnnotatorError
from annotator.core.store import backup
from annotator.core.store.project import Project

CHECK_INTERVAL_MS = 60 * 60 * 1000


class _BackupJob(QRunnable):
    def __init__(self, project: Project, done: Signal, failed: Signal) -> None:
        super().__init__()
        self.project, self.done, self.failed = project, done, failed

    def run(self) -> None:
        try:
            made = backup.maybe_backup_daily(self.project.path)
        except (AnnotatorError, OSError) as error:
            self.failed.emit(str(error))
            return
        self.done.emit(made)


class DailyBackup(QObject):
    """Checks hourly, and backs up when a day has passed since the last automatic backup."""

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

    def check(self) -> None:
        """Start a check now (the timer calls this; so can a test)."""
        if self.pool.activeThreadCount() == 0:
            self.pool.start(_BackupJob(self.project, self.written, self.failed))

    def wait(self) -> None:
        """Let a running backup finish (a closing window must not cut it off)."""
        self.timer.stop()
        self.pool.waitForDone()
