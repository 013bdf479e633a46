"""One-article paths at scale (issue 29): each against a bare sqlite3 script, same run.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1000,10000] [--large] [--small]

Builds a project per size (articles of about 21 units; three coders who coded every
unit that needs coding) through the project's own bulk paths: `store_articles`, as
`annotator import` stores a CSV batch (segmentation included), and the coding service's
`write_in_batches`, as `annotator suggest` stores codes. Then, for each size, prints:

- open: `Project.open` (first handle, its checks) plus the codebook, against a bare
  connect that reads the schema, the alembic revision and the codebook row;
- key -> commit, median and p99: `coding.apply_codes` of one field (validation, history,
  durable commit) against a bare upsert of the code plus its history row and COMMIT;
- the coding window (scale_window.py): opened until its list and starting article are
  painted, against a bare QListView of every article's title; a coding key in it, median
  and p99, against a bare INSERT + COMMIT;
- `annotator articles`, `annotator code` (one code), `annotator units --article KEY` and
  `annotator info`, each a fresh process, against a fresh `python -c` process running the
  same queries with sqlite3 (so both include an interpreter's start; annotator's also
  the import of SQLModel, which issue 29 accepts as the floor), and against that bare
  script with SQLModel imported first (bare+SQLModel: the floor); then again the time
  each process spent after its imports, timed inside it: the work the command does;
- merge: three coder files of the same size merged into a new project, against a bare
  ATTACH + INSERT ... SELECT of the same rows (bench_merge.py), and both peak memories;
- `annotator agreement` (every field), `annotator suggest` (storing) and `annotator export
  --layout long`, each a fresh process, against pandas + krippendorff, pysbd on the same
  texts and the sqlite3 shell's CSV of the same rows (scale_commands.py), with both
  processes' peak resident memory (VmHWM).

`--large` adds 100,000 articles (about 2.1 million units and 18 million codes, several GB
and over an hour to build): do not run it on a shared machine. `--small` builds 40 articles,
for the test that keeps every benchmark runnable (tests/core/test_benchmarks.py).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bench_merge  # noqa: E402  (beside this file: the merge row)
import scale_commands  # noqa: E402  (beside this file: agreement, suggest and export rows)
import scale_window  # noqa: E402  (beside this file: the window rows)

from annotator.core.codebook import bundled_codebook  # noqa: E402
from annotator.core.coding import service as coding  # noqa: E402
from annotator.core.ingest.into_project import ImportReport, store_articles  # noqa: E402
from annotator.core.ingest.readers import read_bytes  # noqa: E402
from annotator.core.store.models import Article, Origin, Unit  # noqa: E402
from annotator.core.store.project import Project  # noqa: E402

CODERS = ("ann", "bob", "cai")
SENTENCES_PER_ARTICLE = 20  # plus the title: about 21 units
BUILD_BATCH = 500  # articles segmented and stored per call
SAVES = 200  # key -> commit samples per size
COMMAND_RUNS = 5  # fresh processes per command; the median is printed
WORDS = [
    "council",
    "harbour",
    "budget",
    "minister",
    "talks",
    "report",
    "officials",
    "river",
    "port",
    "company",
    "union",
    "court",
    "inquiry",
    "election",
    "hospital",
    "school",
    "tender",
    "contract",
    "farmers",
    "drought",
    "bridge",
    "railway",
    "police",
    "mayor",
    "agency",
    "spokesperson",
    "documents",
    "survey",
    "plan",
    "delay",
    "vote",
]
BARE = {
    "open": "",
    "articles": (
        "rows = c.execute('SELECT a.key, a.title, count(u.id) FROM article a LEFT JOIN unit u"
        " ON u.article_id = a.id GROUP BY a.id ORDER BY a.position, a.id')\n"
        "for key, title, n in rows: print(key, title[:60], n)"
    ),
    "code": (
        "c.execute('BEGIN IMMEDIATE')\n"
        "u = c.execute('SELECT u.id FROM unit u JOIN article a ON a.id = u.article_id"
        " WHERE a.key = ? AND u.idx = 2', (sys.argv[2],)).fetchone()[0]\n"
        "c.execute('INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id,"
        ' coded_at) VALUES (?, 1, "attribution", "anonymous_vague", 1, "")'
        " ON CONFLICT (unit_id, coder_id, field) DO UPDATE SET code = excluded.code', (u,))\n"
        "c.execute('COMMIT')"
    ),
    "units": (
        "rows = c.execute('SELECT u.idx, u.kind, u.text FROM unit u JOIN article a"
        " ON a.id = u.article_id WHERE a.key = ? ORDER BY u.idx', (sys.argv[2],))\n"
        "for row in rows: print(*row)"
    ),
    "info": (
        "for table in ('article', 'unit', 'code', 'coder'):\n"
        "    print(table, c.execute(f'SELECT count(*) FROM {table}').fetchone()[0])\n"
        "print(c.execute('SELECT outlet, count(*) FROM article GROUP BY outlet').fetchall())"
    ),
}
# Each child prints, last on stderr, the seconds its work took after its imports.
BARE_SCRIPT = (
    "import sqlite3, sys, time\n"
    "{floor}"
    "started = time.perf_counter()\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "c.execute('PRAGMA journal_mode = WAL'); c.execute('PRAGMA synchronous = FULL')\n"
    "{body}\n"
    "c.close()\n"
    "print(time.perf_counter() - started, file=sys.stderr)\n"
)
# The floor issue 29 accepts for a single command: the design card's SQLModel imported
# (as annotator's every command imports it) before the bare script's own work.
FLOOR = "import sqlmodel\n"
APP_SCRIPT = (
    "import sys, time\n"
    "from annotator import cli\n"
    "import annotator.cli.coding\n"
    "started = time.perf_counter()\n"
    "status = cli.main(sys.argv[1:])\n"
    "print(time.perf_counter() - started, file=sys.stderr)\n"
    "sys.exit(status)\n"
)


def article_text(rng: random.Random, number: int) -> str:
    """An invented article: a title line and a paragraph of plain sentences."""
    sentences = []
    for _ in range(SENTENCES_PER_ARTICLE):
        words = rng.choices(WORDS, k=rng.randint(8, 18))
        sentences.append(" ".join(words).capitalize() + ", officials said.")
    return f"Report {number} on the {rng.choice(WORDS)}\n\n" + " ".join(sentences) + "\n"


def build(path: Path, articles: int) -> None:
    """A project of `articles` articles coded by three coders, through the bulk paths."""
    rng = random.Random(articles)
    started = time.perf_counter()
    with Project.create(path, bundled_codebook()) as project:
        for first in range(0, articles, BUILD_BATCH):
            parsed = []
            for number in range(first, min(first + BUILD_BATCH, articles)):
                text = article_text(rng, number).encode()
                parsed += read_bytes(text, f"article-{number}.txt").articles
            report = ImportReport()
            store_articles(project, parsed, report)
            assert not report.failures, report.failures[:3]
        codebook = project.codebook
        batch = coding.BatchCode
        units = _units_to_code(project)
        for coder in CODERS:
            coding.write_in_batches(
                project,
                (
                    batch(unit_id, sha, start, end, coder, f.key, rng.choice(f.categories).code)
                    for unit_id, sha, start, end in units
                    for f in codebook.unit_fields
                    if f.when is None
                ),
                origin=Origin.IMPORT,
                size=50_000,
            )
    print(f"  built in {time.perf_counter() - started:.0f} s, {path.stat().st_size >> 20} MB")


def _units_to_code(project: Project) -> list[tuple]:
    """(id, article sha256, start, end) of every unit that needs coding."""
    kinds = list(project.codebook.coded_kinds)
    with project.reading() as session:
        return list(
            session.exec(
                select(Unit.id, Article.sha256, Unit.start, Unit.end)
                .join(Article, col(Article.id) == Unit.article_id)
                .where(col(Unit.kind).in_(kinds))
                .order_by(col(Unit.id))
            ).all()
        )


def median(values: list[float]) -> float:
    return statistics.median(values)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def open_times(path: Path) -> tuple[list[float], list[float]]:
    def app() -> None:
        with Project.open(path) as project:
            project.codebook  # noqa: B018

    def bare() -> None:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("SELECT name FROM sqlite_master").fetchall()
            conn.execute("SELECT version_num FROM alembic_version").fetchall()
            latest = "SELECT definition FROM codebook_version ORDER BY id DESC LIMIT 1"
            conn.execute(latest).fetchone()

    return timed(app, 5), timed(bare, 5)


def key_times(path: Path, saves: int) -> tuple[list[float], list[float]]:
    """One code per key press on units spread over the whole project, app vs bare."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        units = [row[0] for row in conn.execute("SELECT id FROM unit WHERE kind = 'sentence'")]
    rng = random.Random(1)
    picks = [rng.choice(units) for _ in range(saves)]
    codes = ("named_person", "anonymous_vague", "named_organisation")
    app = []
    with Project.open(path) as project:
        for number, unit_id in enumerate(picks):
            start = time.perf_counter()
            coding.apply_codes(project, "ann", unit_id, {"attribution": codes[number % 3]})
            app.append(time.perf_counter() - start)
    bare = []
    now = datetime.now(UTC).isoformat()
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
            conn.execute(f"PRAGMA {pragma}")
        coder = conn.execute("SELECT id FROM coder WHERE name = 'bob'").fetchone()[0]
        for number, unit_id in enumerate(picks):
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id, coded_at)"
                " VALUES (?, ?, 'attribution', ?, 1, ?) ON CONFLICT (unit_id, coder_id, field)"
                " DO UPDATE SET code = excluded.code, coded_at = excluded.coded_at",
                (unit_id, coder, codes[(number + 1) % 3], now),
            )
            conn.execute(
                'INSERT INTO history (article_sha256, start, "end", coder, target, old, new,'
                " origin, at) SELECT a.sha256, u.start, u.end, 'bob', 'attribution', NULL, ?,"
                " 'bench', ? FROM unit u JOIN article a ON a.id = u.article_id WHERE u.id = ?",
                (codes[(number + 1) % 3], now, unit_id),
            )
            conn.execute("COMMIT")
            bare.append(time.perf_counter() - start)
    return app, bare


