"""A project out of reach for a while is told apart from a refused save (issue 6).

The window keeps and retries actions that failed with `ProjectUnavailable` and drops
(with a message) those that failed for good, so the distinction must be right: a held
write lock or a server that stopped taking connections is "unavailable", and once the
cause is gone the very same call succeeds. (A full disk is a refusal: see
test_bad_projects.test_full_disk.)
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.errors import ProjectUnavailable
from annotator.core.ingest.into_project import import_stdin
from annotator.core.store import db
from annotator.core.store.project import Project


def first_unit(project: Project) -> int:
    return list_units(project)[0].id


def make_file_project(path) -> Project:
    project = Project.create(path, bundled_codebook())
    assert not import_stdin(project, b"The minister resigned. Sources said so.").failures
    return project


@pytest.mark.sqlite_only
def test_held_write_lock_is_unavailable_then_the_same_save_succeeds(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "locked.annotator"
    make_file_project(path).close()
    project = Project.open(path)
    unit = first_unit(project)
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(ProjectUnavailable, match="busy"):
            coding.apply_codes(project, "ana", unit, {"attribution": "named_person"})
        other.execute("ROLLBACK")
    changes = coding.apply_codes(project, "ana", unit, {"attribution": "named_person"})
    assert [(c.target, c.new) for c in changes] == [("attribution", "named_person")]
    assert coding.coder_codes(project, "ana")[unit] == {"attribution": "named_person"}
    project.close()


@pytest.mark.sqlite_only
def test_probe_tells_a_reachable_file_from_a_locked_or_missing_one(tmp_path):
    path = tmp_path / "probe.annotator"
    make_file_project(path).close()
    assert db.probe(path) is None
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        assert "busy" in db.probe(path, timeout_s=0.2)
        other.execute("ROLLBACK")
    assert db.probe(path) is None
    gone = tmp_path / "gone.annotator"
    assert db.probe(gone) is not None
    assert not gone.exists()  # asking never creates a file


@pytest.mark.postgres
def test_server_refusing_connections_is_unavailable_then_the_same_save_succeeds(new_database):
    import psycopg
    from sqlalchemy.engine import make_url

    project = make_file_project(new_database)
    unit = first_unit(project)
    url = make_url(new_database)
    name = url.database
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        server.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        with pytest.raises(ProjectUnavailable, match=r"connection|not accepting"):
            coding.apply_codes(project, "ana", unit, {"attribution": "named_person"})
        assert "not accepting connections" in db.probe(new_database)
        server.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    assert db.probe(new_database) is None
    changes = coding.apply_codes(project, "ana", unit, {"attribution": "named_person"})
    assert [(c.target, c.new) for c in changes] == [("attribution", "named_person")]
    assert coding.coder_codes(project, "ana")[unit] == {"attribution": "named_person"}
    project.close()
