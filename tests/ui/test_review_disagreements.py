"""The disagreement list in the review window: exactly the units where coders differ, and
its filters by field, article and coder pair, checked against the codes as they were made."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.store.location import Location
from annotator.core.store.project import Project
from annotator.core.supervision.adjudication import list_disagreements
from annotator.ui.review.disagreements import DisagreementFilter, DisagreementModel
from tests.ui.test_review_data import (
    build_review_project,
    enter_review,
    expected_disagreements,
)
from tests.ui.test_screenshot import assert_not_blank


@pytest.fixture
def path(project_location) -> Location:
    return project_location("review.annotator")


@pytest.fixture
def coded(path: Location) -> dict:
    return build_review_project(path)


@pytest.fixture
def review(qtbot, open_window, path, coded):
    window = open_window("alice", path)
    review = enter_review(qtbot, window)
    review.tabs.setCurrentWidget(review.disagreements)
    return review


def shown(review) -> set[tuple[int, str]]:
    return {(d.unit_id, d.field) for d in review.disagreements.visible()}


def choose(combo, data) -> None:
    """Pick an entry as a user would; a coder pair by the words it shows."""
    if isinstance(data, tuple):
        index = combo.findText(f"{data[0]} × {data[1]} differ")
    else:
        index = combo.findData(data)
    assert index >= 0
    combo.setCurrentIndex(index)


def test_the_list_holds_exactly_the_disagreements(review, coded):
    assert shown(review) == expected_disagreements(coded)
    tab = review.disagreements
    assert tab.model.coders == ["alice", "bob", "carol"]
    assert tab.count.text() == f"{len(shown(review))} of {len(shown(review))} shown"


def test_filter_by_field(review, coded):
    tab = review.disagreements
    choose(tab.field_choice, "claim_type")
    assert shown(review) == expected_disagreements(coded, field="claim_type")
    choose(tab.field_choice, "confidence")
    assert shown(review) == expected_disagreements(coded, field="confidence")
    assert len(shown(review)) == 1  # carol's one different confidence
    tab.field_choice.setCurrentIndex(0)
    assert shown(review) == expected_disagreements(coded)


def test_filter_by_coder_pair(review, coded):
    tab = review.disagreements
    choose(tab.pair_choice, ("alice", "bob"))
    assert shown(review) == expected_disagreements(coded, ("alice", "bob"))
    choose(tab.pair_choice, ("alice", "carol"))
    assert shown(review) == expected_disagreements(coded, ("alice", "carol"))
    choose(tab.field_choice, "attribution")
    assert shown(review) == set()  # alice and carol agree on every attribution


def test_filter_by_article(review, coded, path):
    tab = review.disagreements
    articles = [tab.article_choice.itemData(i) for i in range(1, tab.article_choice.count())]
    assert len(articles) == 3
    with Project.open(path) as project:
        for article in articles:
            choose(tab.article_choice, article)
            expected = {(d.unit_id, d.field) for d in list_disagreements(project, None, article)}
            assert shown(review) == expected
            assert {d.article_key for d in tab.visible()} == {article}


def test_choosing_coders_in_the_side_list_narrows_the_list(qtbot, review, coded):
    from tests.ui.test_review_data import wait_idle

    review.coders.set_chosen(["alice", "bob"])
    wait_idle(qtbot, review)
    assert shown(review) == expected_disagreements(coded, ("alice", "bob"))
    assert review.disagreements.model.coders == ["alice", "bob"]


def test_the_detail_shows_the_sentence_in_context_and_every_coders_code(qtbot, review):
    tab = review.disagreements
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    item = tab.current()
    text = tab.context.toPlainText()
    assert item.text in text
    if item.previous_text:
        assert item.previous_text in text
    if item.next_text:
        assert item.next_text in text
    buttons = [button.text() for button in tab.panel.buttons]
    assert [b.split()[1].rstrip(":") for b in buttons] == ["alice", "bob", "carol"]
    field = review.project.codebook.field(item.field)
    for button, coder in zip(buttons, ["alice", "bob", "carol"], strict=True):
        code = item.codes[coder]
        assert (field.category(code).label if code else "not coded") in button


def test_models_pass_the_model_tester(qtmodeltester, review):
    tab = review.disagreements
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.proxy)
    choose(tab.pair_choice, ("alice", "bob"))
    qtmodeltester.check(tab.proxy)
    empty = DisagreementModel(review.project.codebook)
    qtmodeltester.check(empty)
    proxy = DisagreementFilter()
    proxy.setSourceModel(empty)
    qtmodeltester.check(proxy)


def test_render_the_disagreement_list(qtbot, review, tmp_path):
    review.resize(1300, 860)
    tab = review.disagreements
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    qtbot.wait(50)
    image = review.grab().toImage()
    assert_not_blank(image)
    image.save(str(tmp_path / "disagreements.png"))
