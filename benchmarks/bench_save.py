"""Saving, opening and memory figures for issue 7, printed as ratios against bare SQLite.

    .venv/bin/python benchmarks/bench_save.py [--saves 500] [--articles 10000] [--codes 1000000]

1. One save through coding.apply_codes (validation, history, commit) against a bare
   sqlite3 upsert + COMMIT into the same `code` table (a copy of the project file, same
   pragmas: WAL, synchronous=FULL), median and 99th percentile.
2. Opening a project of 10,000 articles and 300,000 units: Project.open plus listing the
   articles, against a bare connect + SELECT count(*). Above backup.SMALL_PROJECT_BYTES
   an open copies and checks nothing (issue 29); what a backup (copy + quick check of
   the copy) and a quick check of the file would cost is printed apart.
3. Resident memory of a process that has opened the project holding 1,000,000 codes,
   against a bare interpreter (VmRSS from /proc/self/status, in fresh processes).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.core.codebook import bundled_codebook  # noqa: E402
from annotator.core.coding import lookups  # noqa: E402
from annotator.core.coding import service as coding  # noqa: E402
from annotator.core.ingest.into_project import import_paths  # noqa: E402
from annotator.core.store import backup, db  # noqa: E402
from annotator.core.store.project import Project  # noqa: E402

SENTENCE = "Officials said on Monday that the talks would resume next month in Geneva. "
RSS_PROBE = """
import sys
sys.path.insert(0, {root!r})
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
if {open_project!r}:
    from annotator.core.store.project import Project
    from annotator.core.coding import lookups
    project = Project.open({path!r})
    lookups.list_articles(project)
print(rss())
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_save(folder: Path, saves: int) -> None:
    path = folder / "save.annotator"
    with Project.create(path, bundled_codebook()) as project:
        import_paths(project, sorted((ROOT / "tests" / "data").glob("*.txt")))
    bare_path = folder / "bare.annotator"
    shutil.copy(path, bare_path)
    with Project.open(path) as project:
        ids = [u.id for u in lookups.list_units(project)]
        field = project.codebook.field("attribution")
        codes = [c.code for c in field.categories]
        app = []
        for i in range(saves):
            start = time.perf_counter()
            coding.apply_codes(project, "bench", ids[i % len(ids)], {field.key: codes[i % 3]})
            app.append(time.perf_counter() - start)

    with closing(sqlite3.connect(bare_path, isolation_level=None)) as conn:
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "busy_timeout = 15000"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("INSERT INTO coder (name, role, created_at) VALUES ('bench', 'coder', '')")
        bare = []
        now = datetime.now(UTC).isoformat()
        for i in range(saves):
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id, coded_at)"
                " VALUES (?, 1, 'attribution', ?, 1, ?) ON CONFLICT (unit_id, coder_id, field)"
                " DO UPDATE SET code = excluded.code, coded_at = excluded.coded_at",
                (ids[i % len(ids)], codes[i % 3], now),
            )
            conn.execute("COMMIT")
            bare.append(time.perf_counter() - start)
    print(f"\n1. saving one code ({saves} saves each)")
    for name, share in (("median", 0.5), ("p99", 0.99)):
        a, b = percentile(app, share) * 1000, percentile(bare, share) * 1000
        print(
            f"   {name:<6} apply_codes {a:7.2f} ms   bare sqlite3 {b:7.2f} ms   ratio {a / b:5.1f}x"
        )


