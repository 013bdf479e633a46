"""Codes per second with 1, 4 and 16 concurrent coder processes on PostgreSQL, beside SQLite.

    .venv/bin/python benchmarks/bench_team.py [--server URL] [--saves 200]

URL is a PostgreSQL role that may create databases and roles (default:
$ANNOTATOR_TEST_DATABASE_URL). Each run makes a fresh database, imports the sample
articles and adds one team role per coder; every coder process then waits at a start
line and saves `--saves` codes through coding.apply_codes (validation, history, commit),
each as its own role under row-level security. The figure is all saves divided by the
wall time from the start line to the last commit. The SQLite line is one process
saving into a project file (WAL, synchronous=FULL), the single-analyst case.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from annotator.core.codebook import bundled_codebook  # noqa: E402
from annotator.core.coding.lookups import list_units  # noqa: E402
from annotator.core.ingest.into_project import import_paths  # noqa: E402
from annotator.core.store.project import Project  # noqa: E402
from annotator.core.team import roles  # noqa: E402

SAMPLES = sorted((ROOT / "tests" / "data").glob("*.txt"))
CODES = ("named_person", "unattributed", "anonymous_generic")
WORKER = """
import sys, time
sys.path.insert(0, {root!r})
from annotator.core.coding import service as coding
from annotator.core.store.project import Project
url, coder, saves = sys.argv[1], sys.argv[2], int(sys.argv[3])
units = [int(u) for u in sys.argv[4].split(",")]
codes = {codes!r}
with Project.open(url, backups=False) as project:
    project.codebook
    print("ready", flush=True)
    start = float(sys.stdin.readline())  # the same moment for every coder
    time.sleep(max(0.0, start - time.time()))
    for n in range(saves):
        coding.apply_codes(project, coder, units[n % len(units)], {{"attribution": codes[n % 3]}})
print(time.time())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get("ANNOTATOR_TEST_DATABASE_URL"))
    parser.add_argument("--saves", type=int, default=200, help="saves per coder process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder, "worker.py")
        script.write_text(WORKER.format(root=str(ROOT), codes=CODES))
        file = Path(folder, "alone.annotator")
        units = _prepare(file)
        alone = _run(script, [(str(file), "alice")], units, args.saves)
        print(f"SQLite file, 1 coder:         {alone:8.0f} codes/s   (the baseline)")
        if not args.server:
            print("PostgreSQL: no --server or ANNOTATOR_TEST_DATABASE_URL; skipped")
            return
        for coders in (1, 4, 16):
            rate = _on_server(args.server, script, coders, args.saves)
            print(
                f"PostgreSQL, {coders:2d} coder(s) at once: {rate:8.0f} codes/s"
                f"   ratio {rate / alone:5.2f}x the SQLite figure"
            )


def _prepare(location) -> str:
    with Project.create(location, bundled_codebook()) as project:
        import_paths(project, SAMPLES)
        return ",".join(str(u.id) for u in list_units(project))


def _on_server(server: str, script: Path, coders: int, saves: int) -> float:
    admin = make_url(server).set(drivername="postgresql")
    name = f"annotator_bench_{uuid.uuid4().hex[:8]}"
    libpq = admin.render_as_string(hide_password=False)
    url = admin.set(drivername="postgresql+psycopg", database=name)
    members = [f"bench{n}_{name[-8:]}" for n in range(coders)]
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        units = _prepare(url.render_as_string(hide_password=False))
        for member in members:
            roles.add_member(url.render_as_string(hide_password=False), member, "bench")
        jobs = [
            (url.set(username=m, password=None).render_as_string(hide_password=False), m)
            for m in members
        ]
        return _run(script, jobs, units, saves)
    finally:
        with psycopg.connect(libpq, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for member in members:
                connection.execute(f'DROP ROLE IF EXISTS "{member}"')


def _run(script: Path, jobs: list[tuple[str, str]], units: str, saves: int) -> float:
    """Start every coder at one moment, once all have opened the project (so that starting
    Python and importing do not count); all saves / (last finish - start)."""
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), location, coder, str(saves), units],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for location, coder in jobs
    ]
    for worker in workers:
        if worker.stdout.readline().strip() != "ready":
            raise SystemExit("a coder process failed before it was ready")
    start = time.time() + 0.2
    for worker in workers:
        worker.stdin.write(f"{start}\n")
        worker.stdin.flush()
    finished = []
    for worker in workers:
        out, _ = worker.communicate(timeout=600)  # also closes stdin
        if worker.returncode:
            raise SystemExit(f"a coder process failed (exit {worker.returncode})")
        finished.append(float(out.strip().splitlines()[-1]))
    return saves * len(jobs) / (max(finished) - start)


if __name__ == "__main__":
    main()
