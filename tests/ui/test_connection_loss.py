"""The project goes out of reach mid-session (issue 6): nothing is lost, nothing is shown
as saved that was not committed, and the waiting actions are saved once it is back.

Most tests make the core report `ProjectUnavailable` (as it does for a dropped server
connection or a file lock held too long); the last one cuts a real PostgreSQL project
off its server.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.coding import service as coding
from annotator.core.errors import ProjectError, ProjectUnavailable
from annotator.core.store.project import Project
from annotator.ui.units_model import WaitingRole
from tests.ui.conftest import stored_codes
from tests.ui.test_keyboard_coding import current_unit, press

LOST = "could not save: the connection to the database server was lost"


@pytest.fixture
def cut_off(monkeypatch):
    """Makes every save fail as out of reach until `cut_off.restore()`; counts the tries."""
    real = coding.apply_codes
    tries = []

    def unreachable(*args, **kwargs):
        tries.append(args)
        raise ProjectUnavailable(LOST)

    class Cut:
        attempts = tries

        @staticmethod
        def cut() -> None:
            monkeypatch.setattr(coding, "apply_codes", unreachable)

        @staticmethod
        def restore() -> None:
            monkeypatch.setattr(coding, "apply_codes", real)

        @staticmethod
        def refuse(reason: str) -> None:
            def refused(*_args, **_kwargs):
                raise ProjectError(reason)

            monkeypatch.setattr(coding, "apply_codes", refused)

    Cut.cut()
    return Cut


def retry_now(qtbot, window) -> None:
    """F5, then wait for the worker thread's probe and the retry it leads to."""
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not window.operations.pending or window.operations.pending.seconds_left)


def waiting_row(window, unit_id: int) -> set[str]:
    units = window.controller.units
    return units.data(units.index(units.row_of(unit_id)), WaitingRole)


def test_actions_made_while_out_of_reach_wait_on_screen_and_are_saved_when_it_is_back(
    qtbot, open_window, project_path, cut_off
):
    window = open_window()
    unit = current_unit(window)
    press(qtbot, window, "1")
    assert window.status.save_text.startswith("Not saved: 1 action waiting")
    assert window.banner.isVisible() and "out of reach" in window.banner.text()
    assert window.panel.checked_codes() == {"attribution": "named_person"}  # kept on screen
    assert "Not saved yet" in window.panel.state_text
    assert waiting_row(window, unit.id) == {"attribution"}
    press(qtbot, window, "f")
    press(qtbot, window, "9")  # complete on screen: auto-advance carries on
    assert current_unit(window).id != unit.id
    press(qtbot, window, "2")  # on the next unit
    assert window.status.save_text.startswith("Not saved: 4 actions waiting")
    assert len(cut_off.attempts) == 1  # later actions queue behind the first, untried
    assert stored_codes(project_path, "alice") == {}
    assert window.controller.articles.summary(0).complete == 0  # progress counts saved work

    cut_off.restore()
    qtbot.waitUntil(lambda: not window.operations.pending, timeout=5000)  # the retry timer
    second = current_unit(window)
    assert stored_codes(project_path, "alice") == {
        unit.id: {"attribution": "named_person", "claim_type": "fact", "confidence": "high"},
        second.id: {"attribution": "named_organisation"},
    }
    assert window.status.save_text == "Saved"
    assert not window.banner.isVisible()
    assert waiting_row(window, unit.id) == set()
    assert window.controller.articles.summary(0).complete == 1
    assert window.operations.undo_stack.count() == 4  # saved late, undoable as usual
    press(qtbot, window, "z", Qt.KeyboardModifier.ControlModifier)
    assert stored_codes(project_path, "alice")[unit.id] == {
        "attribution": "named_person",
        "claim_type": "fact",
        "confidence": "high",
    }
    assert second.id not in stored_codes(project_path, "alice")


def test_the_history_records_waiting_actions_in_the_order_they_were_made(
    qtbot, open_window, project_path, cut_off
):
    window = open_window()
    unit = current_unit(window)
    for key in ("1", "2", "3"):
        press(qtbot, window, key)
    cut_off.restore()
    retry_now(qtbot, window)
    with Project.open(project_path) as project:
        rows = coding.unit_history(project, unit.id)
    assert [(row.old, row.new) for row in rows] == [
        (None, "named_person"),
        ("named_person", "named_organisation"),
        ("named_organisation", "anonymous_specific"),
    ]


