"""Export speed and memory: annotator's long CSV against the sqlite3 shell's own CSV.

    .venv/bin/python benchmarks/bench_export.py [--rows 1000000] [--small 100000]

Builds projects whose long layout has `--rows` annotation rows (one per unit and
coder; three coders, each coding the bundled codebook's unit fields that have no
condition, so three stored codes per row; the conditional field is "not applicable"
on every row, which the export works out per row) and exports them as long CSV. For
setup speed the rows are bulk-inserted through SQLAlchemy Core in one transaction,
bypassing the coding service (whose one-transaction-per-action durability would take
hours here).

Prints, for each size: annotator's export time; the time the sqlite3
command-line shell takes to write the same rows and columns as CSV (same joins,
same pivot, same order; `sqlite3 -csv -header`); their ratio (target <= 2.0);
and the export's peak memory (max RSS of a fresh process doing only the export),
which should not grow with the project.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from annotator.core.codebook import bundled_codebook  # noqa: E402
from annotator.core.store.models import Article, Code, Coder, Note, Unit  # noqa: E402
from annotator.core.store.project import Project  # noqa: E402

CODERS = ("alice", "bob", "carol")
UNITS_PER_ARTICLE = 40
BATCH = 50_000
WORDS = ("the", "minister", "said", "talks", "would", "resume", "next", "month", "officials")

EXPORT_CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
from annotator.core.export import ExportOptions, export
from annotator.core.store.project import Project
with Project.open({db!r}) as project:
    start = time.perf_counter()
    result = export(project, {out!r}, ExportOptions("long"))
    elapsed = time.perf_counter() - start
print(result.rows, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
      + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # + the second half's
"""


