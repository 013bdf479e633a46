"""Archive import speed: a 500-document Nexis Uni export (.docx) through annotator vs bare
python-docx reading the same file.

Prints, each as a ratio to the baseline (python-docx opening the file and reading every
paragraph's text): the floor of any import (python-docx reading it and bare pySBD
splitting each document's text into sentences, the naive way: the figure to read the
whole import against, since sentence splitting is most of it); annotator's reading of
it into articles (`read_file`: the paragraphs, the Nexis Uni reader, dates, metadata;
goal: at most 2x); the whole import into a fresh project (reading, sentence splitting,
near-duplicate check, storing), split into pySBD's own time (the pieces annotator hands
it, those its plain cuts cannot settle) and annotator's own; and the peak of Python
memory allocated by the import (tracemalloc, in a run of its own since tracing slows it
down). The sides run in turn --repeat times and the fastest run of each counts.

The export is generated: invented articles built from the sample articles' sentences,
with the Nexis Uni cover page, header fields, "Body", classification block and "End of
Document" lines, dates spread over a year and outlets over a handful of names.

    .venv/bin/python benchmarks/bench_archive_import.py [--documents 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402

from annotator.core.codebook import bundled_codebook  # noqa: E402
from annotator.core.ingest.into_project import import_paths  # noqa: E402
from annotator.core.ingest.readers import read_file  # noqa: E402
from annotator.core.store.project import Project  # noqa: E402

SAMPLES = ROOT / "annotator" / "resources" / "samples"
OUTLETS = ("The Portmere Courier", "Valley Gazette", "The Weekly Ledger", "Evening Post")


def sample_sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))
    return [s.strip() + "." for s in text.replace("\n", " ").split(". ") if len(s) > 40]


def nexis_export(path: Path, documents: int, seed: int = 7) -> None:
    """Write an export of `documents` invented articles in the Nexis Uni layout."""
    rng = random.Random(seed)
    sentences = sample_sentences()
    export = docx.Document()
    export.add_paragraph(f"Documents ({documents})")
    export.add_paragraph("Search Terms: harbour")
    start = date(2010, 1, 1)
    for number in range(documents):
        day = start + timedelta(days=rng.randrange(365))
        body = [" ".join(rng.sample(sentences, 3)) for _ in range(rng.randrange(6, 14))]
        lines = [
            f"Article {number + 1}: {rng.choice(sentences)[:60]}",
            rng.choice(OUTLETS),
            f"{day:%B} {day.day}, {day.year} {day:%A} {rng.randrange(1, 12)}:15 AM GMT",
            f"Copyright {day.year} Invented Media Ltd All Rights Reserved",
            f"Section: NEWS; Pg. {rng.randrange(1, 40)}",
            f"Length: {sum(len(p.split()) for p in body)} words",
            "Byline: Jane Roe",
            "Body",
            *body,
            "Classification",
            "Language: ENGLISH",
            "Publication-Type: Newspaper",
            f"Load-Date: {day:%B} {day.day}, {day.year}",
            "End of Document",
        ]
        export.add_page_break()
        for line in lines:
            export.add_paragraph(line)
    export.save(str(path))


def bare_python_docx(path: Path) -> int:
    return len([p.text for p in docx.Document(str(path)).paragraphs])


def bare_floor(path: Path) -> int:
    """The least any import must do: python-docx reading the paragraphs and bare pySBD
    splitting each document's text (its paragraphs between "Body" and "Classification",
    one call per document, newlines between paragraphs) into sentences."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    sentences = 0
    body: list[str] | None = None
    for text in (p.text for p in docx.Document(str(path)).paragraphs):
        if text == "Body":
            body = []
        elif text == "Classification" and body is not None:
            sentences += len(segmenter.segment("\n".join(body)))
            body = None
        elif body is not None:
            body.append(text)
    return sentences


def annotator_read(path: Path) -> int:
    return len(read_file(path).articles)


def annotator_import(path: Path, folder: Path) -> float:
    """Seconds `import_paths` takes into a fresh project (its creation not counted)."""
    location = folder / f"bench-{time.perf_counter_ns()}.annotator"
    with Project.create(location, bundled_codebook()) as project:
        began = time.perf_counter()
        report = import_paths(project, [path])
        spent = time.perf_counter() - began
    assert not report.failures, report.failures[:3]
    return spent


def pysbd_share(path: Path, folder: Path) -> float:
    """Seconds pySBD itself spends in one import (its Segmenter.segment timed around)."""
    import pysbd

    spent = [0.0]
    original = pysbd.Segmenter.segment

    def timed(self, text):
        began = time.perf_counter()
        try:
            return original(self, text)
        finally:
            spent[0] += time.perf_counter() - began

    pysbd.Segmenter.segment = timed
    try:
        annotator_import(path, folder)
    finally:
        pysbd.Segmenter.segment = original
    return spent[0]


def fastest(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    try:
        path = folder / "nexis-uni-export.docx"
        nexis_export(path, args.documents)
        assert annotator_read(path) == args.documents
        size = path.stat().st_size
        print(f"{args.documents} documents, {size / 1e3:.0f} kB .docx")
        baseline = fastest(lambda: bare_python_docx(path), args.repeat)
        floor = fastest(lambda: bare_floor(path), args.repeat)
        read = fastest(lambda: annotator_read(path), args.repeat)
        whole = min(annotator_import(path, folder) for _ in range(args.repeat))
        print(f"python-docx reading the paragraphs: {baseline:6.2f} s")
        print(f"floor: python-docx + bare pySBD:    {floor:6.2f} s  ratio {floor / baseline:.2f}")
        print(f"annotator reading the articles:     {read:6.2f} s  ratio {read / baseline:.2f}")
        print(
            f"annotator importing into a project: {whole:6.2f} s  ratio {whole / baseline:.2f}"
            f" ({whole / floor:.2f}x the floor)"
        )
        inside = pysbd_share(path, folder)
        print(f"  of which pySBD itself:            {inside:6.2f} s")
        print(f"  of which annotator's own:         {whole - inside:6.2f} s")
        tracemalloc.start()
        annotator_import(path, folder)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"peak Python memory of the import:   {peak / 1e6:6.1f} MB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