def test_undo_waits_while_actions_wait(qtbot, open_window, project_path, cut_off):
    window = open_window()
    cut_off.restore()
    press(qtbot, window, "1")  # saved
    unit = current_unit(window)
    cut_off.cut()
    press(qtbot, window, "f")  # waits
    press(qtbot, window, "z", Qt.KeyboardModifier.ControlModifier)
    assert "Undo waits" in window.statusBar().currentMessage()
    assert window.panel.checked_codes() == {"attribution": "named_person", "claim_type": "fact"}
    cut_off.restore()
    retry_now(qtbot, window)
    assert stored_codes(project_path, "alice")[unit.id] == {
        "attribution": "named_person",
        "claim_type": "fact",
    }


def test_a_waiting_action_refused_on_retry_is_dropped_and_said_so(
    qtbot, open_window, project_path, cut_off
):
    window = open_window()
    unit = current_unit(window)
    press(qtbot, window, "1")
    cut_off.refuse("could not save: the disk is full")
    retry_now(qtbot, window)
    assert not window.operations.pending
    assert window.status.save_text.startswith("Not saved: could not save: the disk is full")
    qtbot.waitUntil(lambda: window.panel.checked_codes() == {})  # what the project holds
    assert waiting_row(window, unit.id) == set()
    assert stored_codes(project_path, "alice") == {}


def test_closing_with_waiting_actions_asks_first(qtbot, open_window, cut_off, monkeypatch):
    window = open_window()
    press(qtbot, window, "1")
    asked = []
    monkeypatch.setattr(window, "confirm_losing", lambda count: asked.append(count) or False)
    window.close()
    assert window.isVisible() and asked == [1]
    assert len(cut_off.attempts) == 2  # closing tried once more first
    cut_off.restore()
    window.close()  # the last try gets through: no question
    assert not window.isVisible() and asked == [1]


def test_a_note_written_while_out_of_reach_waits_and_is_saved(
    qtbot, open_window, project_path, monkeypatch
):
    from tests.ui.conftest import stored_notes

    window = open_window()
    unit = current_unit(window)
    real = coding.set_note

    def unreachable(*_args, **_kwargs):
        raise ProjectUnavailable(LOST)

    monkeypatch.setattr(coding, "set_note", unreachable)
    qtbot.keyClicks(window.panel.note, "check the source")
    window.controller.move(1)
    assert window.status.save_text.startswith("Not saved: 1 action waiting")
    window.controller.move(-1)
    assert window.panel.note.toPlainText() == "check the source"
    monkeypatch.setattr(coding, "set_note", real)
    retry_now(qtbot, window)
    assert stored_notes(project_path, "alice") == {unit.id: "check the source"}
    assert window.status.save_text == "Saved"


@pytest.mark.postgres
def test_a_server_project_cut_off_mid_session_saves_everything_once_back(
    qtbot, new_database, clean_settings
):
    import psycopg
    from sqlalchemy.engine import make_url

    from annotator.core.codebook import bundled_codebook
    from annotator.core.ingest.into_project import import_paths
    from annotator.ui.main_window import MainWindow
    from tests.ui.conftest import SAMPLE_TEXTS

    with Project.create(new_database, bundled_codebook()) as project:
        assert not import_paths(project, SAMPLE_TEXTS).failures
    url = make_url(new_database)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    window = MainWindow(Project.open(new_database), "alice", clean_settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.is_loaded)
    unit = current_unit(window)
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS false')
        server.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [url.database],
        )
        for key in ("1", "f"):
            press(qtbot, window, key)
        assert window.status.save_text.startswith("Not saved: 2 actions waiting")
        assert window.panel.checked_codes() == {"attribution": "named_person", "claim_type": "fact"}
        server.execute(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS true')
    qtbot.waitUntil(lambda: not window.operations.pending, timeout=10_000)
    assert window.status.save_text == "Saved"
    window.close()
    window.project.close()
    with Project.open(new_database) as project:
        assert coding.coder_codes(project, "alice")[unit.id] == {
            "attribution": "named_person",
            "claim_type": "fact",
        }
