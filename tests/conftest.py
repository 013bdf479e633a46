"""Shared fixtures: real projects built through the core, never hand-written tables.

With ANNOTATOR_TEST_DATABASE_URL set (a PostgreSQL server URL of a role that may
CREATE DATABASE, e.g. postgresql://postgres@127.0.0.1:5432/postgres), the project
fixtures make each test a fresh database on that server instead of a file, so the
same tests check both back ends; that run leaves out the tests that make no
project. Tests marked `postgres` need the server: without one they skip, except
under CI (CI=true), where a missing server is a failure. Tests marked `sqlite_only`
are about SQLite files themselves and always get files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from annotator.core.codebook import bundled_codebook
from annotator.core.store.project import Project

# Unexpected errors are logged (annotator.core.log_file): never into the user's own log
# folder, here or in the processes the tests start.
os.environ["ANNOTATOR_LOG_DIR"] = tempfile.mkdtemp(prefix="annotator-test-logs-")

# Hypothesis keeps no example database: a failure it once found in one clone must not make
# that clone's suite fail on every run while a fresh clone passes. A failure it finds is
# printed with its example, which goes into the test as an @example, the same everywhere.
hypothesis_settings.register_profile("annotator", database=None)
hypothesis_settings.load_profile("annotator")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_TEXTS = sorted(DATA.glob("*.txt"))
SERVER_VARIABLE = "ANNOTATOR_TEST_DATABASE_URL"
PROJECT_FIXTURES = {
    "empty_project",
    "sample_project",
    "project_location",
    "module_project_location",
}


def one_article_project(location, folder: Path, key: str, text: str) -> Project:
    """A new project (bundled codebook, `claim_type` the only measured field) holding one
    article invented by the test, imported from `folder/key.txt`; the caller closes it."""
    from annotator.core.coding.measured_fields import set_left_out_fields
    from annotator.core.ingest.into_project import import_paths

    source = folder / f"{key}.txt"
    source.write_text(text, encoding="utf-8")
    project = Project.create(location, bundled_codebook())
    assert not import_paths(project, [source]).failures
    set_left_out_fields(
        project, [f.key for f in project.codebook.coded_fields if f.key != "claim_type"]
    )
    return project


def run_annotator(*args: str) -> subprocess.CompletedProcess:
    """The command line in a process of its own, as another program would run it."""
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )


def server_admin_url() -> str | None:
    return os.environ.get(SERVER_VARIABLE) or None


def pytest_collection_modifyitems(config, items) -> None:
    """On a server run, keep only the tests a server changes: project fixtures and `postgres`."""
    if server_admin_url() is None:
        return
    kept, dropped = [], []
    for item in items:
        uses_server = PROJECT_FIXTURES & set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("postgres") or (
            uses_server and not item.get_closest_marker("sqlite_only")
        ):
            kept.append(item)
        else:
            dropped.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def server_url() -> str:
    """The admin URL of the test server; skips (fails under CI) when there is none."""
    url = server_admin_url()
    if url is None:
        message = f"no PostgreSQL server: set {SERVER_VARIABLE} to run this test"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI must provide one; see .ci/run)")
        pytest.skip(message)
    return url


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped on exit. Yields its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(server_url).set(drivername="postgresql")
    name = f"annotator_test_{uuid.uuid4().hex[:12]}"
    libpq = admin.render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(libpq, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def new_database(server_url: str):
    """A fresh, empty database on the test server; dropped afterwards. Yields its URL."""
    with fresh_database(server_url) as url:
        yield url


def _locations(request, folder: Path) -> Iterator:
    made: dict[str, str] = {}
    with ExitStack() as cleanup:

        def location(file_name: str):
            if server_admin_url() is None or request.node.get_closest_marker("sqlite_only"):
                return folder / file_name
            if file_name not in made:
                url = request.getfixturevalue("server_url")
                made[file_name] = cleanup.enter_context(fresh_database(url))
            return made[file_name]

        yield location


@pytest.fixture
def project_location(request, tmp_path: Path):
    """Where a test's project goes: a fresh server database on a server run, else a file.

    Like file names, the same name gives the same location and another name another one.
    """
    yield from _locations(request, tmp_path)


@pytest.fixture(scope="module")
def module_project_location(request, tmp_path_factory):
    """`project_location` for a project built once and shared by a module's tests."""
    yield from _locations(request, tmp_path_factory.mktemp("projects"))


@pytest.fixture
def empty_project(project_location):
    project = Project.create(project_location("empty.annotator"), bundled_codebook())
    yield project
    project.close()


@pytest.fixture
def sample_project(project_location):
    """The three sample articles imported with the default codebook."""
    from annotator.core.ingest.into_project import import_paths

    project = Project.create(project_location("samples.annotator"), bundled_codebook())
    report = import_paths(project, SAMPLE_TEXTS)
    assert not report.failures
    yield project
    project.close()


@pytest.fixture(autouse=True)
def _collect_what_the_test_left() -> Iterator[None]:
    """After each test on a server run, collect its garbage, so a connection the test left open is
    reported (as the ResourceWarning that fails it) against that test, not against
    whichever later test the collector happens to run in."""
    yield
    if server_admin_url() is not None:  # psycopg warns of an unclosed connection; sqlite3 not
        import gc

        gc.collect()