COMMANDS = {
    "articles": "`annotator articles`",
    "code": "`annotator code`",
    "units": "`units --article KEY`",
    "info": "`annotator info`",
}
"""The commands measured as processes of their own, with their rows' labels."""


def command_argv(command: str, location: str, coder: str, key: str) -> list[str]:
    """The command line of one of COMMANDS on `location` (a file or a server URL)."""
    return {
        "articles": ["articles", location],
        "code": ["code", location, "--coder", coder, f"{key}#2", "attribution=named_person"],
        "units": ["units", location, "--article", key],
        "info": ["info", location],
    }[command]


def process_times(*commands: list[str], runs: int) -> list[list[tuple[float, float]]]:
    """(wall time of the process, time of its work after its imports, which the process
    prints last on stderr) of each run of each command, taken in turn, so that the
    machine's load hits all alike."""

    def run(args: list[str]) -> tuple[float, float]:
        start = time.perf_counter()
        done = subprocess.run(
            args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
        )
        wall = time.perf_counter() - start
        return wall, float(done.stderr.decode().split()[-1])

    rounds = [[run(command) for command in commands] for _ in range(runs)]
    return [list(times) for times in zip(*rounds, strict=True)]


def command_rows(times: Callable[[str], list[list[tuple[float, float]]]]) -> None:
    """A row per one of COMMANDS from `times` (annotator's runs, the bare script's and the
    bare script's with SQLModel imported): the processes' wall times, the ratio to bare
    and to bare with the floor, then the work after the imports alone."""
    ms = 1000
    print(
        f"  {'':<24} {'annotator':>12} {'bare':>12} {'ratio':>8}"
        f" {'bare+SQLModel':>14} {'ratio':>7}   after the imports:"
    )
    for command, label in COMMANDS.items():
        app, bare, floor = (
            (median([run[0] for run in runs]), median([run[1] for run in runs]))
            for runs in times(command)
        )
        print(
            f"  {label:<24} {app[0] * ms:9.1f} ms {bare[0] * ms:9.1f} ms"
            f" {app[0] / bare[0]:7.1f}x {floor[0] * ms:11.1f} ms {app[0] / floor[0]:6.1f}x"
            f"   {app[1] * ms:8.1f} ms {bare[1] * ms:8.1f} ms {app[1] / bare[1]:7.1f}x"
        )


