"""File > Open of the project a window already has open brings that window forward (issue 21).

A second window on the same file gave the process a second handle that could close on its
own; when it did, the next program to open and close the file deleted the write-ahead log
under the live window, whose later saves went into a deleted file and whose final
checkpoint overwrote what others had saved. Other programs here are real `annotator code`
processes writing while the window is open.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from annotator.core.codebook import bundled_codebook
from annotator.core.coding.lookups import list_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store import engines
from annotator.core.store.project import Project
from annotator.ui import app
from tests.conftest import run_annotator
from tests.ui.conftest import SAMPLE_TEXTS, stored_codes
from tests.ui.test_keyboard_coding import current_unit, press

CTRL = Qt.KeyboardModifier.ControlModifier

pytestmark = pytest.mark.sqlite_only  # file locks and write-ahead logs


def code_from_another_process(path: Path, coder: str, key: str) -> None:
    done = run_annotator("code", str(path), "--coder", coder, key, "attribution=unattributed")
    assert done.returncode == 0 and "saved" in done.stdout, done.stderr


def unit_keys(path: Path) -> list[str]:
    with Project.open(path, backups=False) as project:
        return [unit.key for unit in list_units(project) if unit.kind == "sentence"]


def test_opening_its_own_project_again_focuses_the_window_and_loses_nothing(
    qtbot, open_window, project_path, monkeypatch, clean_settings
):
    keys = unit_keys(project_path)
    wal = Path(f"{project_path}-wal")
    window = open_window("alice")
    app.follow_window_menus(window, clean_settings)  # as app.open_workspace does
    clean_settings.set_coder_for(project_path, "alice")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(project_path), ""))
    opened_before = list(app._from_menus)
    try:
        press(qtbot, window, Qt.Key.Key_O, CTRL)  # File > Open, the same file
        code_from_another_process(project_path, "bob", keys[0])
        for other in app._from_menus[len(opened_before) :]:  # a second window, if one came
            qtbot.addWidget(other)
            other.close()  # the coder closes the extra window
            other.project.close()
        assert app._from_menus == opened_before, "a second window on the same project"
        assert QApplication.activeWindow() is window
        code_from_another_process(project_path, "carol", keys[1])  # opens and closes the file
        assert wal.exists(), "another process deleted the log under the live window"

        unit = current_unit(window)
        press(qtbot, window, "5")
        code_from_another_process(project_path, "dave", keys[2])
    finally:
        app.close_windows_from_menus()
    window.close()
    window.project.close()
    assert not engines.is_open(project_path)

    assert stored_codes(project_path, "alice") == {unit.id: {"attribution": "anonymous_vague"}}
    for coder in ("bob", "carol", "dave"):
        assert len(stored_codes(project_path, coder)) == 1, coder


def test_open_recent_in_another_window_brings_forward_the_window_that_has_it(
    qtbot, open_window, project_path, project_location, clean_settings
):
    other = project_location("other.annotator")
    with Project.create(other, bundled_codebook()) as project:
        import_paths(project, SAMPLE_TEXTS[:1])
    first = open_window("alice")
    second = open_window("alice", other)
    app.follow_window_menus(second, clean_settings)
    clean_settings.add_recent_project(project_path)
    clean_settings.set_coder_for(project_path, "alice")  # no coder prompt
    second._fill_recent_menu()
    title = next(a for a in second.recent_menu.actions() if a.isEnabled())
    first.showMinimized()
    opened_before = list(app._from_menus)
    try:
        title.trigger()  # Open recent: the project the first window has
        assert app._from_menus == opened_before
        qtbot.waitUntil(first.isActiveWindow)
        assert not first.isMinimized()
        here = engines.file_key(project_path).parent  # other tests' files are not ours to count
        mine = {key for key in engines.open_files() if key.parent == here}
        assert mine == {engines.file_key(project_path), engines.file_key(other)}
    finally:
        app.close_windows_from_menus()
