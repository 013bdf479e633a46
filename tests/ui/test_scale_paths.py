"""The window's paths that touch one article cost the same in any project (issue 29)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.article_views import ArticleOrder, ArticleSummary
from annotator.core.coding.service import ArticleProgress
from annotator.core.errors import AnnotatorError
from annotator.core.ingest.into_project import import_paths
from annotator.core.store import backup
from annotator.core.store.project import Project
from annotator.ui import article_list
from annotator.ui.article_list import ArticleFilterProxy, ArticleListModel, ProjectRows


class ListedRows:
    """Rows from a list, counting what the model asks for (`article_list.ArticleRows`)."""

    def __init__(self, summaries: list[ArticleSummary]) -> None:
        self.by_id = {summary.id: summary for summary in summaries}
        self.read: list[int] = []

    def page(self, ids):
        self.read += ids
        return [self.by_id[i] for i in ids]

    def progress(self, ids):
        return {i: ArticleProgress(i, self.by_id[i].complete, self.by_id[i].total) for i in ids}

    def search_texts(self):
        return {i: summary.search_text for i, summary in self.by_id.items()}


def listed(count: int) -> tuple[ArticleOrder, ListedRows]:
    summaries = [
        ArticleSummary(i, f"a{i}", f"Article {i}", "", "", i % 3, 2 + i % 2)
        for i in range(1, count + 1)
    ]
    ids = [s.id for s in summaries]
    order = ArticleOrder(ids, [s.key for s in summaries], [""] * count, [""] * count, {})
    return order, ListedRows(summaries)


def test_a_key_press_updates_the_status_bar_sums_without_visiting_every_article(qapp, monkeypatch):
    model = ArticleListModel()
    order, rows = listed(50)
    model.set_articles(order, rows)
    model.count_all()
    visits = []
    real = coding.is_finished

    def counted(complete: int, total: int) -> bool:
        visits.append((complete, total))
        return real(complete, total)

    monkeypatch.setattr(coding, "is_finished", counted)
    model.set_progress(7, 3)  # a coding action completed a unit of article 7
    overall = model.overall()
    assert len(visits) <= 2  # article 7 before and after, not all fifty

    monkeypatch.setattr(coding, "is_finished", real)
    rows = model.summaries()
    assert overall == (
        sum(r.complete for r in rows),
        sum(r.total for r in rows),
        sum(1 for r in rows if r.complete >= r.total),
        50,
    )
    model.set_progress(7, 0)
    model.set_progress(9, 0)
    rows = model.summaries()
    assert model.overall() == (
        sum(r.complete for r in rows),
        sum(r.total for r in rows),
        sum(1 for r in rows if r.complete >= r.total),
        50,
    )


def test_the_list_reads_the_rows_a_view_shows_and_counts_the_rest_later(qapp):
    model = ArticleListModel()
    order, rows = listed(1000)
    model.set_articles(order, rows)
    assert model.rowCount() == 1000
    assert rows.read == []  # listing them read no row
    assert model.summary(500).title == "Article 501"
    assert len(rows.read) == article_list.LIST_PAGE  # the page that row is on
    assert model.overall() is None  # the sums are counted when the window is idle
    model.count_all()
    assert model.overall().articles == 1000
    assert len(rows.read) == article_list.LIST_PAGE  # counting reads no row either


def test_filtering_reads_no_row_even_when_the_list_is_read_again(qapp):
    model = ArticleListModel()
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    order, rows = listed(1000)
    model.set_articles(order, rows)
    proxy.set_text("A7")  # the keys a7, a70-a79, a700-a799
    assert proxy.rowCount() == 111
    proxy.set_text("")
    proxy.set_unfinished_only(True)
    assert proxy.rowCount() == sum(1 for i in order.ids if i % 3 < 2 + i % 2)
    model.set_articles(order, rows)  # read again (an import, another window's change)
    assert proxy.rowCount() == sum(1 for i in order.ids if i % 3 < 2 + i % 2)
    assert rows.read == []  # the filters used what the list holds and what it counted


def test_a_page_out_of_reach_is_shown_by_key_and_tried_again_with_the_list(qapp):
    model = ArticleListModel()
    order, rows = listed(300)
    said: list[str] = []
    model.read_failed.connect(said.append)
    real_page = rows.page

    def unreachable(ids):
        rows.read += ids
        raise AnnotatorError("the server is out of reach")

    rows.page = unreachable
    model.set_articles(order, rows)
    assert [model.summary(row).title for row in (0, 1)] == ["a1", "a2"]  # keys meanwhile
    assert len(rows.read) == article_list.LIST_PAGE  # tried once, not once a row
    assert said == ["the server is out of reach"]
    rows.page = real_page
    model.set_articles(order, rows)  # the list read again (the window does on reconnecting)
    assert model.summary(1).title == "Article 2"


def write_articles(path, count: int) -> None:
    """`count` one-sentence articles from two outlets, imported from a CSV file."""
    rows = [
        f"article-{n},Article {n},Officials met on day {n}.,Outlet {n % 2}" for n in range(count)
    ]
    source = path.with_suffix(".csv")
    source.write_text("id,title,text,outlet\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with Project.create(path, bundled_codebook()) as project:
        assert len(import_paths(project, [source]).imported) == count


@pytest.mark.sqlite_only  # the articles are written to a file
def test_the_window_opens_a_large_list_reading_only_the_rows_it_shows(
    qtbot, open_window, tmp_path, monkeypatch
):
    path = tmp_path / "many.annotator"
    write_articles(path, 300)
    monkeypatch.setattr(article_list, "LIST_PAGE", 20)
    pages: list[list[int]] = []
    progress_asked: list[object] = []
    real_page, real_progress = ProjectRows.page, coding.progress
    monkeypatch.setattr(
        ProjectRows, "page", lambda rows, ids: pages.append(ids) or real_page(rows, ids)
    )

    def progress(project, coder, article_ids=None):
        progress_asked.append(article_ids)
        return real_progress(project, coder, article_ids)

    monkeypatch.setattr(coding, "progress", progress)
    window = open_window(path=path)
    assert window.controller.articles.rowCount() == 300
    read = {article_id for page in pages for article_id in page}
    assert 0 < len(read) <= 40  # the rows on screen: a page or two, not 300
    assert None not in progress_asked  # never every article's codes at once

    window.article_list.scrollToBottom()  # the last rows are read when they are shown
    window.article_list.viewport().repaint()
    assert window.controller.articles.row_of(max(read)) < 40
    assert window.controller.articles.article_id(299) in {i for page in pages for i in page}
    qtbot.waitUntil(lambda: window.controller.articles.overall() is not None)
    assert window.status.articles_done.text() == "0 of 300 articles done"
    assert None not in progress_asked

    window.article_filter.setText("article-298")  # the filter finds rows never shown
    assert window.article_proxy.rowCount() == 1
    window.article_facets.outlet.setCurrentIndex(window.article_facets.outlet.findData("Outlet 0"))
    window.article_filter.setText("")
    assert window.article_proxy.rowCount() == 150


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
