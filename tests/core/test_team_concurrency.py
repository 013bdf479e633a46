"""Several coder processes, each its own database role, code one article at the same moment."""

from __future__ import annotations

import sys

import psycopg
import pytest
from sqlalchemy.engine import make_url

from annotator.core.codebook import bundled_codebook
from annotator.core.coding.lookups import list_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from annotator.core.team import roles
from tests.conftest import SAMPLE_TEXTS
from tests.core.test_concurrency import start_worker

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CODERS = 4
ROUNDS = 3

# Each worker waits for the others at a barrier file, then codes every unit of the
# article ROUNDS times (two fields per call, alternating codes) from two threads on
# one project handle, and prints one line per committed change.
WORKER = """
import sys, threading, time, pathlib
from annotator.core.coding import service as coding
from annotator.core.store.project import Project
url, coder, rounds, barrier = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
units = [int(u) for u in sys.argv[5].split(",")]
pathlib.Path(barrier, coder).touch()
while len(list(pathlib.Path(barrier).iterdir())) < int(sys.argv[6]):
    time.sleep(0.01)
codes = ["named_person", "unattributed"]
lines = []
with Project.open(url) as project:
    def work(offset):
        for r in range(rounds):
            for unit in units:
                code = codes[(r + offset) % 2]
                for change in coding.apply_codes(
                    project, coder, unit, {"attribution": code, "claim_type": "fact"}
                ):
                    lines.append(f"{change.unit_id} {change.target} {change.old} {change.new}")
    threads = [threading.Thread(target=work, args=(n,)) for n in (0, 1)]
    for t in threads: t.start()
    for t in threads: t.join()
print("\\n".join(lines))
"""


def test_coders_at_once_lose_and_duplicate_nothing(new_database, tmp_path):
    project = Project.create(new_database, bundled_codebook())
    import_paths(project, SAMPLE_TEXTS)
    first_article = list_units(project)[0].article_key
    units = [u.id for u in list_units(project, first_article)]
    project.close()
    suffix = make_url(new_database).database[-12:]
    names = [f"coder{n}_{suffix}" for n in range(CODERS)]
    for name in names:
        roles.add_member(new_database, name, "pw")
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    try:
        workers = [
            start_worker(
                [
                    sys.executable,
                    str(script),
                    _as(new_database, name),
                    name,
                    str(ROUNDS),
                    str(barrier),
                    ",".join(map(str, units)),
                    str(CODERS),
                ],
            )
            for name in names
        ]
        reported = {}
        for name, worker in zip(names, workers, strict=True):
            out, err = worker.communicate(timeout=300)
            assert (worker.returncode, err) == (0, "")
            reported[name] = [line.split() for line in out.splitlines() if line]
        admin = (
            make_url(new_database)
            .set(drivername="postgresql")
            .render_as_string(hide_password=False)
        )
        with psycopg.connect(admin) as connection:
            for name in names:
                codes = connection.execute(
                    "SELECT code.unit_id, field, code FROM code JOIN coder ON coder.id = coder_id "
                    "WHERE coder.name = %s",
                    [name],
                ).fetchall()
                history = connection.execute(
                    "SELECT target, old, new FROM history WHERE coder = %s ORDER BY id", [name]
                ).fetchall()
                # one code per unit and field: nothing duplicated
                assert sorted((u, f) for u, f, _ in codes) == sorted(
                    (u, f) for u in units for f in ("attribution", "claim_type")
                )
                # every committed change reported by the worker is in history, and only those
                assert len(history) == len(reported[name])
                _check_chains(connection, name, codes)
    finally:
        _drop_roles(new_database, names)


def _check_chains(connection, name, codes) -> None:
    """Per unit and field, each history row's old is the previous one's new; the last, the code."""
    rows = connection.execute(
        "SELECT unit.id, h.target, h.old, h.new FROM history AS h "
        "JOIN article ON article.sha256 = h.article_sha256 "
        "JOIN unit ON unit.article_id = article.id "
        'AND unit.start = h.start AND unit."end" = h."end" '
        "WHERE h.coder = %s ORDER BY h.id",
        [name],
    ).fetchall()
    current: dict[tuple, str | None] = {}
    for unit, target, old, new in rows:
        assert current.get((unit, target)) == old, (unit, target, old, new)
        current[(unit, target)] = new
    assert current == {(u, f): c for u, f, c in codes}


def _drop_roles(url: str, names: list[str]) -> None:
    """Roles belong to the whole server: drop them with the test's database."""
    admin = make_url(url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
        for name in names:
            c.execute(f'DROP ROLE IF EXISTS "{name}"')


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role, password=None).render_as_string(hide_password=False)
