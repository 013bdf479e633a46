"""Two processes code in one project file at the same time (issue 7).

Each uses its own coder name and also a coder both share, on the same and on different
units. BEGIN IMMEDIATE and the busy timeout must make this error-free: no message on
stderr, every reported change in the database, one history row per change, and for the
shared coder a history whose changes chain (each old value is the previous new one),
which is what serialised writes look like.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WORKER = textwrap.dedent(
    """
    import os, random, sys, threading, time
    from annotator.core.coding import service as coding
    from annotator.core.store.project import Project
    from annotator.core.coding.lookups import list_units

    path, coder, seconds, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    chance = random.Random(seed)
    project = Project.open(path)
    units = [u.id for u in list_units(project)]
    mine = units[seed % 2 :: 2]  # each process also has units the other never touches
    fields = [f for f in project.codebook.unit_fields if f.when is None]  # asked of every unit
    if os.environ.get("START_BARRIER"):  # "ready", wait for a line; code until the next one
        print("ready", flush=True)
        sys.stdin.readline()
        stop = threading.Event()
        threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
        running = lambda: not stop.is_set()
    else:
        end = time.monotonic() + seconds
        running = lambda: time.monotonic() < end
    attempts = 0
    while running() or attempts < 200:  # enough saves even on a loaded machine
        attempts += 1
        who = chance.choice([coder, "shared"])
        unit = chance.choice(units if who == "shared" else chance.choice([units, mine]))
        field = chance.choice(fields)
        code = chance.choice(field.categories).code
        for change in coding.apply_codes(project, who, unit, {field.key: code}):
            print("saved", who, unit, change.target, change.old or "-", change.new, flush=True)
    project.close()
    """
)


def start_worker(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """A child process in its own process group (so a kill reaches a shell's children)."""
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def project_codes(path: Path) -> dict[tuple[int, str, str], str]:
    """(unit id, coder, field) -> code, read with plain sqlite3."""
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT unit_id, coder.name, field, code FROM code JOIN coder ON coder.id = coder_id"
        ).fetchall()
    return {(unit, coder, field): code for unit, coder, field, code in rows}


def history_by_unit(path: Path) -> list[tuple[int, str, str, str | None, str | None]]:
    """History rows in order as (unit id, coder, target, old, new)."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT unit.id, h.coder, h.target, h.old, h.new FROM history AS h "
            "JOIN article ON article.sha256 = h.article_sha256 "
            "JOIN unit ON unit.article_id = article.id AND unit.start = h.start "
            'AND unit."end" = h."end" ORDER BY h.id'
        ).fetchall()


@pytest.mark.sqlite_only  # reads the file directly
@pytest.mark.slow
def test_two_processes_code_at_once_without_errors_or_loss(tmp_path, sample_project):
    path = sample_project.path
    sample_project.close()
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    workers = [
        start_worker([sys.executable, str(script), str(path), f"proc{seed}", "3", str(seed)])
        for seed in (0, 1)
    ]
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert (worker.returncode, err) == (0, "")
        reports.append([line.split()[1:] for line in out.splitlines()])

    codes = project_codes(path)
    history = history_by_unit(path)
    for seed, report in enumerate(reports):
        coder = f"proc{seed}"
        own = [(int(u), c, f, None if o == "-" else o, n) for c, u, f, o, n in report if c == coder]
        assert len(own) > 50, "too few saves to say anything"
        assert [row for row in history if row[1] == coder] == own  # complete, in order
        last = {(u, c, f): n for u, c, f, _, n in own}
        assert {k: v for k, v in codes.items() if k[1] == coder} == last

    shared = [row for row in history if row[1] == "shared"]
    reported_shared = sum(1 for report in reports for line in report if line[0] == "shared")
    assert len(shared) == reported_shared > 20
    latest: dict[tuple[int, str], str | None] = {}
    for unit, _, field, old, new in shared:
        assert old == latest.get((unit, field)), "a change was lost or applied twice"
        latest[(unit, field)] = new
    assert {k: v for k, v in codes.items() if k[1] == "shared"} == {
        (unit, "shared", field): code for (unit, field), code in latest.items()
    }
