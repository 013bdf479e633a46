"""Speed of finding things across a project: retrieval, keyword in context, frequencies.

    .venv/bin/python benchmarks/bench_finding.py [--rows 60000]

Builds a project as bench_export does (`--rows` unit-and-coder rows: three coders, three
fields each, a note on one row in fifty; units of 18 words from a small vocabulary, so
a common word matches in most units) and prints the time of each query the find dialog
and the navigation keys run, with the number of rows each returns. The retrieval and
the search are bounded (5,000 and 2,000 rows), so their time should stay flat as the
project grows past the bound; frequencies are one GROUP BY.
"""

from __future__ import annotations

import argparse
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


def timed(name: str, run) -> None:
    start = time.perf_counter()
    count = run()
    print(f"{name:<52} {time.perf_counter() - start:7.3f} s  {count:>7} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "finding.annotator"
        build(path, args.rows)
        print(f"{args.rows} unit-and-coder rows, {-(-args.rows // len(CODERS))} units")
        with Project.open(path) as project:
            one = ("alice",)
            timed(
                "retrieve attribution=anonymous_vague, one coder",
                lambda: len(
                    retrieve(project, Criteria(one, "attribution", "anonymous_vague")).units
                ),
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
            timed(
                "search 'nowhere' (reads every unit)",
                lambda: len(search_articles(project, "nowhere").hits),
            )
            timed(
                "frequencies of attribution per coder",
                lambda: code_frequencies(project, "attribution", CODERS).total,
            )
            timed(
                "frequencies of attribution per article",
                lambda: code_frequencies(project, "attribution", CODERS, "article").total,
            )


if __name__ == "__main__":
    main()
