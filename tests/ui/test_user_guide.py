"""Help for a first-time user (issue 28): Help > User guide opens the guide shipped in
the package, offline, in the app; a short first-run guide shows on the demo and on an
empty project, and once dismissed stays away."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from annotator.core.codebook import bundled_codebook
from annotator.core.demo import build_demo_project
from annotator.core.store.project import Project
from annotator.ui.user_guide import GUIDE

ROOT = Path(__file__).resolve().parents[2]


def menu_action(window, menu_title: str, text: str):
    for top in window.menuBar().actions():
        if top.text().replace("&", "") == menu_title:
            for action in top.menu().actions():
                if action.text().replace("&", "") == text:
                    return action
    raise AssertionError(f"no {menu_title} > {text}")


def test_help_user_guide_opens_the_packaged_guide_in_the_app(qtbot, open_window):
    window = open_window()
    qtbot.keyClick(window, Qt.Key.Key_F1, Qt.KeyboardModifier.ShiftModifier)
    guide = window.user_guide
    assert guide is not None and guide.isVisible()
    text = guide.browser.toPlainText()
    for subject in (
        "Coding",
        "Keys",
        "Memos and article details",
        "Retrieval",
        "Search",
        "Code frequencies",
        "Review",
        "Exports",
        "Ctrl+Shift+D",
    ):
        assert subject in text, subject
    guide.close()
    menu_action(window, "Help", "User guide").trigger()
    assert window.user_guide is guide and guide.isVisible()


def test_the_guide_is_package_data():
    """An installed copy has the guide: pyproject's package-data takes it."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["annotator"]
    relative = Path(str(GUIDE)).relative_to(ROOT / "annotator").as_posix()
    assert any(fnmatch(relative, pattern) for pattern in patterns)
    assert GUIDE.is_file()


def test_the_first_run_guide_shows_on_the_demo_and_stays_dismissed(
    qtbot, open_window, project_location
):
    path = project_location("demo.annotator")
    build_demo_project(path).close()
    window = open_window(path=path)
    guide = window.first_run
    assert guide.isVisible() and "demo" in guide.text.text()
    qtbot.mouseClick(guide.findChild(QPushButton, "dismiss"), Qt.MouseButton.LeftButton)
    assert not guide.isVisible()
    window.close()
    again = open_window(path=path)
    assert not again.first_run.isVisible()


def test_the_first_run_guide_shows_on_an_empty_project_not_on_one_being_coded(
    qtbot, open_window, project_location, project_path
):
    assert not open_window().first_run.isVisible()  # the sample project: articles, not demo
    path = project_location("empty.annotator")
    Project.create(path, bundled_codebook()).close()
    window = open_window(path=path)
    assert window.first_run.isVisible()
    assert "Import articles" in window.first_run.text.text()
