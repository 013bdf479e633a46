"""Import speed: a 400-article CSV batch through annotator vs bare pysbd on the same text.

Prints sentences per second for both and their ratio (target: at most 1.3). annotator
does more than pysbd (decoding, CSV parsing, headings, offsets, hashing, durable SQLite
writes), so the ratio says what that extra work costs. The two sides run in turn
--repeat times (each import into a fresh project) and the fastest run of each counts,
so that other work on the machine weighs on both alike.

It also prints what telling the two plain-text layouts apart (`plain_text.detect_layout`)
costs on the same bodies, as a share of the import time (aim: at most 5%), on the bodies
as written and once more with the blank lines taken out (one paragraph per line).

Last, whether storing stays flat as the project grows (issue 14: a million-row CSV had
slowed from 1.8 ms to 6.5 ms an article by 43,000 articles): the same batch is imported
into an empty project and into one already holding --big articles (40,000; written in
bulk, not imported, so that building it takes seconds), half of whose keys the batch's
ids collide with. It prints the cost per article of each and their ratio (target: about
1, i.e. flat).

    .venv/bin/python benchmarks/bench_import.py [--repeat 3] [--big 40000]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pysbd  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from annotator.core.codebook import bundled_codebook  # noqa: E402
from annotator.core.ingest.into_project import article_sha256, import_paths  # noqa: E402
from annotator.core.ingest.plain_text import (  # noqa: E402
    blocks_from_plain_text,
    detect_layout,
    paragraph_lines,
)
from annotator.core.ingest.readers import read_file  # noqa: E402
from annotator.core.ingest.segmentation import segment  # noqa: E402
from annotator.core.store.models import Article, Unit, utcnow  # noqa: E402
from annotator.core.store.project import Project  # noqa: E402

ARTICLES = 400
SAMPLES = ROOT / "annotator" / "resources" / "samples"


def sample_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(SAMPLES.glob("*.txt")):
        blocks = path.read_text(encoding="utf-8").split("\n\n")[1:]
        paragraphs += [b for b in blocks if b.rstrip().endswith((".", '"'))]
    return paragraphs


def write_batch(target: Path, paragraphs: list[str]) -> list[str]:
    """ARTICLES distinct articles of 6-10 sample paragraphs each, as a CSV batch."""
    rng = random.Random(7)
    bodies = []
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "outlet", "text"])
        for number in range(ARTICLES):
            body = "\n\n".join(rng.choices(paragraphs, k=rng.randint(6, 10)))
            body += f"\n\nThis is article number {number}."
            bodies.append(body)
            writer.writerow([f"a{number}", f"Article {number}", "Bench Courier", body])
    return bodies


def bare_pysbd(bodies: list[str]) -> tuple[int, float]:
    segmenter = pysbd.Segmenter(language="en", clean=False)
    started = time.perf_counter()
    count = sum(len(segmenter.segment(p)) for body in bodies for p in body.split("\n\n"))
    return count, time.perf_counter() - started


def annotator_import(batch: Path, folder: Path, run: int = 0) -> tuple[int, float]:
    project = Project.create(folder / f"bench-{run}.annotator", bundled_codebook())
    started = time.perf_counter()
    report = import_paths(project, [batch])
    elapsed = time.perf_counter() - started
    project.close()
    assert not report.failures, report.failures[:3]
    return report.units - ARTICLES, elapsed  # minus one title unit per article


def read_and_segment(batch: Path) -> float:
    """annotator's reading and segmenting alone: the import less the database writes."""
    started = time.perf_counter()
    for article in read_file(batch).articles:
        segment(article.text, article.blocks)
    return time.perf_counter() - started


def layout_detection(bodies: list[str]) -> float:
    """Seconds spent deciding the layout of every body (the lines are read once for it)."""
    started = time.perf_counter()
    for body in bodies:
        detect_layout(body, paragraph_lines(body))
    return time.perf_counter() - started


def plain_text_reading(bodies: list[str]) -> float:
    """Seconds spent reading every body into blocks: layout, headings, furniture."""
    started = time.perf_counter()
    for body in bodies:
        blocks_from_plain_text(body, first_line_title=False)
    return time.perf_counter() - started


