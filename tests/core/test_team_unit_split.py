"""On a server, `unit split` and a coder's save take turns (issue 21): the split's "nobody
coded it" check and its cut hold a lock that a save of the same unit waits for, and the
other way round, so no code ever lands on text other than what the save recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg
import pytest
from sqlalchemy.engine import make_url

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.errors import CodingError
from annotator.core.ingest import corrections
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from tests.conftest import SAMPLE_TEXTS

pytestmark = pytest.mark.postgres


@pytest.fixture
def server_project(new_database):
    project = Project.create(new_database, bundled_codebook())
    import_paths(project, SAMPLE_TEXTS[:1])
    unit = next(u for u in list_units(project) if u.kind == "sentence" and " " in u.text)
    yield project, unit
    project.close()


class Run(threading.Thread):
    """`work` on a thread of its own, keeping what it returned or raised."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self.work, self.result, self.error = work, None, None

    def run(self) -> None:
        try:
            self.result = self.work()
        except Exception as error:  # handed to the test, which checks it
            self.error = error


def waits_for_a_lock(url: str, run: Run) -> bool:
    """Whether `run` came to wait for a lock in this database (True), or ended first."""
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as watcher:
        while run.is_alive():
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_catalog.pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if waiting and waiting[0]:
                return True
            run.join(0.01)  # a turn for the thread; the loop ends when it waits or ends
    return False


def cut_of(unit) -> int:
    return unit.start + unit.text.index(" ") + 1


def test_a_split_waits_for_a_save_in_progress_and_then_refuses(server_project):
    project, unit = server_project
    with Project.open(project.path) as splitter:
        with coding.writing(project, origin="test") as writer:
            writer.set_codes("alice", unit.id, {"attribution": "named_person"})
            split = Run(lambda: corrections.split_unit(splitter, unit.id, cut_of(unit)))
            split.start()
            assert waits_for_a_lock(str(project.path), split), "the split did not wait"
        split.join()
    assert isinstance(split.error, CodingError), split.error
    assert "has codes or notes" in str(split.error)
    (after,) = [u for u in list_units(project) if u.id == unit.id]
    assert (after.start, after.end) == (unit.start, unit.end)


def test_a_save_waits_for_a_split_in_progress_and_records_the_cut_unit(server_project, monkeypatch):
    project, unit = server_project
    inside, go_on = threading.Event(), threading.Event()
    cut = corrections._trimmed_cut

    def paused(*args):  # the split has checked and holds its lock: let the save come
        inside.set()
        go_on.wait()
        return cut(*args)

    monkeypatch.setattr(corrections, "_trimmed_cut", paused)
    with Project.open(project.path) as coder_side:
        split = Run(lambda: corrections.split_unit(project, unit.id, cut_of(unit)))
        split.start()
        inside.wait()
        save = Run(
            lambda: coding.code_unit(coder_side, "alice", unit.id, "attribution", "named_person")
        )
        save.start()
        assert waits_for_a_lock(str(project.path), save), "the save did not wait"
        go_on.set()
        split.join()
        save.join()
    assert split.error is None and save.error is None, (split.error, save.error)
    (after,) = [u for u in list_units(project) if u.id == unit.id]
    assert after.end < unit.end  # cut
    (recorded,) = coding.unit_history(project, unit.id)
    assert (recorded.start, recorded.end) == (after.start, after.end)
