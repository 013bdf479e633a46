"""Articles from news archives in the coding window: the outlet, date and byline above
the text, the list filtered by outlet and month, suggestions refused for a language
they were not made for; with ANNOTATOR_SCREENSHOT set, the window is saved to docs/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.codebook import bundled_codebook
from annotator.core.coding.article_views import article_summaries
from annotator.core.coding.lookups import list_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from tests.ui.conftest import stored_codes
from tests.ui.test_screenshot import DOCS, assert_not_blank

ARCHIVES = Path(__file__).resolve().parent.parent / "data" / "archives"
GERMAN = "fahre-kielsandvik-wird-eingestellt"


@pytest.fixture
def archive_path(project_location):
    path = project_location("archives.annotator")
    with Project.create(path, bundled_codebook()) as project:
        files = [ARCHIVES / "nexis-uni-export.docx", ARCHIVES / "lexisnexis-academic.txt"]
        assert import_paths(project, files).failures == []
    return path


def open_key(window, key: str) -> None:
    summary = next(s for s in window.controller.articles.summaries() if s.key == key)
    window.controller.open_article(summary.id)


def listed(window) -> list[str]:
    proxy = window.article_proxy
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def test_the_article_header_shows_outlet_date_and_byline(qtbot, open_window, archive_path):
    window = open_window(path=archive_path)
    qtbot.keyClick(window.reader, Qt.Key.Key_Home)
    open_key(window, "harbour-deal-stalls-as-authority-balks-at-cost")
    header = window.article_header
    assert header.isVisible()
    assert header.toolTip() == (
        "The Portmere Courier · 2010-01-11 · By Jane Roe · near-duplicate of "
        "harbour-expansion-stalls-over-dredging-bill"
    )
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # the next article: its own header
    assert header.toolTip() == "Nordwest-Kurier · 2011-09-02 · By Petra Lindqvist · in German"


def test_the_list_filters_by_outlet_and_by_month(qtbot, open_window, archive_path):
    window = open_window(path=archive_path)
    facets = window.article_facets
    assert facets.isVisible()
    facets.outlet.setFocus()
    facets.outlet.setCurrentIndex(facets.outlet.findText("Valley Gazette"))
    assert listed(window) == ["Cracks close Varnes bridge to lorries"]
    facets.outlet.setCurrentIndex(0)  # all outlets again
    facets.month.setCurrentIndex(facets.month.findText("2010-01"))
    assert listed(window) == [
        "Harbour deal stalls as authority balks at cost",
        "Harbour expansion stalls over dredging bill",
    ]


def test_an_article_not_in_english_gets_no_suggestions_and_says_why(
    qtbot, open_window, archive_path
):
    window = open_window(path=archive_path)
    open_key(window, GERMAN)
    qtbot.waitUntil(lambda: not window.suggestions.pending)
    label = window.panel.suggestion_label
    assert label.text() == "Suggestions are for English only; this article is in German."
    assert label.isVisible()
    qtbot.keyClick(window, window.suggestions.key)  # accepting: nothing to accept
    with Project.open(archive_path) as project:
        german_units = {u.id for u in list_units(project, GERMAN)}
    assert not german_units & set(stored_codes(archive_path, "alice"))
    open_key(window, "harbour-deal-stalls-as-authority-balks-at-cost")
    qtbot.waitUntil(lambda: not window.suggestions.pending)
    assert "English only" not in label.text()


def test_render_the_coding_window_with_the_metadata_header(
    qtbot, open_window, archive_path, tmp_path
):
    window = open_window(path=archive_path)
    open_key(window, "harbour-deal-stalls-as-authority-balks-at-cost")
    for key in "4f8":
        qtbot.keyClick(window, key)
    window.resize(1366, 768)
    qtbot.wait(50)
    image = window.grab().toImage()
    assert (image.width(), image.height()) == (1366, 768)
    assert_not_blank(image)
    image.save(str(tmp_path / "archive.png"))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        assert image.save(str(DOCS / "coding-archive-1366x768.png"))


def test_importing_an_export_from_the_window_says_what_it_found(qtbot, open_window, project_path):
    window = open_window()
    path = ARCHIVES / "nexis-uni-export.docx"
    with qtbot.waitSignal(window.importer.imported, timeout=20_000):
        assert window.import_paths([str(path)])
    box = window.importer.report_box
    assert box is not None and box.isVisible()
    assert box.windowTitle() == "Import finished"
    assert f"{path}: Nexis Uni export: found 4 of 4 documents" in box.informativeText()
    assert window.controller.articles.rowCount() == 3 + 4
    with Project.open(project_path) as project:
        assert [s.title for s in article_summaries(project, "alice")][3:] == [
            "Harbour deal stalls as authority balks at cost",
            "Fähre Kiel–Sandvik wird eingestellt",
            "Harbour expansion stalls over dredging bill",
            "Cracks close Varnes bridge to lorries",
        ]