def build_large(folder: Path, articles: int, per_article: int, codes: int) -> Path:
    """A project filled with bulk inserts in one transaction (the schema made by the app)."""
    path = folder / "large.annotator"
    Project.create(path, bundled_codebook()).close()
    text = SENTENCE * per_article
    step = len(SENTENCE)
    fields = [f.key for f in bundled_codebook().unit_fields if f.when is None]
    first_code = {f.key: f.categories[0].code for f in bundled_codebook().unit_fields}
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO article (id, key, sha256, title, metadata_json, text, position,"
            " imported_at) VALUES (?, ?, ?, ?, '{}', ?, ?, '2026-01-01')",
            (
                (i, f"article-{i}", f"{i:064x}", f"Article {i}", text, i)
                for i in range(1, articles + 1)
            ),
        )
        conn.executemany(
            'INSERT INTO unit (article_id, idx, kind, start, "end", text)'
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                (a, j + 1, "sentence", j * step, (j + 1) * step - 1, SENTENCE[:-1])
                for a in range(1, articles + 1)
                for j in range(per_article)
            ),
        )
        coders = -(-codes // (articles * per_article * len(fields)))
        for c in range(coders):
            conn.execute(
                "INSERT INTO coder (name, role, created_at) VALUES (?, 'coder', '')", (f"c{c}",)
            )
        conn.executemany(
            "INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id, coded_at)"
            " VALUES (?, ?, ?, ?, 1, '2026-01-01')",  # a code of the field (the codebook checks)
            (
                (n // (len(fields) * coders) + 1, n % coders + 1, field, first_code[field])
                for n in range(codes)
                for field in [fields[n // coders % len(fields)]]
            ),
        )
        conn.execute("COMMIT")
    return path


def bench_open(path: Path, articles: int, units_total: int) -> None:
    print(
        f"\n2. opening a project of {articles:,} articles, {units_total:,} units "
        f"({path.stat().st_size / 2**20:.0f} MiB)"
    )
    start = time.perf_counter()
    made = backup.backup_project(path, path.with_name("copy.annotator"))
    copy_time = time.perf_counter() - start
    made.unlink()
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        with Project.open(path) as project:
            listed = lookups.list_articles(project)
        timings.append(time.perf_counter() - start)
        assert len(listed) == articles
    start = time.perf_counter()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("SELECT count(*) FROM article").fetchone()
    bare = time.perf_counter() - start
    checks = []
    for _ in range(3):
        start = time.perf_counter()
        assert db.quick_check(path) == []
        checks.append(time.perf_counter() - start)
    check = statistics.median(checks)
    with Project.open(path) as project:
        start = time.perf_counter()
        Project.open(path, backups=False).close()  # a worker thread's handle
        second = time.perf_counter() - start
    later = statistics.median(timings[1:])
    print(f"   first open + list:                         {timings[0]:6.2f} s")
    print(
        f"   later open + list:                         {later:6.2f} s   "
        f"bare connect + count {bare * 1000:.1f} ms   ratio {later / bare:,.0f}x"
    )
    checked = "on opening" if backup.is_small(path) else "only after a crash or on info --check"
    print(f"   a quick check of the file:                 {check:6.2f} s   (run {checked})")
    print(f"   second handle in the same process:         {second:6.2f} s")
    print(f"   one backup (online copy + quick_check):    {copy_time:6.2f} s")


def bench_memory(path: Path, codes: int) -> None:
    def rss(open_project: bool) -> int:
        probe = RSS_PROBE.format(root=str(ROOT), open_project=open_project, path=str(path))
        return int(
            subprocess.run(
                [sys.executable, "-c", probe], capture_output=True, text=True, check=True
            ).stdout
        )

    bare, opened = rss(False), rss(True)
    print(
        f"\n3. memory at rest with {codes:,} codes: opened project + article list "
        f"{opened / 1024:.0f} MiB, bare interpreter {bare / 1024:.0f} MiB, "
        f"ratio {opened / bare:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--units-per-article", type=int, default=30)
    parser.add_argument("--codes", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-save-") as folder:
        folder = Path(folder)
        bench_save(folder, args.saves)
        start = time.perf_counter()
        large = build_large(folder, args.articles, args.units_per_article, args.codes)
        print(f"\n   (built the large project in {time.perf_counter() - start:.1f} s)")
        bench_open(large, args.articles, args.articles * args.units_per_article)
        bench_memory(large, args.codes)


if __name__ == "__main__":
    main()