def build(path: Path, rows: int) -> None:
    """A project with `rows` (unit, coder) rows, all coded, one note per 50 rows."""
    project = Project.create(path, bundled_codebook())
    book = project.codebook
    version = project.codebook_version_id
    n_units = -(-rows // len(CODERS))
    rng = random.Random(7)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    with project.writing() as session:
        connection = session.connection()
        coder_ids = []
        for name in CODERS:
            coder = Coder(name=name)
            session.add(coder)
            session.flush()
            coder_ids.append(coder.id)
        n_articles = -(-n_units // UNITS_PER_ARTICLE)
        connection.execute(
            insert(Article),
            [
                {
                    "id": a + 1,
                    "key": f"article-{a + 1}",
                    "sha256": f"{a + 1:064x}",
                    "title": f'Article {a + 1}, a "title"',
                    "outlet": "Daily Example",
                    "published": "2026-01-01",
                    "text": "",
                    "position": a + 1,
                    "metadata_json": "{}",
                }
                for a in range(n_articles)
            ],
        )
        categories = {
            f.key: [c.code for c in f.categories] for f in book.unit_fields if f.when is None
        }
        codes, notes, units = [], [], []
        for u in range(n_units):
            sentence = " ".join(rng.choices(WORDS, k=18)).capitalize() + "."
            units.append(
                {
                    "id": u + 1,
                    "article_id": u // UNITS_PER_ARTICLE + 1,
                    "idx": u % UNITS_PER_ARTICLE + 1,
                    "kind": "sentence",
                    "start": u * 200,
                    "end": u * 200 + len(sentence),
                    "text": sentence,
                }
            )
            for c, coder_id in enumerate(coder_ids):
                if u * len(CODERS) + c >= rows:
                    break
                stamp = when + timedelta(seconds=u * 3 + c)
                for key, options in categories.items():
                    codes.append(
                        {
                            "unit_id": u + 1,
                            "coder_id": coder_id,
                            "field": key,
                            "code": rng.choice(options),
                            "codebook_version_id": version,
                            "coded_at": stamp,
                        }
                    )
                if (u + c) % 50 == 0:
                    notes.append(
                        {
                            "unit_id": u + 1,
                            "coder_id": coder_id,
                            "text": 'Check, "quoted"\nsecond line',
                            "noted_at": stamp,
                        }
                    )
            if len(codes) >= BATCH:
                _flush(connection, units, codes, notes)
        _flush(connection, units, codes, notes)
    project.close()


def _flush(connection, units: list, codes: list, notes: list) -> None:
    for model, items in ((Unit, units), (Code, codes), (Note, notes)):
        if items:
            connection.execute(insert(model), items)
            items.clear()


def sqlite_query(project: Project) -> str:
    """The long layout in SQL: the shell's side of the comparison."""
    fields = [f.key for f in project.codebook.unit_fields]
    pivot = ", ".join(
        f"MAX(CASE WHEN k.field = '{key}' THEN k.code END) AS {key}" for key in fields
    )
    kinds = ", ".join(f"'{kind}'" for kind in project.codebook.coded_kinds)
    return f"""
        SELECT a.key AS article_key, a.title, a.outlet, a.published,
               a.key || '#' || u.idx AS unit_key, u.idx AS unit_index, u.kind, u.text,
               c.name AS coder, {pivot}, n.text AS note,
               strftime('%Y-%m-%dT%H:%M:%SZ', MAX(k.coded_at)) AS coded_at,
               v.name AS codebook, v.version AS codebook_version
        FROM unit u JOIN article a ON a.id = u.article_id CROSS JOIN coder c
        LEFT JOIN code k ON k.unit_id = u.id AND k.coder_id = c.id
        LEFT JOIN note n ON n.unit_id = u.id AND n.coder_id = c.id
        LEFT JOIN codebook_version v ON v.id = k.codebook_version_id
        WHERE u.kind IN ({kinds})
           OR EXISTS (SELECT 1 FROM code x WHERE x.unit_id = u.id)
           OR EXISTS (SELECT 1 FROM note y WHERE y.unit_id = u.id)
        GROUP BY u.id, c.id
        ORDER BY a.position, a.id, u.idx, c.name;"""


def time_sqlite(db: Path, out: Path) -> float | None:
    shell = shutil.which("sqlite3")
    if shell is None:
        return None
    with Project.open(db) as project:
        query = sqlite_query(project)
    start = time.perf_counter()
    with out.open("wb") as handle:
        subprocess.run([shell, "-csv", "-header", str(db), query], stdout=handle, check=True)
    return time.perf_counter() - start


def time_export(db: Path, out: Path) -> tuple[int, float, float]:
    """(rows, seconds, peak RSS in MiB) of an export run alone in a fresh process."""
    code = EXPORT_CHILD.format(root=str(ROOT), db=str(db), out=str(out))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    rows, seconds, rss_kib = result.stdout.split()
    return int(rows), float(seconds), int(rss_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    args = parser.parse_args()
    if shutil.which("sqlite3") is None:
        print(
            "sqlite3 command-line shell NOT FOUND: install it (Debian: apt-get install sqlite3);"
            " only annotator's own figures are shown"
        )
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        for rows in (args.small, args.rows):
            db = Path(folder) / f"p{rows}.annotator"
            start = time.perf_counter()
            build(db, rows)
            print(
                f"\n{rows:,} annotation rows ({rows * 3:,} codes): built in "
                f"{time.perf_counter() - start:.1f} s (bulk insert, coding service bypassed)"
            )
            written, seconds, rss = time_export(db, Path(folder) / "annotator.csv")
            print(
                f"  annotator export --layout long: {seconds:6.2f} s, {written:,} rows, "
                f"peak RSS {rss:.0f} MiB"
            )
            shell = time_sqlite(db, Path(folder) / "sqlite.csv")
            if shell is not None:
                with (Path(folder) / "sqlite.csv").open("rb") as handle:
                    lines = sum(1 for _ in handle)
                print(
                    f"  sqlite3 -csv -header:           {shell:6.2f} s "
                    f"({lines:,} lines incl. header and embedded newlines)"
                )
                verdict = "OK" if seconds / shell <= 2.0 else "OVER TARGET"
                print(
                    f"  ratio annotator / sqlite3:      {seconds / shell:6.2f}  "
                    f"(target <= 2.0: {verdict})"
                )
            for name in ("annotator.csv", "sqlite.csv"):
                (Path(folder) / name).unlink(missing_ok=True)
            db.unlink()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(benchmark process itself, building included: peak RSS {own:.0f} MiB)")


if __name__ == "__main__":
    main()
