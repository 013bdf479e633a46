"""The review window on a typed study (issue 23), driven by keys and checked in the
project file: an article-level field and a multiple-choice field settled with the coders'
numbers, a number typed in (F2, Enter; a bad one refused in one line), undo; with
ANNOTATOR_SCREENSHOT set, the window showing an article-level disagreement is saved as
docs/review-article-1366x768.png."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.codebook import load_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import article_unit_id, find_unit
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.location import Location
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.ui.review.disagreements import SENTENCE
from tests.ui.test_review_data import enter_review, on_disagreements

DATA = Path(__file__).resolve().parents[1] / "data"
DOCS = Path(__file__).resolve().parents[2] / "docs"
TYPED = load_codebook(DATA / "codebooks" / "typed-study.json")
CTRL = Qt.KeyboardModifier.ControlModifier

CODES = {
    "alice": {
        "article": {"story_kind": "opinion", "topics": "politics;health", "column_author": "Ama"},
        "sentence": {"source": "named", "sources_cited": "2"},
    },
    "bob": {
        "article": {"story_kind": "news", "topics": "health"},
        "sentence": {"source": "named", "sources_cited": "4"},
    },
}


@pytest.fixture
def path(project_location) -> Location:
    """A typed study where alice and bob differ on the article's story kind and topics
    and on a sentence's count of sources."""
    location = project_location("typed-review.annotator")
    with Project.create(location, TYPED) as project:
        assert not import_paths(project, [DATA / "harbor-deal.txt"]).failures
        units = {
            "article": article_unit_id(project, find_unit(project, "harbor-deal#1").article_id),
            "sentence": find_unit(project, "harbor-deal#2").id,
        }
        for coder, by_unit in CODES.items():
            for unit, codes in by_unit.items():
                coding.apply_codes(project, coder, units[unit], codes)
    return location


@pytest.fixture
def window(qtbot, open_window, path):
    return on_disagreements(qtbot, enter_review(qtbot, open_window("alice", path)))


def consensus(path: Location) -> dict[str, str]:
    """The consensus coder's codes, by field, over the whole project."""
    with Project.open(path) as project:
        stored = coding.coder_codes(project, CONSENSUS)
    return {field: code for codes in stored.values() for field, code in codes.items()}


def test_an_article_field_and_a_multiple_choice_settled_by_keys(qtbot, window, path):
    tab = window.disagreements
    rows = [(d.field, d.place) for d in tab.visible()]
    assert rows == [
        ("story_kind", "harbor-deal — the article"),  # column_author: bob was not asked it
        ("topics", "harbor-deal — the article"),
        ("sources_cited", "harbor-deal#2"),
    ]
    first = tab.proxy.index(0, SENTENCE).data()
    assert first.startswith("The article: ") and len(first) > len("The article: ")
    assert tab.proxy.index(0, 1).data() == "article"
    assert "harbor-deal — the article" in tab.context.toPlainText()
    assert tab.panel.buttons[1].text().endswith("bob: News")
    assert tab.panel.other_code.currentData() is None  # nothing shown as decided yet

    qtbot.keyClick(tab.table, "2")  # bob's story kind
    assert consensus(path) == {"story_kind": "news"}
    assert tab.current().field == "topics"
    assert [b.text().split(": ", 1)[1] for b in tab.panel.buttons] == ["Politics; Health", "Health"]
    assert tab.proxy.index(1, 5).data() == "Politics; Health"  # alice's column: labels joined
    qtbot.keyClick(tab.table, "1")  # alice's topics
    assert consensus(path) == {"story_kind": "news", "topics": "politics;health"}
    assert window.save_state.text() == "Saved"

    qtbot.keyClick(window, "z", CTRL)
    assert consensus(path) == {"story_kind": "news"}
    qtbot.keyClick(window, "z", CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert consensus(path) == {"story_kind": "news", "topics": "politics;health"}


def test_a_number_typed_in_is_checked_and_set_by_keys(qtbot, window, path):
    tab = window.disagreements
    tab.select(*next((d.unit_id, d.field) for d in tab.visible() if d.field == "sources_cited"))
    tab.table.setFocus()
    panel = tab.panel
    assert panel.typed_value.isVisible() and not panel.other_code.isVisible()
    qtbot.keyClick(tab.table, Qt.Key.Key_F2)
    assert panel.typed_value.hasFocus()
    qtbot.keyClicks(panel.typed_value, "21")
    qtbot.keyClick(panel.typed_value, Qt.Key.Key_Return)
    assert panel.value_error.isVisible()
    assert panel.value_error.text() == "field 'sources_cited': '21' is above the maximum 20"
    assert consensus(path) == {}
    panel.typed_value.clear()
    qtbot.keyClicks(panel.typed_value, "3")
    qtbot.keyClick(panel.typed_value, Qt.Key.Key_Return)
    assert consensus(path) == {"sources_cited": "3"}
    assert not panel.value_error.isVisible()
    assert tab.table.hasFocus()  # the next number key decides again
    qtbot.keyClick(window, "z", CTRL)
    assert consensus(path) == {}


def test_screenshot_of_an_article_level_disagreement(qtbot, window):
    """The review window at 1366x768 on an article-level disagreement (its title where a
    sentence would be); saved to docs/ with ANNOTATOR_SCREENSHOT set."""
    window.resize(1366, 768)
    tab = window.disagreements
    assert tab.current().on_article
    qtbot.waitUntil(lambda: window.size().width() == 1366)
    picture = window.grab()
    assert (picture.width(), picture.height()) == (1366, 768)
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        assert picture.save(str(DOCS / "review-article-1366x768.png"))
