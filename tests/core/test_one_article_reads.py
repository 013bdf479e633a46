"""Reading one article's codes, or a page of the article list's progress, costs the same
whatever else the project holds (issue 29: the window reads the article on selection).

SQLite's own count of the steps its virtual machine runs is the measure: deterministic,
unlike a clock. Each read is counted, then every other article is coded in full, and the
read is counted again: walking the coder's codes in other articles would show as more
(reading one article's codes joined through the unit table did: SQLite's planner went
through every code of the coder's, 0.25 s an article at 10,000 articles).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from sqlalchemy import event

from annotator.core.coding import service as coding
from annotator.core.coding.article_views import article_order, article_page, last_article_of
from annotator.core.coding.lookups import find_unit, list_units
from annotator.core.store.project import Project

pytestmark = pytest.mark.sqlite_only  # counts SQLite's steps


def steps(project: Project, read: Callable[[], object]) -> int:
    """The virtual machine instructions SQLite ran for `read`."""
    count = [0]

    def counting(_connection, cursor, *_args) -> None:
        raw = cursor.connection
        assert isinstance(raw, sqlite3.Connection)
        raw.set_progress_handler(lambda: count.__setitem__(0, count[0] + 1) or 0, 1)

    event.listen(project.read_engine, "before_cursor_execute", counting)
    try:
        read()
    finally:
        event.remove(project.read_engine, "before_cursor_execute", counting)
    return count[0]


def code_every_unit(project: Project, coder: str, article_keys: list[str]) -> None:
    codebook = project.codebook
    for key in article_keys:
        for unit in list_units(project, key):
            if unit.kind in codebook.coded_kinds:
                asked = [f for f in codebook.unit_fields if f.when is None]  # of every unit
                codes = {field.key: field.categories[0].code for field in asked}
                coding.apply_codes(project, coder, unit.id, codes)
        own = find_unit(project, f"{key}#0").id  # the article's own questions
        asked = [f for f in codebook.article_fields if f.when is None]
        coding.apply_codes(project, coder, own, {f.key: f.categories[0].code for f in asked})


def test_one_articles_codes_and_a_list_page_cost_the_same_whatever_else_is_coded(
    sample_project,
):
    order = article_order(sample_project)
    first, others = order.ids[0], order.keys[1:]
    code_every_unit(sample_project, "alice", [order.keys[0]])

    def reads() -> list[int]:
        return [
            steps(sample_project, lambda: coding.coder_codes(sample_project, "alice", first)),
            steps(sample_project, lambda: coding.coder_notes(sample_project, "alice", first)),
            steps(sample_project, lambda: coding.progress(sample_project, "alice", [first])),
            steps(
                sample_project,
                lambda: article_page(sample_project, "alice", [first], order.twins),
            ),
        ]

    before = reads()
    code_every_unit(sample_project, "alice", others)
    after = reads()
    # The same, but for a deeper index here and there (a few instructions); walking the
    # other articles' codes would more than double the first read.
    assert all(b <= a <= b * 1.05 for a, b in zip(after, before, strict=True)), (after, before)
    complete = coding.progress(sample_project, "alice", [first])[first]
    assert complete.finished and complete.total > 0


def test_where_a_new_coder_starts_is_found_without_reading_the_history(sample_project):
    order = article_order(sample_project)

    def starting() -> int:
        return steps(sample_project, lambda: last_article_of(sample_project, "newcomer"))

    before = starting()
    code_every_unit(sample_project, "alice", order.keys)  # a long history, all alice's
    assert starting() == before
    assert last_article_of(sample_project, "newcomer") is None
    assert last_article_of(sample_project, "alice") == order.ids[-1]
