"""How long storing the suggester's codes holds the project's write lock (issue 21).

Builds a project of --articles copies of the sample articles (about 30 units each; 160
make the issue's 4,800), works out the suggester's codes once, then stores them twice
into fresh copies of the project: the old way (`coding.apply_changes`: one transaction,
an ORM round trip per change) and the way `annotator suggest` stores them now
(`coding.write_in_batches`: short bulk transactions). For each it prints the longest
time the write lock was held (begin to commit of a write transaction) and its ratio to
the bare baseline: one coder's save of one unit (`coding.apply_codes`), which is what a
coder waiting on the lock needs.

    .venv/bin/python benchmarks/bench_suggest_lock.py [--articles 20]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from annotator.core.codebook import bundled_codebook  # noqa: E402
from annotator.core.coding import lookups  # noqa: E402
from annotator.core.coding import service as coding  # noqa: E402
from annotator.core.ingest.documents import ParsedArticle, join_blocks  # noqa: E402
from annotator.core.ingest.into_project import ImportReport, store_articles  # noqa: E402
from annotator.core.store.project import Project  # noqa: E402
from annotator.core.suggest.as_coder import (  # noqa: E402
    SUGGESTER,
    article_suggestions,
    ensure_machine_coder,
    machine_batch,
)
from annotator.core.suggest.suggester import Suggester  # noqa: E402

SAMPLES = ROOT / "annotator" / "resources" / "samples"


class LockClock:
    """Times every write transaction of a project: begin to commit or rollback."""

    def __init__(self, project: Project) -> None:
        self.engine = project.write_engine
        self.holds: list[float] = []
        self._began = 0.0

    def __enter__(self) -> LockClock:
        event.listen(self.engine, "begin", self._begin)
        event.listen(self.engine, "commit", self._end)
        event.listen(self.engine, "rollback", self._end)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "begin", self._begin)
        event.remove(self.engine, "commit", self._end)
        event.remove(self.engine, "rollback", self._end)

    def _begin(self, connection) -> None:
        self._began = time.perf_counter()

    def _end(self, connection) -> None:
        self.holds.append(time.perf_counter() - self._began)


def build(path: Path, copies: int) -> None:
    """A project of `copies` retitled copies of each sample text article."""
    samples = [p.read_text(encoding="utf-8").split("\n\n") for p in sorted(SAMPLES.glob("*.txt"))]
    articles = []
    for n in range(copies):
        for number, (title, *paragraphs) in enumerate(samples):
            title = f"{title.strip()} (copy {n})"
            text, blocks = join_blocks(
                [("title", title)] + [("paragraph", p.strip()) for p in paragraphs if p.strip()]
            )
            key = f"sample-{number}-{n}"
            articles.append(
                ParsedArticle(text=text, blocks=blocks, title=title, key_hint=key, source=key)
            )
    with Project.create(path, bundled_codebook()) as project:
        report = ImportReport()
        store_articles(project, articles, report)
        assert not report.failures, report.failures


def suggested_changes(path: Path) -> tuple[list[coding.Change], dict[int, lookups.UnitRow]]:
    with Project.open(path) as project:
        suggester = Suggester.for_codebook(project.codebook)
        assert suggester is not None
        records = list(article_suggestions(project, suggester))
        fields = [f.key for f in project.codebook.coded_fields]
        changes = [
            coding.Change(r.unit.id, SUGGESTER, key, None, code)
            for r in records
            for key in fields
            if (code := r.suggestion.codes_to_apply().get(key)) is not None
        ]
        return changes, {r.unit.id: r.unit for r in records}


def longest_hold(path: Path, store) -> tuple[float, int]:
    with Project.open(path) as project:
        ensure_machine_coder(project)
        with LockClock(project) as clock:
            store(project)
    return max(clock.holds), len(clock.holds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20, help="copies of the samples")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        original = Path(tmp) / "original.annotator"
        build(original, args.articles)
        changes, units = suggested_changes(original)
        copies = {name: Path(tmp) / f"{name}.annotator" for name in ("old", "new", "save")}
        for copy in copies.values():
            shutil.copyfile(original, copy)
        with Project.open(copies["save"]) as project:
            first = lookups.list_units(project)[1].id
            with LockClock(project) as clock:
                for code in ("fact", "evaluation", "fact"):
                    coding.apply_codes(project, "ann", first, {"claim_type": code})
            bare = min(clock.holds)

        def old(project: Project) -> None:
            coding.apply_changes(project, SUGGESTER, changes, origin="bench", reserved=SUGGESTER)

        def new(project: Project) -> None:
            coding.write_in_batches(
                project, machine_batch(changes, units), origin="bench", reserved=SUGGESTER
            )

        old_hold, old_count = longest_hold(copies["old"], old)
        new_hold, new_count = longest_hold(copies["new"], new)
    print(f"{len(units):,} units, {len(changes):,} suggested codes")
    print(f"  bare save of one unit            {bare * 1000:9.1f} ms lock hold")
    print(
        f"  one transaction (before)         {old_hold * 1000:9.1f} ms longest hold "
        f"({old_count} transaction(s)), {old_hold / bare:,.0f} x bare"
    )
    print(
        f"  short batches (now)              {new_hold * 1000:9.1f} ms longest hold "
        f"({new_count} transaction(s)), {new_hold / bare:,.0f} x bare"
    )


if __name__ == "__main__":
    main()
