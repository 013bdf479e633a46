"""Suggestions in the coding window, driven by keys and checked in the project."""

from __future__ import annotations

import threading

from annotator.core.coding import service as coding
from annotator.core.coding.article_views import article_units
from annotator.core.coding.lookups import find_unit
from annotator.core.store.project import Project
from annotator.core.suggest.switch import set_suggestions_for_coders
from tests.ui.conftest import stored_codes


def go_to(qtbot, window, key: str):
    """Open the unit with this key (harbor-deal#9) as the current unit, and wait for the
    article's suggestions (computed off the GUI thread)."""
    unit = find_unit(window.project, key)
    window.controller.open_article(unit.article_id, unit.id)
    assert window.controller.current_unit_id() == unit.id
    qtbot.waitUntil(lambda: not window.suggestions.pending)
    return unit


def highlighted(window, unit) -> list[tuple[str, str]]:
    row = window.controller.current_row()
    return [
        (kind, unit.text[start:end])
        for start, end, kind in window.reader.unit_delegate.highlights.get(row, [])
    ]


def test_cue_and_source_are_highlighted_on_the_right_characters(qtbot, open_window):
    window = open_window()
    unit = go_to(
        qtbot, window, "harbor-deal#4"
    )  # '"We have received ...," ... Ilse Brandt told ...'
    assert highlighted(window, unit) == [
        ("source", "port authority chair Ilse Brandt"),
        ("cue", "told"),
    ]
    rows = window.reader.unit_delegate.highlights
    assert list(rows) == [window.controller.current_row()]  # only the current unit
    window.every_unit_action.trigger()
    assert len(window.reader.unit_delegate.highlights) > 3
    window.reader.viewport().repaint()  # paints the highlighted rows without error


def test_panel_shows_the_suggestion_and_its_reason(qtbot, open_window):
    window = open_window()
    go_to(
        qtbot, window, "harbor-deal#9"
    )  # "Sources said at least two other bidders had dropped out."
    text = window.panel.suggestion_label.text()
    assert text.startswith("Suggested: anonymous, vague, because 'Sources said'")
    assert "press a to accept" in text
    assert window.panel.suggestion_label.isVisible()


def test_accept_key_codes_with_origin_suggestion_and_undo_removes(qtbot, open_window, project_path):
    window = open_window()
    unit = go_to(
        qtbot, window, "harbor-deal#12"
    )  # "Analysts at Nordbank expect volumes to grow ..."
    qtbot.keyClick(window, "a")
    assert stored_codes(project_path, "alice")[unit.id] == {
        "attribution": "anonymous_specific",
        "claim_type": "prediction",
    }
    with Project.open(project_path) as project:
        origins = {h.origin for h in coding.unit_history(project, unit.id)}
    assert origins == {"suggestion"}
    assert window.panel.checked_codes() == {
        "attribution": "anonymous_specific",
        "claim_type": "prediction",
    }
    window.undo_action.trigger()
    assert stored_codes(project_path, "alice").get(unit.id) is None
    assert window.panel.checked_codes() == {}


def test_a_coder_can_turn_suggestions_off(qtbot, open_window, project_path):
    window = open_window()
    unit = go_to(qtbot, window, "harbor-deal#9")
    window.show_suggestions_action.trigger()  # off
    assert not window.panel.suggestion_label.isVisible()
    assert window.reader.unit_delegate.highlights == {}
    qtbot.keyClick(window, "a")
    assert unit.id not in stored_codes(project_path, "alice")
    assert not window.settings.suggestions_shown()


def test_the_project_wide_switch_hides_everything(qtbot, open_window, project_path):
    with Project.open(project_path) as project:
        set_suggestions_for_coders(project, False)
    window = open_window()
    unit = go_to(qtbot, window, "harbor-deal#9")
    assert not window.panel.suggestion_label.isVisible()
    assert window.reader.unit_delegate.highlights == {}
    window.every_unit_action.setChecked(True)  # disabled in the menu; even if set, nothing
    assert window.reader.unit_delegate.highlights == {}
    assert not window.show_suggestions_action.isEnabled()
    assert not window.accept_action.isEnabled()
    qtbot.keyClick(window, "a")
    assert unit.id not in stored_codes(project_path, "alice")


def test_suggestions_are_computed_off_the_gui_thread_and_a_stale_article_is_dropped(
    qtbot, open_window, monkeypatch
):
    from annotator.ui import suggestions as window_suggestions

    window = open_window()
    qtbot.waitUntil(lambda: not window.suggestions.pending)
    first = find_unit(window.project, "harbor-deal#1").article_id
    second = find_unit(window.project, "vaccine-plant#1").article_id
    computed = window_suggestions.article_unit_suggestions
    calls: list[tuple[int, bool]] = []
    release = threading.Event()  # holds the first article's computation back

    def watched(project, suggester, article_id):
        calls.append((article_id, threading.current_thread() is threading.main_thread()))
        if article_id == first:
            assert release.wait(60), "the test never let the first article through"
        return computed(project, suggester, article_id)

    monkeypatch.setattr(window_suggestions, "article_unit_suggestions", watched)
    shown: list[int] = []
    window.suggestions.ready.connect(shown.append)
    window.controller.open_article(first)
    qtbot.waitUntil(lambda: calls == [(first, False)])  # running in its worker thread
    assert window.suggestions.by_unit == {}  # and the window goes on meanwhile
    window.controller.open_article(second)  # the coder moves on before it is done
    release.set()
    qtbot.waitUntil(lambda: shown == [second])
    assert calls == [(first, False), (second, False)]
    assert not window.suggestions.pending
    units = {unit.id for unit in article_units(window.project, second)}
    assert window.suggestions.by_unit and set(window.suggestions.by_unit) <= units


def test_review_window_lists_the_suggester_as_a_machine_and_switches_project_wide(
    qtbot, open_window, project_location
):
    from annotator.core.suggest.as_coder import run_suggester
    from annotator.core.suggest.switch import suggestions_for_coders
    from tests.ui.test_review_data import build_review_project, enter_review

    path = project_location("review.annotator")
    build_review_project(path)
    with Project.open(path) as project:
        run_suggester(project)
    review = enter_review(qtbot, open_window("alice", path))
    labels = [review.coders.index(row).data() for row in range(review.coders.rowCount())]
    assert any(label.startswith("suggester (machine)") for label in labels)
    assert not any("(machine)" in label for label in labels if not label.startswith("suggester"))
    assert "suggester" in review.fields["attribution"].coders
    assert review.suggestions_action.isChecked()
    review.suggestions_action.trigger()
    with Project.open(path) as project:
        assert not suggestions_for_coders(project)


def test_below_the_threshold_the_window_shows_no_suggestion_and_accepts_nothing(
    qtbot, open_window, project_path, monkeypatch
):
    from annotator.core.suggest.suggester import Suggester

    monkeypatch.setattr(Suggester, "threshold", property(lambda self: 0.99))
    window = open_window()
    unit = go_to(qtbot, window, "harbor-deal#9")  # "Sources said ...", confidence 0.8
    text = window.panel.suggestion_label.text()
    assert text.startswith("No suggestion: the suggester is not sure enough (confidence 80%")
    qtbot.keyClick(window, "a")
    assert stored_codes(project_path, "alice").get(unit.id) is None
