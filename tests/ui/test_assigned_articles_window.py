"""A coder of a shared project with an assignment (`study.assignment`) sees only the
articles assigned to them in the coding window; a coder outside the assignment, and every
coder of a project without one, sees every article (issue 25)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt

from annotator.core.store.project import Project
from annotator.core.study.articles import article_facts
from annotator.core.study.assign import assign_study, recorded_assignment
from annotator.core.study.plan import make_plan, save_plan
from annotator.core.study.sample_size import SmallestShare
from tests.conftest import SAMPLE_TEXTS, bundled_codebook


def _assigned_project(path, out) -> dict[str, set[str]]:
    """The three sample articles, the first double-coded, the rest split between two coders;
    returns each coder's article keys."""
    from annotator.core.ingest.into_project import import_paths

    with Project.create(path, bundled_codebook()) as project:
        assert not import_paths(project, SAMPLE_TEXTS).failures
        facts = article_facts(project)
        plan = make_plan(project, 0.8, 0.05, SmallestShare(0.5, "test"), seed=1)
        save_plan(project, dataclasses.replace(plan, articles=facts[:1]))
        assign_study(project, ["alice", "bob"], out, seed=4)
        record = recorded_assignment(project)
    assert record is not None
    return {
        name: {a.key for a in facts if name in record["articles"][a.sha256]["coders"]}
        for name in ("alice", "bob")
    }


def _listed(window) -> list[str]:
    model = window.controller.articles
    return [model.summary(row).key for row in range(model.rowCount())]


def test_the_window_lists_only_the_coders_assignments(
    qtbot, open_window, project_location, tmp_path
):
    path = project_location("study.annotator")
    mine = _assigned_project(path, tmp_path / "coders")
    assert mine["alice"] != mine["bob"] and len(mine["alice"]) < 3
    window = open_window("alice", path)
    assert set(_listed(window)) == mine["alice"]
    opened = set()
    for _ in range(4):  # Page Down walks her list, never into bob's articles
        qtbot.keyClick(window, Qt.Key.Key_PageDown)
        opened.add(
            window.controller.articles.summary(
                window.controller.articles.row_of(window.controller.article_id)
            ).key
        )
    assert opened <= mine["alice"]


def test_a_coder_outside_the_assignment_sees_every_article(open_window, project_location, tmp_path):
    path = project_location("study.annotator")
    _assigned_project(path, tmp_path / "coders")
    window = open_window("carol", path)
    assert len(_listed(window)) == 3