def command_times(path: Path, command: str, runs: int) -> list[list[tuple[float, float]]]:
    """(wall time of the process, time of its work after its imports) of each run, for
    the command, its bare script, and its bare script with SQLModel imported."""
    key = "article-1"
    app = [sys.executable, "-c", APP_SCRIPT, *command_argv(command, str(path), "cai", key)]
    bare, floor = (
        [sys.executable, "-c", BARE_SCRIPT.format(body=BARE[command], floor=f), str(path), key]
        for f in ("", FLOOR)
    )
    return process_times(app, bare, floor, runs=runs)


def row(name: str, app: float, bare: float, work: tuple[float, float] | None = None) -> None:
    """One line; for a command also the time of its work alone, after its imports."""
    ms = 1000
    line = f"  {name:<24} {app * ms:9.1f} ms {bare * ms:9.1f} ms {app / bare:7.1f}x"
    if work is not None:
        line += f"   {work[0] * ms:8.1f} ms {work[1] * ms:8.1f} ms {work[0] / work[1]:7.1f}x"
    print(line)


def measure(path: Path, saves: int, runs: int) -> None:
    print(f"  {'':<24} {'annotator':>12} {'bare':>12} {'ratio':>8}   after the imports:")
    app, bare = open_times(path)
    row("open", median(app), median(bare))
    app, bare = key_times(path, saves)
    row("key -> commit, median", median(app), median(bare))
    row("key -> commit, p99", p99(app), p99(bare))
    app, bare = scale_window.process_times(path, min(runs, 3))
    row("window, from process start", median(app), median(bare))
    app, bare, counted = scale_window.open_times(path, min(runs, 3))
    row("window: list and article", median(app), median(bare))
    row("window: sums counted", median(counted), median(bare))
    app, bare = scale_window.key_times(path, saves)
    row("window: key, median", median(app), median(bare))
    row("window: key, p99", p99(app), p99(bare))
    command_rows(lambda command: command_times(path, command, runs))


