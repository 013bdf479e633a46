"""The rows of a layout do not depend on how its units are read: chunk sizes, the stored
order of units against the reading order, and units that are read but not exported."""

from __future__ import annotations

import pytest
import test_export_support as support
from sqlalchemy import text
from sqlmodel import col, select

from annotator.core.export import ExportOptions
from annotator.core.export.rows import Layout
from annotator.core.store.models import Article, Code, Unit


@pytest.fixture(scope="module")
def project(module_project_location):
    project = support.sample_project(module_project_location("chunks.annotator"))
    assert project.codebook.article_fields  # their codes sit on units no layout here shows
    yield project
    project.close()


def layout_rows(project, chunk_size: int, layout: str = "long", **options) -> list[tuple]:
    with project.reading() as session:
        made = Layout(project, session, ExportOptions(layout, **options))
        return [row for chunk in made.chunks(chunk_size) for row in chunk.rows]


def article_keys(project) -> list[str]:
    with project.reading() as session:
        return list(session.exec(select(Article.key).order_by(Article.position)).all())


@pytest.mark.parametrize("layout", ["long", "wide", "consensus"])
def test_small_chunks_give_the_rows_of_one_chunk(project, layout):
    whole = layout_rows(project, 10**6, layout)
    assert len(whole) > 20
    for size in (1, 3, 7):
        assert layout_rows(project, size, layout) == whole


def test_articles_read_in_another_order_than_stored_keep_their_codes(project):
    """Reversing the reading order makes chunks whose unit ids are far apart (read by
    their ids) beside chunks of neighbouring ids (read as a range)."""
    before = layout_rows(project, 3)
    keys = article_keys(project)
    with project.writing() as session:
        for article in session.exec(select(Article)).all():
            article.position = -article.position
    try:
        assert article_keys(project) == keys[::-1]
        for size in (3, 7, 10**6):
            after = layout_rows(project, size)
            assert sorted(after, key=repr) == sorted(before, key=repr)
            assert [row[0] for row in after] == sorted(
                (row[0] for row in before), key=keys[::-1].index
            )
    finally:
        with project.writing() as session:
            for article in session.exec(select(Article)).all():
                article.position = -article.position


def test_articles_left_out_of_a_selection_stay_out_though_read_in_a_range(project):
    """The first and last articles: the middle one's coded units lie between them, inside
    the range a chunk reads, and must not lend their codes to anyone."""
    keys = article_keys(project)
    chosen = (keys[0], keys[-1])
    every = layout_rows(project, 10**6)
    picked = layout_rows(project, 10**6, articles=chosen)
    assert picked == [row for row in every if row[0] in chosen]
    assert {row[0] for row in every} - set(chosen)  # the middle article has rows too


def test_a_coder_whose_codes_are_all_of_fields_the_codebook_lacks_coded_nothing(
    project_location,
):
    """Rows whose every code is of a field the current codebook does not have (left by an
    older codebook, or written around the app) are uncoded rows, on every unit, not only
    the first one seen."""
    project = support.sample_project(project_location("retired.annotator"), coders=("ann",))
    try:
        with project.writing() as session:
            if project.on_server:  # as psql or a file editor could (see test_export_hostile_codes)
                session.execute(text("ALTER TABLE code DISABLE TRIGGER code_in_codebook"))
            else:
                session.execute(text("DROP TRIGGER code_in_codebook_on_update"))
            units = session.exec(
                select(Code.unit_id)
                .join(Unit, Unit.id == Code.unit_id)
                .where(Unit.kind == "sentence")
                .distinct()
                .order_by(Code.unit_id)
                .limit(2)
            ).all()
            codes = session.exec(select(Code).where(col(Code.unit_id).in_(units))).all()
            for number, code in enumerate(codes):
                code.field = f"retired_{number}"
                session.add(code)
            session.flush()
            if project.on_server:
                session.execute(text("ALTER TABLE code ENABLE TRIGGER code_in_codebook"))
        with project.reading() as session:
            made = Layout(project, session, ExportOptions("long"))
            names = [column.name for column in made.columns]
            rows = [row for chunk in made.chunks() for row in chunk.rows]
        ids = dict(zip(names, range(len(names)), strict=True))
        retired = [row for row in rows if row[ids["unit_key"]] in _keys(project, units)]
        assert len(retired) == 2
        for row in retired:
            fields = [row[ids[f.key]] for f in project.codebook.unit_fields]
            assert fields == [None] * len(fields)
            assert row[ids["coded_at"]] is None and row[ids["codebook"]] is None
    finally:
        project.close()


def _keys(project, unit_ids) -> set[str]:
    with project.reading() as session:
        found = session.exec(
            select(Article.key, Unit.idx)
            .join(Unit, col(Unit.article_id) == Article.id)
            .where(col(Unit.id).in_(unit_ids))
        ).all()
    return {f"{key}#{idx}" for key, idx in found}
