"""`annotator gui PROJECT` with a known coder paints the coding window's frame first and
opens the project after that paint (issue 15): the database layer is neither imported
nor used before the coder sees a window; then the project, the list and the article
arrive. A project that cannot be opened is said in one line and leaves no window."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMessageBox, QToolBar

from annotator.core.store.location import location_stem
from annotator.core.store.project import Project
from annotator.ui import app

ROOT = Path(__file__).resolve().parents[2]


class Events(QObject):
    """The order of the window's paints and the project's opening, as they happen."""

    def __init__(self, window) -> None:
        super().__init__()
        self.window = window
        self.seen: list[str] = []

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self.window:
            self.seen.append("paint")
        return False


def test_the_frame_paints_before_the_project_is_opened_then_the_work_arrives(
    qtbot, project_path, clean_settings, monkeypatch, tmp_path
):
    clean_settings.set_coder_for(project_path, "alice")
    opened_by_class = Project.open.__func__
    window = app.open_workspace(project_path, None, clean_settings, paint_first=True)
    qtbot.addWidget(window)
    events = Events(window)
    frame: dict[str, object] = {}

    def open_after_watching(cls, location, **options):
        if threading.current_thread() is not threading.main_thread():
            return opened_by_class(cls, location, **options)  # a worker's handle (suggestions)
        events.seen.append("open")
        frame.update(
            title=window.windowTitle(),
            status=window.statusBar().currentMessage(),
            picture=window.grab(),
        )
        return opened_by_class(cls, location, **options)

    monkeypatch.setattr(Project, "open", classmethod(open_after_watching))
    assert window.project is None and not window.is_loaded  # nothing opened yet
    window.installEventFilter(events)
    window.resize(1200, 800)
    shown_when_loaded: list[bool] = []  # the next paint must show the whole window
    window.loaded.connect(
        lambda: shown_when_loaded.extend(
            w.isVisible() for w in (window.reader, window.article_list, window.toolbar)
        )
    )
    with qtbot.waitSignal(window.loaded, timeout=30_000):
        window.show()
    assert shown_when_loaded == [True, True, True]

    assert events.seen[0] == "paint" and events.seen.count("open") == 1
    assert events.seen.index("open") > 0  # opened only after the first paint
    coder = window.coder  # on a server, the database role
    assert frame["title"] == f"{location_stem(project_path)} — {coder} — annotator"
    assert frame["status"] == "Opening the project…"
    assert not frame["picture"].isNull()
    frame["picture"].save(str(tmp_path / "frame.png"))

    # Then the project, its article list and the coder's starting article.
    assert window.project is not None and window.location == project_path
    assert window.windowTitle() == f"{window.project.name} — {coder} — annotator"
    assert window.controller.articles.rowCount() == 3
    assert window.controller.article_id is not None
    assert window.controller.units.rowCount() > 0
    assert window.reader_stack.currentWidget() is window.reader
    assert window.statusBar().currentMessage() != "Opening the project…"
    file_menu = window.menuBar().actions()[0].menu()
    assert file_menu.isEnabled() and "Open…" in [a.text() for a in file_menu.actions()]
    assert window.toolbar.actions() and len(window.findChildren(QToolBar)) == 1
    assert clean_settings.recent_projects()  # remembered once it opened
    qtbot.waitUntil(lambda: events.seen[-1] == "paint")  # and painted with them
    window.grab().save(str(tmp_path / "loaded.png"))
    window.close()
    window.project.close()


@pytest.mark.sqlite_only  # on a server the coder is the database role: nothing is asked
def test_asking_for_the_coder_still_opens_the_project_first(
    qtbot, project_path, clean_settings, monkeypatch
):
    """The coder prompt offers the project's coder names, so it needs the project."""
    monkeypatch.setattr(
        "annotator.ui.coder_prompt.ask_coder", lambda _parent, _path, _known, **_options: "zoe"
    )
    window = app.open_workspace(project_path, None, clean_settings, paint_first=True)
    qtbot.addWidget(window)
    assert window.project is not None and window.coder == "zoe"
    window.close()
    window.project.close()


