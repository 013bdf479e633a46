"""The coder prompt (issue 17): the project's coders are offered, and a name that differs
from one only by case or spaces is caught before it becomes a second coder."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel
from sqlmodel import select

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.store.models import Coder
from annotator.core.store.project import Project
from annotator.ui.coder_prompt import CoderPrompt
from tests.ui.conftest import stored_codes


def coder_names(path) -> list[str]:
    with Project.open(path) as project, project.reading() as session:
        return sorted(session.exec(select(Coder.name)).all())


def when_prompted(qtbot, drive) -> list[str]:
    """Run `drive(prompt)` once the modal prompt is up; returns problems seen."""
    seen: list[str] = []

    def look() -> None:
        prompt = QApplication.activeModalWidget()
        if not isinstance(prompt, CoderPrompt):
            QTimer.singleShot(20, look)
            return
        try:
            drive(prompt)
        except AssertionError as error:
            seen.append(str(error))
            prompt.reject()

    QTimer.singleShot(0, look)
    return seen


@pytest.mark.sqlite_only  # on a server the coder is the database role: nothing is asked
def test_a_case_variant_is_caught_and_the_existing_coder_codes(qtbot, project_path, clean_settings):
    from annotator.ui import app

    with Project.open(project_path) as project:
        first = next(u.id for u in list_units(project) if u.kind == "sentence")
        coding.code_unit(project, "Bob", first, "claim_type", "fact")

    def drive(prompt: CoderPrompt) -> None:
        assert prompt.completer.model().stringList() == ["Bob"]  # offered as you type
        assert not prompt.warning.isVisible()
        qtbot.keyClicks(prompt.name_edit, "bob")
        prompt.completer.popup().hide()
        assert prompt.warning.isVisible()
        assert prompt.warning.text() == "'bob' looks like existing coder 'Bob': use 'Bob'?"
        assert prompt.use_button.text() == "Use 'Bob'" and prompt.use_button.isDefault()
        assert prompt.ok_button.text() == "Keep 'bob'"
        qtbot.mouseClick(prompt.use_button, Qt.MouseButton.LeftButton)

    problems = when_prompted(qtbot, drive)
    window = app.open_workspace(project_path, None, clean_settings)
    assert problems == []
    assert window is not None and window.coder == "Bob"
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.is_loaded)  # the list and article come after showing
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    unit = window.controller.units.unit(window.controller.current_row())
    qtbot.keyClick(window, "1")
    assert stored_codes(project_path, "Bob")[unit.id]["attribution"] == "named_person"
    assert coder_names(project_path) == ["Bob"]  # no second coder "bob"
    window.close()
    window.project.close()


@pytest.mark.sqlite_only
def test_enter_takes_the_suggestion_and_ok_keeps_a_new_name(qtbot, project_path, clean_settings):
    with Project.open(project_path) as project:
        first = next(u.id for u in list_units(project) if u.kind == "sentence")
        coding.code_unit(project, "Mary Ann", first, "claim_type", "fact")
        known = ["Mary Ann"]
    prompt = CoderPrompt("samples", known)
    qtbot.addWidget(prompt)
    prompt.show()
    qtbot.keyClicks(prompt.name_edit, "maryann")
    prompt.completer.popup().hide()
    assert prompt.warning.isVisible()
    with qtbot.waitSignal(prompt.accepted):
        qtbot.keyClick(prompt.name_edit, Qt.Key.Key_Return)
    assert prompt.name == "Mary Ann"

    other = CoderPrompt("samples", known)
    qtbot.addWidget(other)
    other.show()
    assert not other.ok_button.isEnabled()  # nothing typed yet
    qtbot.keyClicks(other.name_edit, "Marian")
    other.completer.popup().hide()
    assert not other.warning.isVisible() and other.ok_button.text() == "OK"
    with qtbot.waitSignal(other.accepted):
        qtbot.keyClick(other.name_edit, Qt.Key.Key_Return)
    assert other.name == "Marian"


@pytest.mark.parametrize("typed", ["bob\u202egnp.exe", "ann\u200b", "Consensus", "suggester"])
def test_a_name_with_hidden_characters_or_a_reserved_one_is_refused(qtbot, typed):
    """Issue 21: the prompt says why and Enter does nothing; an existing name is shown
    escaped in the list of coders."""
    prompt = CoderPrompt("samples", ["zoë\u202e"])
    qtbot.addWidget(prompt)
    prompt.show()
    prompt.name_edit.insert(typed)  # as pasted: hidden characters are not typed
    prompt.completer.popup().hide()
    assert prompt.warning.isVisible() and not prompt.ok_button.isEnabled()
    assert "\u202e" not in prompt.warning.text() and "\u200b" not in prompt.warning.text()
    qtbot.keyClick(prompt.name_edit, Qt.Key.Key_Return)
    assert prompt.result() != prompt.DialogCode.Accepted and prompt.isVisible()
    assert any("zoë\\u202e" in label.text() for label in prompt.findChildren(QLabel))
