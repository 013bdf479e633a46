"""A process coding in a burst is killed with SIGKILL: nothing it reported as saved is lost.

The worker prints "saving ..." before each call to the coding service and "saved ..."
only after the call returned (after the commit), as the GUI's status line would.
At most one save, the one in flight, may or may not have landed; everything else must
be exactly as reported, with one history row per save, and the file must pass SQLite's
integrity check (issue 7).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from tests.core.test_concurrency import history_by_unit, project_codes, start_worker

# Killed writers and the SQLite journal; the server case is in test_team_concurrency.
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]

BURST = textwrap.dedent(
    """
    import sys
    from annotator.core.coding import service as coding
    from annotator.core.store.project import Project
    from annotator.core.coding.lookups import list_units

    path, coder, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    project = Project.open(path)
    units = [u.id for u in list_units(project)]
    fields = [f for f in project.codebook.unit_fields if f.when is None]  # asked of every unit
    for round_ in range(rounds):
        for index, unit in enumerate(units):
            for field in fields:
                code = field.categories[(round_ + index) % len(field.categories)].code
                print(f"saving {unit} {field.key} {code}", flush=True)
                coding.apply_codes(project, coder, unit, {field.key: code})
                print(f"saved {unit} {field.key} {code}", flush=True)
    project.close()
    """
)


def integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def kill_after(process: subprocess.Popen, saves: int) -> list[str]:
    """Read the worker's lines until it reported `saves` saves, SIGKILL it, return all lines."""
    lines = []
    while sum(line.startswith("saved") for line in lines) < saves:
        line = process.stdout.readline()
        assert line, f"worker ended early: {process.stderr.read()}"
        lines.append(line.rstrip("\n"))
    os.killpg(process.pid, signal.SIGKILL)
    rest = drain(process)
    return lines + complete_lines(rest)


def state_after(lines: list[str], prefix: str) -> dict[tuple[int, str], str]:
    state = {}
    for line in lines:
        if line.startswith(prefix + " "):
            _, unit, field, code = line.split()
            state[(int(unit), field)] = code
    return state


@pytest.mark.slow
def test_killed_burst_loses_no_reported_save(tmp_path, sample_project):
    path = sample_project.path
    sample_project.close()
    script = tmp_path / "burst.py"
    script.write_text(BURST)
    chance = random.Random()
    for run in range(4):
        coder = f"burst{run}"
        target = chance.randint(1, 120)
        worker = start_worker([sys.executable, str(script), str(path), coder, "3"])
        lines = kill_after(worker, target)

        saved = [line for line in lines if line.startswith("saved ")]
        reported = state_after(saved, "saved")
        in_flight = lines[-1] if lines[-1].startswith("saving ") else None
        possible = [reported]
        if in_flight is not None:
            possible.append({**reported, **state_after([in_flight], "saving")})
        found = {
            (unit, field): code
            for (unit, name, field), code in project_codes(path).items()
            if name == coder
        }
        history = [row for row in history_by_unit(path) if row[1] == coder]
        assert integrity(path) == "ok"
        assert found in possible, (
            f"run {run}: killed after {len(saved)} saves; "
            f"unexpected: {set(found.items()) ^ set(reported.items())}; last lines: {lines[-3:]}"
        )
        landed = len(saved) + (found != reported)
        assert len(history) == landed
        expected = [tuple(line.split()[1:]) for line in lines if line.startswith("saving ")]
        assert [(str(u), f, new) for u, _, f, _, new in history] == expected[:landed]


CLI_UNITS = ["border-talks#2", "border-talks#3", "border-talks#4", "harbor-deal#2"] + [
    f"vaccine-plant#{i}" for i in range(2, 8)
]


@pytest.mark.slow
def test_killed_command_line_loop_loses_no_reported_save(tmp_path, sample_project):
    path = sample_project.path
    sample_project.close()
    loop = " ".join(
        f'"$PY" -m annotator code "$P" --coder cli "{unit}" attribution=named_person;'
        for unit in CLI_UNITS
    )
    shell = start_worker(["bash", "-c", loop], env={"PY": sys.executable, "P": str(path)})
    lines = kill_after_cli(shell, 3)
    saved_units = [line.split(":")[0] for line in lines if line.endswith("(saved)")]
    assert len(saved_units) >= 3
    with closing(sqlite3.connect(path)) as conn:
        coded = conn.execute(
            "SELECT article.key || '#' || unit.idx FROM code JOIN unit ON unit.id = unit_id "
            "JOIN article ON article.id = unit.article_id JOIN coder ON coder.id = coder_id "
            "WHERE coder.name = 'cli' AND field = 'attribution' AND code = 'named_person'"
        ).fetchall()
        history = conn.execute("SELECT count(*) FROM history WHERE coder = 'cli'").fetchone()[0]
    coded = {key for (key,) in coded}
    assert set(saved_units) <= coded
    assert len(coded) - len(saved_units) in (0, 1)  # at most the one in flight
    assert history == len(coded)
    assert integrity(path) == "ok"


def kill_after_cli(process: subprocess.Popen, saves: int) -> list[str]:
    lines = []
    while sum(line.endswith("(saved)") for line in lines) < saves:
        line = process.stdout.readline()
        assert line, f"command loop ended early: {process.stderr.read()}"
        lines.append(line.rstrip("\n"))
    os.killpg(process.pid, signal.SIGKILL)
    rest = drain(process)
    return lines + complete_lines(rest)


def drain(process: subprocess.Popen) -> str:
    """What the killed process wrote that we have not read yet.

    Read through `process.stdout` itself: `communicate()` reads the pipe's file
    descriptor directly and would skip lines already sitting in this reader's buffer.
    """
    rest = process.stdout.read()
    process.stdout.close()
    process.stderr.close()
    process.wait()
    return rest


def complete_lines(text: str) -> list[str]:
    """Lines the killed process finished writing (a cut-off last line does not count)."""
    return [line[:-1] for line in text.splitlines(keepends=True) if line.endswith("\n")]
