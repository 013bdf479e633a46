"""Agreement reads a project's codes as arrays, a chunk of rows at a time (issue 29): its
memory grows by a few bytes per code, not by a Python object per code, and the chunks
change nothing in what it reads."""

from __future__ import annotations

import random
import tracemalloc

import pandas  # noqa: F401  (imported before measuring: the read imports it on first use)
import pytest
from sqlmodel import col, select

from annotator.core.agreement import code_arrays
from annotator.core.agreement.from_project import project_agreement
from annotator.core.agreement.project_codes import coded_table
from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.ingest.documents import Block, ParsedArticle
from annotator.core.ingest.into_project import ImportReport, store_articles
from annotator.core.store.models import Article, Origin, Unit
from annotator.core.store.project import Project

ARTICLES = 100
SENTENCES = 20
CODERS = ("ann", "bob", "cai")
BYTES_PER_CODE = 120
"""The read's peak memory per code it reads, at most: its integer matrices take about 20,
a code read as a Python dict per unit and coder with string unit keys about 500."""


def invented_articles() -> list[ParsedArticle]:
    articles = []
    for number in range(ARTICLES):
        text = " ".join(
            f"Sentence {n} of report {number} was read aloud." for n in range(SENTENCES)
        )
        articles.append(
            ParsedArticle(
                text,
                [Block("paragraph", 0, len(text))],
                f"Report {number}",
                f"report-{number}",
                f"<report {number}>",
            )
        )
    return articles


@pytest.fixture(scope="module")
def coded(module_project_location):
    """Three coders' random codes on every sentence, in every unit field (the conditional
    one where its condition holds), stored through the coding service's batch path."""
    codebook = bundled_codebook()
    project = Project.create(module_project_location("arrays.annotator"), codebook)
    store_articles(project, invented_articles(), report := ImportReport())
    assert not report.failures
    with project.reading() as session:
        units = session.exec(
            select(Unit.id, Article.sha256, Unit.start, Unit.end)
            .join(Article, col(Article.id) == Unit.article_id)
            .where(Unit.kind == "sentence")
        ).all()
    rng = random.Random(29)
    reason = codebook.field("anonymity_reason").when
    assert reason is not None
    batch = []
    for unit_id, sha, start, end in units:
        for coder in CODERS:
            codes = {f.key: rng.choice(f.categories).code for f in codebook.unit_fields}
            if not reason.holds(codes):
                del codes["anonymity_reason"]  # not asked: the window stores none
            batch += [
                coding.BatchCode(unit_id, sha, start, end, coder, k, v) for k, v in codes.items()
            ]
    coding.write_in_batches(project, batch, origin=Origin.IMPORT)
    yield project, len(batch)
    project.close()


def test_the_read_holds_no_python_object_per_code(coded, monkeypatch):
    """tracemalloc's peak while reading every measured field stays under a few bytes per
    code (the old read, a dict per unit and coder, took about 500)."""
    project, n_codes = coded
    monkeypatch.setattr(code_arrays, "CHUNK_ROWS", 1000)
    keys = measured_fields(project)
    coded_table(project, keys)  # once first: SQL compiled, modules imported
    tracemalloc.start()
    try:
        table = coded_table(project, keys)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert table.cells("attribution").codes.shape == (3, ARTICLES * SENTENCES)
    assert peak < BYTES_PER_CODE * n_codes, f"{peak / n_codes:.0f} bytes per code"


def test_chunks_change_nothing_in_the_figures(coded, monkeypatch):
    """The agreement with the rows read 777 at a time (chunk edges inside a unit) is the
    agreement with them read at once."""
    project, _ = coded
    whole = project_agreement(project, bootstrap_samples=20).to_dict()
    monkeypatch.setattr(code_arrays, "CHUNK_ROWS", 777)
    assert project_agreement(project, bootstrap_samples=20).to_dict() == whole