def big_project(path: Path, articles: int) -> Project:
    """A project holding `articles` articles of four units each, written in bulk rows.

    Every other key is one the benchmark batch uses (a0, a2, ...: its ids), so that half
    of the batch needs numbered keys (a0-2) and the key lookups are measured too.
    """
    project = Project.create(path, bundled_codebook())
    text = "Title\n\nFirst sentence here. Second one. Third one."
    spans = [("title", 0, 5), ("sentence", 7, 27), ("sentence", 28, 39), ("sentence", 40, 50)]
    now = utcnow()
    step = 10_000
    for first in range(0, articles, step):
        numbers = range(first, min(first + step, articles))
        with project.writing() as session:
            rows = [
                {
                    "key": f"a{n}" if n % 2 == 0 and n < 2 * ARTICLES else f"bulk-{n}",
                    "sha256": article_sha256(f"{text} {n}"),
                    "title": "Title",
                    "metadata_json": "{}",
                    "text": f"{text} {n}",
                    "position": n + 1,
                    "imported_at": now,
                }
                for n in numbers
            ]
            ids = session.scalars(
                insert(Article).returning(Article.id, sort_by_parameter_order=True), rows
            ).all()
            units = [
                {"article_id": i, "idx": idx, "kind": kind, "start": a, "end": b, "text": text[a:b]}
                for i in ids
                for idx, (kind, a, b) in enumerate(spans, start=1)
            ]
            session.execute(insert(Unit), units)
    return project


def flat_cost(batch: Path, folder: Path, repeat: int, big: int) -> None:
    """Cost per article of the same import into an empty project and into a big one."""
    copy = folder / "big-template.annotator"
    started = time.perf_counter()
    big_project(copy, big).close()
    built = time.perf_counter() - started
    empty_runs, big_runs = [], []
    for run in range(repeat):
        _, elapsed = annotator_import(batch, folder, 1000 + run)
        empty_runs.append(elapsed / ARTICLES)
        target = folder / f"big-{run}.annotator"
        shutil.copy(copy, target)
        project = Project.open(target, backups=False)
        started = time.perf_counter()
        report = import_paths(project, [batch])
        big_runs.append((time.perf_counter() - started) / ARTICLES)
        project.close()
        assert not report.failures and len(report.imported) == ARTICLES, report.failures[:3]
    empty, full = min(empty_runs), min(big_runs)
    print(f"project of {big:,} articles built in bulk in {built:.1f} s")
    print(f"per article, empty project:          {1000 * empty:.2f} ms")
    print(f"per article, {big:,}-article project: {1000 * full:.2f} ms")
    print(f"ratio (big / empty): {full / empty:.2f}  (target about 1: flat)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=40_000, help="articles in the big project")
    arguments = parser.parse_args()
    repeat = arguments.repeat
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bodies = write_batch(folder / "batch.csv", sample_paragraphs())
        base_runs, our_runs = [], []
        for run in range(repeat):
            base_runs.append(bare_pysbd(bodies))
            our_runs.append(annotator_import(folder / "batch.csv", folder, run))
        parse_time = min(read_and_segment(folder / "batch.csv") for _ in range(repeat))
        base_count, base_time = min(base_runs, key=lambda r: r[1])
        ours_count, ours_time = min(our_runs, key=lambda r: r[1])
        layout_time = min(layout_detection(bodies) for _ in range(repeat))
        pasted = [body.replace("\n\n", "\n") for body in bodies]
        pasted_time = min(layout_detection(pasted) for _ in range(repeat))
        blocks_time = min(plain_text_reading(bodies) for _ in range(repeat))
        print_speed = (base_count, base_time, ours_count, ours_time, parse_time)
        print_figures(print_speed, layout_time, pasted_time, blocks_time)
        flat_cost(folder / "batch.csv", folder, repeat, arguments.big)


def print_figures(speed, layout_time: float, pasted_time: float, blocks_time: float) -> None:
    base_count, base_time, ours_count, ours_time, parse_time = speed
    print(f"articles:                 {ARTICLES}")
    print(
        f"bare pysbd:               {base_count} sentences in {base_time:.2f} s = "
        f"{base_count / base_time:,.0f} sentences/s"
    )
    print(
        f"annotator import (+ db):  {ours_count} sentences in {ours_time:.2f} s = "
        f"{ours_count / ours_time:,.0f} sentences/s"
    )
    print(f"  of which read + segment:  {parse_time:.2f} s; storing {ours_time - parse_time:.2f} s")
    print(f"ratio (annotator / bare pysbd time): {ours_time / base_time:.2f}  (target <= 1.3)")
    print(
        f"layout detection:         {layout_time:.3f} s = "
        f"{100 * layout_time / ours_time:.1f}% of the import time (aim: at most 5%)"
    )
    print(
        f"  one paragraph per line: {pasted_time:.3f} s = "
        f"{100 * pasted_time / ours_time:.1f}% of the import time"
    )
    print(
        f"all plain-text reading (layout, headings, furniture, into blocks): "
        f"{blocks_time:.3f} s = {100 * blocks_time / ours_time:.1f}% of the import time"
    )


if __name__ == "__main__":
    main()
