"""The find dialog's queries, run off the GUI thread one at a time, the latest kept.

A retrieval or a full search over a large project takes a noticeable moment; run on
the GUI thread it would freeze the coding window beside the dialog. Each query runs on
the window's worker (`TaskRunner`: its own project handle in the worker thread). Each
tab numbers its requests; a result that a newer request of its tab has overtaken is
dropped, and only the newest waiting request of each tab runs once the worker is free.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from annotator.core.store.location import Location
from annotator.core.store.project import Project
from annotator.ui.tasks import TaskOutcome, TaskRunner

Query = Callable[[Project], object]


class FindQueries(QObject):
    """Runs each tab's newest query in the background; `answered(tab, outcome)` after."""

    answered = Signal(int, object)  # tab, TaskOutcome

    def __init__(self, location: Location, parent: QWidget) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(location, parent)
        self._latest: dict[int, int] = {}  # tab -> number of its newest request
        self._waiting: dict[int, Query] = {}  # tab -> its newest request not yet started
        self._finished = False

    def ask(self, tab: int, query: Query) -> None:
        """Run `query` for `tab` when the worker is free; an older one of `tab` is forgotten."""
        self._latest[tab] = self._latest.get(tab, 0) + 1
        self._waiting[tab] = query
        self._start()

    def _start(self) -> None:
        if self._finished or self.runner.busy or not self._waiting:
            return
        tab, query = next(iter(self._waiting.items()))
        del self._waiting[tab]
        self.runner.start(
            lambda project, _progress: query(project),
            "Finding…",
            partial(self._done, tab, self._latest[tab]),
            dialog=False,
        )

    def _done(self, tab: int, request: int, outcome: TaskOutcome) -> None:
        if self._finished:
            return
        if request == self._latest[tab]:  # not overtaken: shown
            self.answered.emit(tab, outcome)
        self._start()

    def finish(self) -> None:
        """The dialog's window closes: wait for a running query and start no other."""
        self._finished = True
        self._waiting.clear()
        self.runner.wait()