def merge_row(size: int) -> None:
    """Three coder files of `size` articles merged into a new project, against a bare
    ATTACH + INSERT ... SELECT of the same rows (bench_merge.py), with peak memory."""
    results = bench_merge.merge_times(size)
    (app, app_peak), (bare, bare_peak) = results["annotator"], results["bare"]
    row("merge of 3 coder files", app, bare)
    mb = 1_000_000
    print(f"  {'  peak memory':<24} {app_peak / mb:9.1f} MB {bare_peak / mb:9.1f} MB")


# The groups of rows --parts picks: the paths that touch one article (open, keys, the
# window, the one-article commands), the merge, and each whole-project command.
PARTS = ("paths", "merge", *scale_commands.COMMANDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="articles per project")
    parser.add_argument("--large", action="store_true", help="also 100,000 articles")
    parser.add_argument("--small", action="store_true", help="one project of 40 articles")
    parser.add_argument("--keep", type=Path, help="build the projects in this folder and keep them")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"which rows to measure, of {','.join(PARTS)} (all by default; at 100,000 "
        "articles `suggest` and its bare pysbd alone take most of an hour)",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if parts - set(PARTS):
        parser.error(f"--parts: choose among {','.join(PARTS)}")
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.large:
        sizes.append(100_000)
    saves, runs = SAVES, COMMAND_RUNS
    if args.small:
        sizes, saves, runs = [40], 20, 1
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        for size in sizes:
            path = folder / f"scale-{size}.annotator"
            print(f"\n{size:,} articles")
            if not path.exists():
                build(path, size)
            if "paths" in parts:
                measure(path, saves, runs)
            if "merge" in parts:
                merge_row(size)
            scale_commands.rows(path, row, parts)


if __name__ == "__main__":
    main()
