"""Actions waiting for the project to be reachable again, retried with backoff.

When a save fails because the project is out of reach (`ProjectUnavailable`: the
server went away, the network dropped, another process held the file too long),
the action is not thrown away: it waits here, in the order it was made, is shown
on screen as not saved, and is tried again after 1, 2, 4 … up to 30 seconds. New
actions made meanwhile queue behind it, so the database receives them in the
order the coder made them. Before each retry a worker thread asks the database
whether it answers (`db.probe`), so that waiting for a server that does not answer
never freezes the window. Retrying is safe because a coding action sets values:
one that did reach the database before the connection dropped changes nothing
the second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from annotator.core.store import db

FIRST_DELAY_S = 1
LONGEST_DELAY_S = 30


@dataclass(frozen=True)
class PendingWrite:
    """One coding action not yet committed: codes for a unit, or (codes None) a note."""

    article_id: int | None
    unit_id: int
    text: str  # what the undo menu calls it
    codes: Mapping[str, str | None] | None = None
    note: str | None = None
    origin: str = "manual"  # the history's origin of the first write ("suggestion": accepted)


class PendingQueue(QObject):
    """The waiting actions and the timer that says when to try them again."""

    changed = Signal()  # the queue, the reason or the countdown changed
    retry_due = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.writes: list[PendingWrite] = []
        self.reason = ""
        self._delay_s = FIRST_DELAY_S
        self._seconds_left = 0
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._count_down)

    def __bool__(self) -> bool:
        return bool(self.writes)

    def __len__(self) -> int:
        return len(self.writes)

    @property
    def seconds_left(self) -> int:
        return self._seconds_left

    def add(self, write: PendingWrite, reason: str) -> None:
        self.writes.append(write)
        self.reason = reason
        if not self._tick.isActive():
            self._schedule(self._delay_s)
        self.changed.emit()

    def head(self) -> PendingWrite:
        return self.writes[0]

    def done_with_head(self) -> None:
        """The first action was committed (or refused for good): it waits no longer."""
        self.writes.pop(0)
        if not self.writes:
            self._tick.stop()
            self._delay_s = FIRST_DELAY_S
            self.reason = ""
        self.changed.emit()

    def still_unavailable(self, reason: str) -> None:
        """A retry failed the same way: wait twice as long (up to a limit) before the next."""
        self.reason = reason
        self._delay_s = min(self._delay_s * 2, LONGEST_DELAY_S)
        self._schedule(self._delay_s)
        self.changed.emit()

    def overlay(self, unit_id: int) -> dict[str, str | None]:
        """The codes this unit will have once everything waiting is saved (fields only)."""
        codes: dict[str, str | None] = {}
        for write in self.writes:
            if write.unit_id == unit_id and write.codes is not None:
                codes.update(write.codes)
        return codes

    def retry_now(self) -> None:
        if self.writes:
            self._tick.stop()
            self._seconds_left = 0
            self.retry_due.emit()

    def _schedule(self, seconds: int) -> None:
        self._seconds_left = seconds
        self._tick.start()

    def _count_down(self) -> None:
        self._seconds_left -= 1
        if self._seconds_left > 0:
            self.changed.emit()
            return
        self._tick.stop()
        self.retry_due.emit()


class Prober(QObject):
    """Asks in a worker thread whether the project answers (`db.probe`)."""

    answered = Signal(object)  # None when it answers, else the reason it does not

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)

    def start(self, location: Path | str) -> None:
        if self.pool.activeThreadCount() == 0:
            self.pool.start(lambda: self.answered.emit(db.probe(location)))

    def wait(self) -> None:
        self.pool.waitForDone()
