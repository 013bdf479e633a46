"""Codes of every type and scope through the one write path, checked by the database
(issue 23): article units, conditional fields switched off with their codes, undo, and
completeness in SQL agreeing with the codebook's own rule."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from annotator.core.codebook import load_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import article_unit_id, find_unit, list_units
from annotator.core.errors import CodingError, ProjectError
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.models import History
from annotator.core.store.project import Project

DATA = Path(__file__).resolve().parents[1] / "data"
TYPED = load_codebook(DATA / "codebooks" / "typed-study.json")


@pytest.fixture
def typed_project(project_location):
    project = Project.create(project_location("typed.annotator"), TYPED)
    assert not import_paths(project, [DATA / "harbor-deal.txt", DATA / "border-talks.txt"]).failures
    yield project
    project.close()


def _sentence(project: Project) -> int:
    return next(u.id for u in list_units(project) if u.kind == "sentence")


def _article_unit(project: Project) -> int:
    unit_id = article_unit_id(project, find_unit(project, "harbor-deal#1").article_id)
    assert unit_id is not None
    return unit_id


def test_each_article_has_one_article_unit_that_text_listings_leave_out(typed_project):
    row = find_unit(typed_project, "harbor-deal#0")
    assert (row.kind, row.text) == ("article", "")
    assert all(u.kind != "article" for u in list_units(typed_project))
    with typed_project.reading() as session:
        count = session.exec(text("SELECT count(*) FROM unit WHERE kind = 'article'")).one()[0]
    assert count == 2


def test_every_type_is_written_and_read_back(typed_project):
    article, sentence = _article_unit(typed_project), _sentence(typed_project)
    coding.apply_codes(
        typed_project,
        "ann",
        article,
        {
            "story_kind": "opinion",
            "topics": "politics;health",
            "column_author": "Ama Boateng",
            "event_date": "2026-03-14",
        },
    )
    coding.apply_codes(typed_project, "ann", sentence, {"source": "named", "sources_cited": "3"})
    assert coding.unit_codes(typed_project, "ann", article) == {
        "story_kind": "opinion",
        "topics": "politics;health",
        "column_author": "Ama Boateng",
        "event_date": "2026-03-14",
    }
    assert coding.unit_codes(typed_project, "ann", sentence)["sources_cited"] == "3"


@pytest.mark.parametrize(
    ("codes", "problem"),
    [
        ({"story_kind": "news"}, "coded once per article"),  # on a sentence
        ({"sources_cited": "2.5"}, "not a whole number"),
        ({"sources_cited": "99"}, "above the maximum"),
        ({"printed_name": "x" * 81}, "longer than 80"),
        ({"reason": "given"}, "not asked here: only when Source is anonymous"),
    ],
)
def test_the_write_path_refuses_what_the_codebook_does_not_allow(typed_project, codes, problem):
    with pytest.raises(CodingError, match=problem):
        coding.apply_codes(typed_project, "ann", _sentence(typed_project), codes)
    assert coding.unit_codes(typed_project, "ann", _sentence(typed_project)) == {}


def test_a_unit_field_on_the_article_unit_is_refused(typed_project):
    with pytest.raises(CodingError, match="coded on each unit"):
        coding.apply_codes(typed_project, "ann", _article_unit(typed_project), {"source": "named"})


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("topics", "politics;;health"),
        ("topics", "politics;sport"),
        ("sources_cited", "3.0"),
        ("sources_cited", "21"),
        ("sources_cited", "1e3"),
        ("printed_name", " padded"),
        ("event_date", "2026-02-30"),
        ("story_kind", "news"),  # an article field on a sentence
    ],
)
def test_the_database_refuses_a_code_the_app_would_not_write(typed_project, field, code):
    """As migration 0003's check does for categories, on SQLite and PostgreSQL alike: a
    team member with psql, or anyone editing a file, cannot store what the app would not."""
    unit = _article_unit(typed_project) if field == "topics" else _sentence(typed_project)
    if field == "event_date":
        unit = _article_unit(typed_project)
    coding.apply_codes(typed_project, "ann", _sentence(typed_project), {"source": "named"})
    with (
        pytest.raises(ProjectError, match="not in the project's codebook"),
        typed_project.writing() as session,
    ):
        session.execute(
            text(
                "INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id,"
                " coded_at) SELECT :unit, id, :field, :code, 1, '2026-12-01' FROM coder"
                " WHERE name = 'ann'"
            ),
            {"unit": unit, "field": field, "code": code},
        )


def test_switching_a_condition_off_clears_its_fields_with_history_and_undo(typed_project):
    sentence = _sentence(typed_project)
    coding.apply_codes(
        typed_project,
        "ann",
        sentence,
        {"source": "anonymous", "reason": "given", "printed_name": "a port official"},
    )
    changes = coding.apply_codes(typed_project, "ann", sentence, {"source": "none"})
    assert {(c.target, c.old, c.new) for c in changes} == {
        ("source", "anonymous", "none"),
        ("reason", "given", None),
        ("printed_name", "a port official", None),
    }
    assert coding.unit_codes(typed_project, "ann", sentence) == {"source": "none"}
    with typed_project.reading() as session:
        cleared = session.exec(
            select(func.count()).where(History.target == "reason", History.new == None)  # noqa: E711
        ).one()
    assert cleared == 1
    inverse = [coding.Change(c.unit_id, c.coder, c.target, c.new, c.old) for c in changes]
    coding.apply_changes(typed_project, "ann", inverse, origin="undo", all_or_nothing=True)
    assert coding.unit_codes(typed_project, "ann", sentence) == {
        "source": "anonymous",
        "reason": "given",
        "printed_name": "a port official",
    }


def test_a_chain_keeps_a_field_its_other_branch_still_asks_for(typed_project):
    sentence = _sentence(typed_project)
    coding.apply_codes(
        typed_project,
        "ann",
        sentence,
        {"source": "anonymous", "reason": "given", "printed_name": "an aide"},
    )
    coding.apply_codes(typed_project, "ann", sentence, {"source": "named"})
    assert coding.unit_codes(typed_project, "ann", sentence) == {
        "source": "named",
        "printed_name": "an aide",
    }


def test_completeness_in_sql_agrees_with_the_codebook(typed_project):
    """Every combination of the unit's choice fields (and the article's), one coder a
    unit: `completed_units` in SQL lists exactly the units `Codebook.is_complete` says."""
    units = [u for u in list_units(typed_project) if u.kind == "sentence"]
    combos = list(
        itertools.product([None, "named", "anonymous", "none"], [None, "given", "not_given"])
    )
    expected = set()
    for unit, (source, reason) in zip(units, combos, strict=False):
        codes = {"source": source}
        if source == "anonymous":
            codes["reason"] = reason
        codes = {k: v for k, v in codes.items() if v is not None}
        if codes:
            coding.apply_codes(typed_project, "ann", unit.id, codes)
        if TYPED.is_complete("sentence", codes) and codes:
            expected.add(unit.id)
    article = _article_unit(typed_project)
    coding.apply_codes(typed_project, "ann", article, {"story_kind": "opinion"})
    with typed_project.reading() as session:
        complete = coding.completed_units(TYPED, "ann")
        done = set(session.exec(select(complete.c.unit_id)).all())
    assert done == expected  # the article unit lacks its columnist: not complete
    coding.apply_codes(typed_project, "ann", article, {"column_author": "Ama Boateng"})
    with typed_project.reading() as session:
        done = set(session.exec(select(coding.completed_units(TYPED, "ann").c.unit_id)).all())
    assert done == expected | {article}
    progress = coding.progress(typed_project, "ann")
    harbor = find_unit(typed_project, "harbor-deal#1").article_id
    assert progress[harbor].total == 1 + sum(1 for u in units if u.article_key == "harbor-deal")