@pytest.mark.sqlite_only  # a damaged file
def test_a_damaged_project_is_said_in_one_line_and_leaves_no_window(
    qtbot, tmp_path, clean_settings, monkeypatch
):
    damaged = tmp_path / "minutes.annotator"
    damaged.write_bytes(b"minutes of the meeting\n")
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: said.append(text))
    window = app.open_workspace(damaged, "alice", clean_settings, paint_first=True)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.open_failed, timeout=30_000) as failure:
        window.show()
    assert said == failure.args
    assert "\n" not in said[0] and "Traceback" not in said[0] and damaged.name in said[0]
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.project is None and not window.is_loaded
    assert clean_settings.recent_projects() == []  # never opened, so not remembered
    assert damaged.read_bytes() == b"minutes of the meeting\n"


def run_child(script: str, *arguments: str) -> subprocess.CompletedProcess:
    prelude = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtCore import QStandardPaths; QStandardPaths.setTestModeEnabled(True)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + script, *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


@pytest.mark.sqlite_only  # the command line's path on a file
def test_the_command_lines_window_paints_before_the_database_layer_is_imported(project_path):
    """In a fresh process, as `annotator gui PROJECT --coder alice` runs."""
    probe = """
from PySide6.QtCore import QEvent, QObject, QTimer
from annotator.ui import app
from annotator.ui.settings import AppSettings
qapp = app.application()
settings = AppSettings()
settings.clear()
window = app.open_workspace(sys.argv[1], "alice", settings, paint_first=True)
DATABASE = {"sqlalchemy", "sqlmodel", "alembic"}
class FirstPaint(QObject):
    seen = False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            print("painted", sorted(DATABASE & set(sys.modules)), window.project, flush=True)
        return False
painted = FirstPaint()
window.installEventFilter(painted)
def loaded():
    c = window.controller
    print("loaded", c.articles.rowCount(), c.units.rowCount() > 0, flush=True)
    settings.clear()
    os._exit(0)
window.loaded.connect(lambda: QTimer.singleShot(0, loaded))
window.show()
qapp.exec()
"""
    result = run_child(probe, str(project_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["painted [] None", "loaded 3 True"]


@pytest.mark.sqlite_only  # a damaged file
def test_the_command_line_says_a_damaged_project_in_one_line_and_exits(tmp_path):
    damaged = tmp_path / "minutes.annotator"
    damaged.write_bytes(b"minutes of the meeting\n")
    probe = """
from PySide6.QtWidgets import QMessageBox, QToolBar
from annotator.ui import app
QMessageBox.critical = staticmethod(lambda _parent, _title, text: print("said", text))
print("exit", app.run_project(sys.argv[1], "alice"))
"""
    result = run_child(probe, str(damaged))
    assert result.returncode == 0, result.stderr
    said, code = result.stdout.splitlines()
    assert said.startswith("said ") and damaged.name in said and "not an annotator project" in said
    assert code == f"exit {app.EXIT_USER_ERROR}"
    assert "Traceback" not in result.stderr


def test_an_unforeseen_error_while_opening_is_one_line_and_the_traceback_is_logged(
    qtbot, project_path, clean_settings, monkeypatch
):
    def broken(cls, location, **options):
        raise OSError("the disk went away\nsecond line")

    monkeypatch.setattr(Project, "open", classmethod(broken))
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: said.append(text))
    window = app.open_workspace(project_path, "alice", clean_settings, paint_first=True)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.open_failed, timeout=30_000):
        window.show()
    assert len(said) == 1 and "\n" not in said[0]
    assert said[0].startswith("OSError: the disk went away (details in ")
    log = Path(said[0].rpartition("(details in ")[2].rstrip(")"))
    assert "Traceback" in log.read_text("utf-8") and "the disk went away" in log.read_text("utf-8")
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.project is None
