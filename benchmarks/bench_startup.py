"""Start-up of the command line, printed as ratios against bare Python measured in this run.

    .venv/bin/python benchmarks/bench_startup.py [--runs 15]

1. `annotator --version` against a bare `python -c "import sqlite3, argparse"`
   (target: at most 3 times).
2. One `annotator code` (open the project, check the code against the codebook, write it
   with its history row, commit) against a bare sqlite3 insert-and-commit into a
   throw-away file, also in a fresh interpreter (target: at most 8 times).
3. The floor under 2: a fresh interpreter that only imports the ORM the write path is
   built on (SQLModel, with SQLAlchemy and pydantic, and the project's table models),
   against the same bare insert. No `annotator code` can be faster than that.

Each figure is the median of --runs fresh processes, the two sides run alternately, so
that a machine busy with other work slows both alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANNOTATOR = [str(Path(sys.executable).parent / "annotator")]  # the installed entry point
BARE_IMPORT = [sys.executable, "-c", "import sqlite3, argparse"]
BARE_INSERT = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("PRAGMA journal_mode=WAL")
connection.execute("PRAGMA synchronous=FULL")
connection.execute("CREATE TABLE IF NOT EXISTS code (unit INTEGER, coder TEXT, field TEXT,"
                   " value TEXT, PRIMARY KEY (unit, coder, field))")
connection.execute("INSERT OR REPLACE INTO code VALUES (2, 'alice', 'claim_type', ?)",
                   (sys.argv[2],))
connection.commit()
connection.close()
"""
ORM_IMPORT = [sys.executable, "-c", "import sqlmodel, annotator.core.store.models"]
ARTICLE = "Harbor deal\n\nThe mayor said the deal was signed. Officials expect more ships.\n"


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def alternate(*sides: list[list[str]], runs: int) -> list[float]:
    """Median seconds of each side over `runs`, one of each in turn (commands cycle)."""
    times: list[list[float]] = [[] for _ in sides]
    for run in range(runs):
        for side, commands in zip(times, sides, strict=True):
            side.append(timed(commands[run % len(commands)]))
    return [statistics.median(side) for side in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs

    version, bare_start = alternate([[*ANNOTATOR, "--version"]], [BARE_IMPORT], runs=runs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = folder / "bench.annotator"
        (folder / "harbor-deal.txt").write_text(ARTICLE, encoding="utf-8")
        subprocess.run([*ANNOTATOR, "new", project], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [*ANNOTATOR, "import", project, folder / "harbor-deal.txt"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # Alternate two codes so that every run changes the unit (an unchanged code
        # writes nothing).
        codes = [
            [
                *ANNOTATOR,
                "code",
                str(project),
                "--coder",
                "alice",
                "harbor-deal#2",
                f"claim_type={c}",
            ]
            for c in ("fact", "evaluation")
        ]
        bare_file = str(folder / "bare.sqlite")
        inserts = [[sys.executable, "-c", BARE_INSERT, bare_file, c] for c in ("fact", "eval")]
        code, bare_insert, floor = alternate(codes, inserts, [ORM_IMPORT], runs=runs)

    print(f"runs (median of each): {runs}")
    print(f"bare python -c 'import sqlite3, argparse': {bare_start * 1000:7.1f} ms")
    print(f"annotator --version:                      {version * 1000:7.1f} ms")
    print(f"ratio --version / bare start:             {version / bare_start:7.2f}  (target <= 3)")
    print(f"bare sqlite3 insert + commit (process):   {bare_insert * 1000:7.1f} ms")
    print(f"annotator code (one unit, one field):     {code * 1000:7.1f} ms")
    print(f"ratio code / bare insert:                 {code / bare_insert:7.2f}  (target <= 8)")
    print(f"importing the ORM and models alone:       {floor * 1000:7.1f} ms")
    print(f"ratio ORM import / bare insert (floor):   {floor / bare_insert:7.2f}")


if __name__ == "__main__":
    main()
