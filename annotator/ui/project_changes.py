"""Committed writes announced to every window of this process on the same project.

The one write path (`operations.commit_and_announce`) tells its own window by the
channel's `changed` signal and everyone else here: another coder's window, the same
coder's second window or the review window on the same project refresh from the
announcement, without re-reading. Windows of other processes learn of changes by a
cheap poll of their own (`coding_stamp`: the newest history row).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.coding.progress import coding_stamp
from annotator.core.coding.service import Change
from annotator.core.errors import AnnotatorError
from annotator.core.log_file import log_unexpected
from annotator.core.store.location import Location
from annotator.core.store.project import Project
from annotator.ui.settings import location_key


class ProjectChanges(QObject):
    """The process-wide announcer (one, from `announcer()`)."""

    # location key, the channel that wrote (a window's operations), list[Change]
    changed = Signal(str, object, object)


_announcer: ProjectChanges | None = None


def announcer() -> ProjectChanges:
    global _announcer
    if _announcer is None:
        _announcer = ProjectChanges()
    return _announcer


def announce(location: Location, channel: QObject, changes: list[Change]) -> None:
    announcer().changed.emit(location_key(location), channel, changes)


def follow(
    location: Location, own: QObject, react: Callable[[list[Change]], object]
) -> Callable[[], None]:
    """Call `react(changes)` for writes on `location` by any channel but `own`; returns
    the function that stops it (a closing window calls it; `own`'s end does too)."""
    key = location_key(location)

    def heard(where: str, channel: QObject, changes: list[Change]) -> None:
        if where == key and channel is not own:
            react(changes)

    following = [heard]  # emptied by the first stop: a second would warn

    def stop() -> None:
        while following:
            try:
                announcer().changed.disconnect(following.pop())
            except RuntimeError:  # the announcer went first, at the interpreter's end
                return

    announcer().changed.connect(heard)
    own.destroyed.connect(stop)
    return stop


class OutsideChanges(QObject):
    """Polls a project for writes by other processes (another coder's program on a team
    project, the same file opened twice): every POLL_MS, one query for the newest history
    row (`coding_stamp`); `changed` when it moved (this window's own writes move it too,
    so the listener re-reads what it shows and applies only what differs)."""

    POLL_MS = 5000
    changed = Signal()

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.timer = QTimer(self, interval=self.POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self._stamp = self._read()

    def _read(self) -> int | None:
        try:
            return coding_stamp(self.project)
        except AnnotatorError:  # out of reach: the write path says so; look again later
            return None
        except Exception as error:  # unforeseen: said once in the log, and no more polls
            log_unexpected("looking for other programs' changes", error)
            self.timer.stop()
            return None

    def poll(self) -> None:
        stamp = self._read()
        if stamp is None or stamp == self._stamp:
            return
        self._stamp = stamp
        self.changed.emit()

    def stop(self) -> None:
        self.timer.stop()
