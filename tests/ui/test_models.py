"""Every custom item model passes pytest-qt's model tester, filled with real project data."""

from __future__ import annotations

from annotator.core.coding import service as coding
from annotator.core.coding.article_views import article_order, article_summaries, article_units
from annotator.core.store.project import Project
from annotator.ui.article_list import (
    ArticleFilterProxy,
    ArticleListModel,
    FinishedRole,
    ProjectRows,
)
from annotator.ui.start_screen import RecentProjectsModel
from annotator.ui.units_model import CompleteRole, UnitsModel


def test_article_list_model_and_filter(qtmodeltester, project_path):
    with Project.open(project_path) as project:
        _check_article_list(qtmodeltester, project)


def _check_article_list(qtmodeltester, project: Project) -> None:
    summaries = article_summaries(project, "alice")
    order = article_order(project)
    model = ArticleListModel()
    model.set_articles(order, ProjectRows(project, "alice", order.twins))
    assert model.summaries() == summaries  # read page by page: the same rows
    qtmodeltester.check(model)
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_text("harbour")
    assert proxy.rowCount() == 1
    proxy.set_text("")
    first = summaries[0]
    model.set_progress(first.id, first.total)
    assert model.index(0).data(FinishedRole)
    proxy.set_unfinished_only(True)
    assert proxy.rowCount() == len(summaries) - 1
    qtmodeltester.check(proxy)


def test_units_model_follows_committed_changes(qtmodeltester, project_path):
    with Project.open(project_path) as project:
        article = article_summaries(project, "alice")[0]
        units = article_units(project, article.id)
        model = UnitsModel(project.codebook)
        model.set_article(article.id, units, {}, {})
        qtmodeltester.check(model)
        sentence = next(u for u in units if u.kind == "sentence")
        changes = coding.apply_codes(
            project,
            "alice",
            sentence.id,
            {"attribution": "unattributed", "claim_type": "fact", "confidence": "low"},
        )
    model.apply_changes(changes)
    assert model.index(model.row_of(sentence.id)).data(CompleteRole)
    assert model.complete_count() == 1
    qtmodeltester.check(model)


def test_recent_projects_model(qtmodeltester, project_path, tmp_path):
    model = RecentProjectsModel([str(project_path), str(tmp_path / "gone.annotator")])
    qtmodeltester.check(model)
    assert "(missing)" in model.index(1).data()
