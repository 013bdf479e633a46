"""Speed of finding things across a project: retrieval, keyword in context, frequencies.

    .venv/bin/python benchmarks/bench_finding.py [--rows 60000]

Builds a project as bench_export does (`--rows` unit-and-coder rows: three coders, three
fields each, a note on one row in fifty; units of 18 words from a small vocabulary, so
a common word matches in most units) and prints the time of each query the find dialog
and the navigation keys run, with the number of rows each returns. The retrieval and
the search are bounded (5,000 and 2,000 rows), so their time should stay flat as the
project grows past the bound; frequencies are one GROUP BY. Beside three of them, a bare
sqlite3 query doing the same work on the same file in the same process, and the ratio.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_export import CODERS, build  # noqa: E402

from annotator.core.coding.frequencies import code_frequencies  # noqa: E402
from annotator.core.coding.keyword_search import search_articles  # noqa: E402
from annotator.core.coding.retrieval import (  # noqa: E402
    MAX_LIMIT,
    Criteria,
    matching_places,
    retrieve,
)
from annotator.core.store.project import Project  # noqa: E402


def timed(name: str, run) -> float:
    start = time.perf_counter()
    count = run()
    took = time.perf_counter() - start
    print(f"{name:<52} {took:7.3f} s  {count:>7} rows")
    return took


BARE_RETRIEVE = """SELECT u.id, u.text, c.code FROM code c JOIN unit u ON u.id = c.unit_id
JOIN coder d ON d.id = c.coder_id WHERE d.name = ? AND c.field = 'attribution'
AND c.code = 'anonymous_vague' ORDER BY u.article_id, u.idx LIMIT 5000"""
BARE_FREQUENCIES = """SELECT d.name, c.code, count(*) FROM code c JOIN coder d
ON d.id = c.coder_id WHERE c.field = 'attribution' GROUP BY d.name, c.code"""


def bare_search(db: sqlite3.Connection, word: str) -> int:
    """Every unit read and searched in Python, as the bare side of a KWIC search."""
    needle = word.casefold()
    return sum(needle in text.casefold() for (text,) in db.execute("SELECT text FROM unit"))


def compare(name: str, ours: float, bare_run) -> None:
    bare = timed(f"  bare sqlite3: {name}", bare_run)
    print(f"  ratio {ours / bare if bare else float('inf'):.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "finding.annotator"
        build(path, args.rows)
        print(f"{args.rows} unit-and-coder rows, {-(-args.rows // len(CODERS))} units")
        bare_db = sqlite3.connect(path)
        with Project.open(path) as project:
            one = ("alice",)
            retrieve(project, Criteria(one, "attribution", "named_person"))  # warm the mappers
            ours = timed(
                "retrieve attribution=anonymous_vague, one coder",
                lambda: len(
                    retrieve(project, Criteria(one, "attribution", "anonymous_vague")).units
                ),
            )
            compare(
                "the same rows", ours, lambda: len(bare_db.execute(BARE_RETRIEVE, one).fetchall())
            )
            timed(
                "retrieve attribution=anonymous_vague, every coder",
                lambda: len(
                    retrieve(project, Criteria(CODERS, "attribution", "anonymous_vague")).units
                ),
            )
            timed(
                "next unit with a note (every note of one coder)",
                lambda: len(
                    matching_places(project, Criteria(one, with_note=True, limit=MAX_LIMIT))
                ),
            )
            timed(
                "next low confidence (every one of one coder)",
                lambda: len(
                    matching_places(project, Criteria(one, low_confidence=True, limit=MAX_LIMIT))
                ),
            )
            timed(
                "search 'minister' (stops at 2,000)",
                lambda: len(search_articles(project, "minister").hits),
            )
            ours = timed(
                "search 'nowhere' (reads every unit)",
                lambda: len(search_articles(project, "nowhere").hits),
            )
            compare("every unit read", ours, lambda: bare_search(bare_db, "nowhere"))
            ours = timed(
                "frequencies of attribution per coder",
                lambda: code_frequencies(project, "attribution", CODERS).total,
            )
            compare("one GROUP BY", ours, lambda: len(bare_db.execute(BARE_FREQUENCIES).fetchall()))
            timed(
                "frequencies of attribution per article",
                lambda: code_frequencies(project, "attribution", CODERS, "article").total,
            )
        bare_db.close()


if __name__ == "__main__":
    main()
