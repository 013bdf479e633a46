"""Memos and article details through the core's write path (issue 28): stored where the
schema already has room (an article's metadata_json, the project's settings), each change
with a history row, bad input refused in one line with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import col, select

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import memos
from annotator.core.errors import CodingError
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.models import Article, History, ProjectSetting
from annotator.core.store.project import Project

SAMPLE = sorted((Path(__file__).parents[1] / "data").glob("*.txt"))[0]


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "memos.annotator", bundled_codebook()) as opened:
        import_paths(opened, [SAMPLE])
        yield opened


def first_article(project) -> Article:
    with project.reading() as session:
        return session.exec(select(Article)).first()


def history(project, target: str) -> list[tuple[str, str, str | None, str | None, str]]:
    with project.reading() as session:
        rows = session.exec(
            select(History).where(History.target == target).order_by(col(History.id))
        ).all()
        return [(row.article_sha256, row.coder, row.old, row.new, row.origin) for row in rows]


def test_an_article_memo_is_kept_in_its_metadata_beside_what_the_import_wrote(project):
    article = first_article(project)
    before = json.loads(article.metadata_json)
    edit = memos.set_article_memo(project, "alice", article.id, "Wire copy; check quotes.")
    assert edit == memos.Edit(article.id, "memo", None, "Wire copy; check quotes.")
    stored = json.loads(first_article(project).metadata_json)
    assert stored == {**before, "memo": "Wire copy; check quotes."}
    assert memos.article_memo(project, article.id) == "Wire copy; check quotes."
    assert history(project, "#memo") == [
        (article.sha256, "alice", None, "Wire copy; check quotes.", "manual")
    ]
    assert memos.set_article_memo(project, "alice", article.id, "Wire copy; check quotes.") is None
    memos.set_article_memo(project, "bob", article.id, "  \n")  # whitespace clears it
    assert "memo" not in json.loads(first_article(project).metadata_json)
    assert len(history(project, "#memo")) == 2


def test_the_project_memo_is_a_project_setting_with_history(project):
    memos.set_project_memo(project, "sam", "Pilot week: code only headlines.")
    with project.reading() as session:
        assert session.get(ProjectSetting, "memo").value == "Pilot week: code only headlines."
    assert memos.project_memo(project) == "Pilot week: code only headlines."
    memos.set_project_memo(project, "sam", "", origin="undo")
    assert memos.project_memo(project) == ""
    assert history(project, "#memo") == [
        ("", "sam", None, "Pilot week: code only headlines.", "manual"),
        ("", "sam", "Pilot week: code only headlines.", None, "undo"),
    ]


def test_title_outlet_and_date_are_edited_together_with_a_history_row_each(project):
    article = first_article(project)
    details = {"title": "A  new\ttitle", "outlet": "The Courier", "published": "2024-03-01"}
    edits = memos.edit_article(project, "alice", article.id, details)
    assert [edit.target for edit in edits] == ["title", "outlet", "published"]
    stored = first_article(project)
    assert (stored.title, stored.outlet, stored.published) == (
        "A new title",
        "The Courier",
        "2024-03-01",
    )
    assert history(project, "#title") == [
        (article.sha256, "alice", article.title, "A new title", "manual")
    ]
    assert memos.edit_article(project, "alice", article.id, {"outlet": "The Courier"}) == []
    memos.edit_article(project, "alice", article.id, {"outlet": ""})
    assert first_article(project).outlet is None


@pytest.mark.parametrize(
    ("details", "reason"),
    [
        ({"title": "  "}, "an article needs a title"),
        ({"published": "1st of March"}, "is not a date"),
        ({"outlet": "x" * 301}, "longer than 300"),
        ({"title": "Hidden\u202ereversal"}, "control characters"),
        ({"author": "Someone"}, "not an article detail"),
    ],
)
def test_bad_details_are_refused_in_one_line_and_nothing_is_written(project, details, reason):
    article = first_article(project)
    with pytest.raises(CodingError, match=reason):
        memos.edit_article(project, "alice", article.id, {"outlet": "Written first", **details})
    assert first_article(project).outlet == article.outlet
    assert history(project, "#outlet") == []


def test_a_memo_of_control_characters_or_for_a_removed_article_is_refused(project):
    with pytest.raises(CodingError, match="control characters"):
        memos.set_project_memo(project, "sam", "bell\x07")
    with pytest.raises(CodingError, match="no article with id 999"):
        memos.set_article_memo(project, "sam", 999, "memo")
