"""The review window follows the coders live (issue 6): another coder's work, written
through a connection of its own, appears at the next poll without losing the row the
supervisor is on or the note they are typing; with nothing new, nothing is re-read."""

from __future__ import annotations

import pytest

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.store.location import Location
from annotator.core.store.project import Project
from annotator.ui.review.review_window import LIVE_INTERVAL_MS
from tests.ui.test_review_data import build_review_project, enter_review, sentence_ids, wait_idle

FULL = {"attribution": "unattributed", "claim_type": "evaluation", "confidence": "low"}


@pytest.fixture
def path(project_location) -> Location:
    build_review_project(project_location("review.annotator"))
    return project_location("review.annotator")


def test_new_work_by_coders_appears_by_itself(qtbot, open_window, path):
    review = enter_review(qtbot, open_window("alice", path))
    assert review.live_timer.isActive() and review.live_timer.interval() == LIVE_INTERVAL_MS
    assert review.live_state.text().startswith("Live")
    alice = review.coders.progress("alice")
    assert review.coders.index(0).data() == (
        f"alice  ·  {alice.complete} of {alice.total} ({alice.percent}%)"
    )
    assert "dave" not in review.coders.names()
    tab = review.disagreements
    review.tabs.setCurrentWidget(tab)
    on = tab.current()
    tab.panel.note.setFocus()
    qtbot.keyClicks(tab.panel.note, "ask the desk")

    with Project.open(path, backups=False) as other:  # dave, coding elsewhere meanwhile
        for unit_id in sentence_ids(other)[:3]:
            coding.apply_codes(other, "dave", unit_id, FULL)
    review.poll()
    wait_idle(qtbot, review)

    assert "dave" in review.coders.names()
    assert review.coders.progress("dave").complete == 3
    assert "dave" in tab.model.coders
    assert any(d.codes.get("dave") == "unattributed" for d in tab.visible())
    assert (tab.current().unit_id, tab.current().field) == (on.unit_id, on.field)
    assert tab.panel.note.text() == "ask the desk"  # typed, not saved: kept
    assert list(review.fields) == [f.key for f in bundled_codebook().coded_fields]  # every field


def test_a_poll_with_nothing_new_reads_nothing_more(qtbot, open_window, path, monkeypatch):
    review = enter_review(qtbot, open_window("alice", path))
    reloads = []
    monkeypatch.setattr(review, "reload", lambda: reloads.append(1))
    review.poll()
    assert reloads == []
    tab = review.disagreements
    assert tab.current() is not None and tab.panel.take(1)  # the supervisor's own decision
    assert coding.coder_codes(review.project, "consensus")
    review.poll()
    assert reloads == []  # consensus codes are not coders' work
    with Project.open(path, backups=False) as other:
        unit_id = sentence_ids(other)[0]
        for level in ("high", "medium"):  # at least one of them is a change
            coding.apply_codes(other, "bob", unit_id, {"confidence": level})
    review.poll()
    assert reloads == [1]


def test_live_view_says_when_the_project_is_out_of_reach(qtbot, open_window, path, monkeypatch):
    from annotator.core.errors import ProjectUnavailable
    from annotator.ui.review import review_window

    review = enter_review(qtbot, open_window("alice", path))

    def unreachable(_project):
        raise ProjectUnavailable("could not read the project: the network is unreachable")

    monkeypatch.setattr(review_window, "coding_stamp", unreachable)
    review.poll()
    assert review.live_state.text().startswith("Not live")
    assert "unreachable" in review.live_state.toolTip()
    monkeypatch.undo()
    review.poll()
    assert review.live_state.text().startswith("Live")
    assert review.isVisible()
