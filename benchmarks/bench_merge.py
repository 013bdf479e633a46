"""Merge speed and memory: three coders' files into one project, against a bare
ATTACH + INSERT ... SELECT doing the same copy on the same files in the same run.

    .venv/bin/python benchmarks/bench_merge.py [--articles 1000] [--large]

Builds an empty target and three coder files holding the same `--articles` articles
(21 units each; `--large` makes it 10,000), each coder having coded every unit in
every field of the bundled codebook, with one history row per code as the coding
service writes it, and one note per 20 units. For setup speed the rows are bulk-
inserted through SQLAlchemy Core, bypassing the coding service.

Each side runs in a fresh child process and prints its time and peak resident memory
(VmHWM): annotator's `merge_projects` (the first source adds the articles, the other
two match them), and the bare script: per source ATTACH, then one INSERT ... SELECT
per table (articles and units by sha256 and span, coders by name, codes, notes and
history), one transaction each. The goal (issue 29): within 3x of the bare time.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from annotator.core.codebook import bundled_codebook  # noqa: E402
from annotator.core.store.models import Article, Code, Coder, History, Note, Unit  # noqa: E402
from annotator.core.store.project import Project  # noqa: E402

UNITS_PER_ARTICLE = 21
BUILD_BATCH = 2_000  # articles built and inserted at a time
WORDS = ("the", "minister", "said", "talks", "would", "resume", "next", "month", "officials")

PEAK = """
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(elapsed, int(peak) * 1024)
"""

MERGE_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from annotator.core.store.project import Project
from annotator.core.supervision.merge import merge_projects
started = time.perf_counter()
with Project.open({target!r}, backups=False) as project:
    merge_projects(project, {sources!r})
elapsed = time.perf_counter() - started
"""

BARE_CHILD = """
import sqlite3, time
started = time.perf_counter()
db = sqlite3.connect({target!r}, isolation_level=None)
version = db.execute("SELECT max(id) FROM codebook_version").fetchone()[0]
for source in {sources!r}:
    db.execute("ATTACH ? AS src", (source,))
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "INSERT INTO article (key, sha256, title, outlet, author, url, published, source,"
        " metadata_json, text, position, imported_at)"
        " SELECT key, sha256, title, outlet, author, url, published, source, metadata_json,"
        " text, position, imported_at FROM src.article"
        " WHERE sha256 NOT IN (SELECT sha256 FROM main.article)"
    )
    db.execute(
        "CREATE TEMP TABLE unit_map AS SELECT su.id AS sid, tu.id AS tid"
        " FROM src.unit su JOIN src.article sa ON sa.id = su.article_id"
        " JOIN main.article ta ON ta.sha256 = sa.sha256"
        " LEFT JOIN main.unit tu ON tu.article_id = ta.id AND tu.start = su.start"
        " AND tu.\\"end\\" = su.\\"end\\""
    )
    db.execute(
        "INSERT INTO unit (article_id, idx, kind, start, \\"end\\", text)"
        " SELECT ta.id, su.idx, su.kind, su.start, su.\\"end\\", su.text"
        " FROM src.unit su JOIN src.article sa ON sa.id = su.article_id"
        " JOIN main.article ta ON ta.sha256 = sa.sha256"
        " WHERE su.id IN (SELECT sid FROM temp.unit_map WHERE tid IS NULL)"
    )
    db.execute("DROP TABLE temp.unit_map")
    db.execute(
        "INSERT OR IGNORE INTO coder (name, role, created_at)"
        " SELECT name, role, created_at FROM src.coder"
    )
    units = (
        " JOIN src.unit su ON su.id = x.unit_id JOIN src.article sa ON sa.id = su.article_id"
        " JOIN main.article ta ON ta.sha256 = sa.sha256 JOIN main.unit tu"
        " ON tu.article_id = ta.id AND tu.start = su.start AND tu.\\"end\\" = su.\\"end\\""
        " JOIN src.coder sc ON sc.id = x.coder_id JOIN main.coder tc ON tc.name = sc.name"
    )
    db.execute(
        "INSERT OR IGNORE INTO code (unit_id, coder_id, field, code, codebook_version_id,"
        " coded_at) SELECT tu.id, tc.id, x.field, x.code, ?, x.coded_at FROM src.code x"
        + units,
        (version,),
    )
    db.execute(
        "INSERT OR IGNORE INTO note (unit_id, coder_id, text, noted_at)"
        " SELECT tu.id, tc.id, x.text, x.noted_at FROM src.note x" + units
    )
    db.execute(
        "INSERT INTO history (article_sha256, start, \\"end\\", coder, target, old, new,"
        " codebook_version_id, origin, at) SELECT article_sha256, start, \\"end\\", coder,"
        " target, old, new, ?, origin, at FROM src.history",
        (version,),
    )
    db.execute("COMMIT")
    db.execute("DETACH src")
db.close()
elapsed = time.perf_counter() - started
"""


def build_target(path: Path) -> None:
    Project.create(path, bundled_codebook()).close()


