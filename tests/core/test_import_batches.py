"""Big CSV batches (issue 14): storing costs the same per article in a big project as in
an empty one (no lookup reads every article), and the import says how far it has got."""

from __future__ import annotations

import csv
import sqlite3

import pytest
from sqlalchemy import event

from annotator.core.coding.lookups import list_articles
from annotator.core.ingest.documents import ParsedArticle
from annotator.core.ingest.into_project import (
    BATCH_SIZE,
    ImportReport,
    free_article_key,
    store_articles,
)
from annotator.core.ingest.plain_text import blocks_from_plain_text
from tests.conftest import run_annotator


def untitled(count: int, start: int = 0) -> list[ParsedArticle]:
    """Articles whose keys all come from one base, as a batch whose titles repeat gives."""
    articles = []
    for number in range(start, start + count):
        text = f"Untitled\n\nStory number {number} happened. Officials said so."
        blocks = blocks_from_plain_text(text)
        articles.append(ParsedArticle(text, blocks, "Untitled", "", f"batch.csv row {number}"))
    return articles


def test_repeated_titles_get_numbered_keys_in_order_around_taken_ones(empty_project):
    store_articles(empty_project, untitled(1), ImportReport())
    with empty_project.writing() as session:
        assert free_article_key(session, "untitled") == "untitled-2"
        assert free_article_key(session, "untitled", ["untitled-2"]) == "untitled-3"
    calls: list[tuple[int, int]] = []
    report = ImportReport()
    store_articles(
        empty_project,
        untitled(2 * BATCH_SIZE + 50, start=1),
        report,
        lambda done, total, _current: calls.append((done, total)),
    )
    expected = [f"untitled-{n}" for n in range(2, 2 * BATCH_SIZE + 52)]
    assert report.imported == expected
    assert [a.key for a in list_articles(empty_project)] == ["untitled", *expected]
    total = 2 * BATCH_SIZE + 50
    assert calls == [(0, total), (BATCH_SIZE, total), (2 * BATCH_SIZE, total), (total, total)]


def test_a_cancel_stops_before_the_next_batch_and_keeps_what_is_stored(empty_project):
    report = ImportReport()
    store_articles(
        empty_project, untitled(3 * BATCH_SIZE), report, lambda done, _t, _c: done < BATCH_SIZE
    )
    assert report.cancelled
    assert len(report.imported) == len(list_articles(empty_project)) == BATCH_SIZE


@pytest.mark.sqlite_only  # SQLite's query plans
def test_storing_a_batch_reads_no_table_whole(empty_project):
    """Every lookup of a batch (duplicates by sha256, keys, position) goes through an index,
    and a batch runs as many statements in a big project as in an empty one: its cost
    does not grow with the project."""
    store_articles(empty_project, untitled(10 * BATCH_SIZE), ImportReport())
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(empty_project.write_engine, "before_cursor_execute", record)
    try:
        store_articles(empty_project, untitled(BATCH_SIZE, start=10_000), ImportReport())
    finally:
        event.remove(empty_project.write_engine, "before_cursor_execute", record)
    # duplicates, position, plain keys: one each; the 2,000 taken numbers: a few, doubling
    assert 0 < len(statements) <= 8
    with sqlite3.connect(empty_project.path) as connection:
        for statement, parameters in statements:
            plan = connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            scans = [row[-1] for row in plan if str(row[-1]).startswith("SCAN")]
            assert scans == [], (statement, scans)
    connection.close()


def test_the_command_line_counts_the_articles_of_a_batch(tmp_path, empty_project):
    empty_project.close()
    batch = tmp_path / "batch.csv"
    with batch.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "text"])
        for number in range(3 * BATCH_SIZE):
            writer.writerow([f"a{number}", "Same title", f"Story {number}. It happened."])
    result = run_annotator("import", str(empty_project.path), str(batch))
    assert result.returncode == 0, result.stderr
    assert f"storing: {BATCH_SIZE:,} of {3 * BATCH_SIZE:,} article(s)" in result.stderr
    assert f"storing: {3 * BATCH_SIZE:,} of {3 * BATCH_SIZE:,} article(s)" in result.stderr
    assert f"imported {3 * BATCH_SIZE} article(s)" in result.stdout
