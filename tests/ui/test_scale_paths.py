"""The window's paths that touch one article cost the same in any project (issue 29)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.coding.article_views import ArticleSummary
from annotator.core.store import backup
from annotator.core.store.project import Project
from annotator.ui.article_list import ArticleListModel


def summaries(count: int) -> list[ArticleSummary]:
    return [
        ArticleSummary(i, f"a{i}", f"Article {i}", "", "", i % 3, 2 + i % 2)
        for i in range(1, count + 1)
    ]


def test_a_key_press_updates_the_status_bar_sums_without_visiting_every_article(qapp, monkeypatch):
    model = ArticleListModel()
    model.set_articles(summaries(50))
    visits = []
    real = ArticleSummary.finished

    def counted(summary: ArticleSummary) -> bool:
        visits.append(summary.id)
        return real.fget(summary)

    monkeypatch.setattr(ArticleSummary, "finished", property(counted))
    model.set_progress(7, 3)  # a coding action completed a unit of article 7
    complete, total = model.totals()
    finished = model.finished_count()
    assert len(visits) <= 2  # article 7 before and after, not all fifty

    rows = model.summaries()
    assert (complete, total) == (sum(r.complete for r in rows), sum(r.total for r in rows))
    assert finished == sum(1 for r in rows if r.complete >= r.total)
    model.set_progress(7, 0)
    model.set_progress(9, 0)
    rows = model.summaries()
    assert model.totals() == (sum(r.complete for r in rows), sum(r.total for r in rows))
    assert model.finished_count() == sum(1 for r in rows if r.complete >= r.total)


@pytest.mark.sqlite_only  # backups are copies of the project file
def test_the_window_backs_a_large_project_up_in_the_background(
    qtbot, open_window, project_path, monkeypatch
):
    monkeypatch.setattr(backup, "SMALL_PROJECT_BYTES", 0)  # the sample project counts as large
    with Project.open(project_path):  # a command on it copies nothing
        pass
    assert backup.list_backups(project_path) == []
    window = open_window()
    qtbot.waitUntil(lambda: [b.label for b in backup.list_backups(project_path)] == ["open"])
    qtbot.keyClick(window, "1")  # coding goes on meanwhile
    window.daily_backup.wait()
    [made] = backup.list_backups(project_path)
    assert made.path.parent == backup.backup_folder(Path(project_path))