def build_coder(path: Path, coder: str, articles: int, seed: int) -> None:
    """A coder's file: the shared articles and units, every unit coded in every field."""
    project = Project.create(path, bundled_codebook())
    version = project.codebook_version_id
    categories = {
        f.key: [c.code for c in f.categories]
        for f in project.codebook.unit_fields
        if f.when is None
    }
    rng = random.Random(seed)
    texts = random.Random(1)  # the same units in every coder's file
    when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=seed)
    with project.writing() as session:
        connection = session.connection()
        coder_row = Coder(name=coder)
        session.add(coder_row)
        session.flush()
        coded = Coded(coder, coder_row.id, version, categories, when)
        for first in range(1, articles + 1, BUILD_BATCH):  # bounded memory at any size
            batch = range(first, min(first + BUILD_BATCH, articles + 1))
            connection.execute(insert(Article), [_article(a) for a in batch])
            tables = coded.rows(batch, rng, texts)
            for model, rows in zip((Unit, Code, Note, History), tables, strict=True):
                connection.execute(insert(model), rows)
    project.close()


@dataclass
class Coded:
    """What one coder's file holds beyond the articles."""

    coder: str
    coder_id: int | None
    version: int
    categories: dict[str, list[str]]
    when: datetime

    def rows(self, articles: range, rng: random.Random, texts: random.Random) -> tuple:
        """(units, codes, notes, history) of `articles`: every unit coded in every field,
        one history row per code as the coding service writes it, a note per 20 units."""
        units, codes, notes, history = [], [], [], []
        first = (articles.start - 1) * UNITS_PER_ARTICLE + 1
        for u in range(first, (articles.stop - 1) * UNITS_PER_ARTICLE + 1):
            article = (u - 1) // UNITS_PER_ARTICLE + 1
            sentence = " ".join(texts.choices(WORDS, k=18)).capitalize() + "."
            start = (u - 1) % UNITS_PER_ARTICLE * 200
            units.append(
                {"id": u, "article_id": article, "idx": (u - 1) % UNITS_PER_ARTICLE + 1}
                | {"kind": "sentence", "start": start, "end": start + len(sentence)}
                | {"text": sentence}
            )
            stamp = self.when + timedelta(seconds=u)
            for key, options in self.categories.items():
                code = rng.choice(options)
                codes.append(
                    {"unit_id": u, "coder_id": self.coder_id, "field": key, "code": code}
                    | {"codebook_version_id": self.version, "coded_at": stamp}
                )
                history.append(
                    {"article_sha256": _sha(article), "start": start, "end": units[-1]["end"]}
                    | {"coder": self.coder, "target": key, "old": None, "new": code}
                    | {"codebook_version_id": self.version, "origin": "manual", "at": stamp}
                )
            if u % 20 == 0:
                notes.append(
                    {"unit_id": u, "coder_id": self.coder_id, "text": "see the wire copy"}
                    | {"noted_at": stamp}
                )
        return units, codes, notes, history


def _sha(article: int) -> str:
    return f"{article:064x}"


def _article(number: int) -> dict:
    return {
        "id": number,
        "key": f"article-{number}",
        "sha256": _sha(number),
        "title": f"Article {number}",
        "outlet": "Daily Example",
        "published": "2026-01-01",
        "text": "x" * (UNITS_PER_ARTICLE * 200),
        "position": number,
        "metadata_json": "{}",
    }


def measured(code: str) -> tuple[float, int]:
    """Run `code` (which sets `elapsed`) in a fresh child: its time and peak memory."""
    out = subprocess.run(
        [sys.executable, "-c", code + PEAK], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    elapsed, peak = out.split()
    return float(elapsed), int(peak)


def merge_times(articles: int) -> dict[str, tuple[float, int]]:
    """Build the three coder files of `articles` articles and merge them both ways, each
    in a fresh child: {"bare": ..., "annotator": ...} -> (seconds, peak bytes)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = []
        for number, coder in enumerate(("alice", "bob", "carol"), 1):
            path = folder / f"{coder}.annotator"
            build_coder(path, coder, articles, number)
            sources.append(str(path))
        results = {}
        for name, template in (("bare", BARE_CHILD), ("annotator", MERGE_CHILD)):
            target = folder / f"{name}.annotator"
            build_target(target)
            code = template.format(root=str(ROOT), target=str(target), sources=sources)
            results[name] = measured(code)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--large", action="store_true", help="10,000 articles per coder file")
    args = parser.parse_args()
    articles = 10_000 if args.large else args.articles
    results = merge_times(articles)
    mb = 1_000_000
    bare_time, bare_peak = results["bare"]
    print(f"merge of three {articles:,}-article coder files ({UNITS_PER_ARTICLE} units each)")
    for name, (elapsed, peak) in results.items():
        print(
            f"  {name:<10} {elapsed:8.2f} s  {peak / mb:8.1f} MB peak"
            f"  ({elapsed / bare_time:.2f}x time, {peak / bare_peak:.2f}x memory of bare)"
        )


if __name__ == "__main__":
    main()
