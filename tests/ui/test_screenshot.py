"""Renders the window, the start screen and the cheat sheet to PNGs a person can look at.

With ANNOTATOR_SCREENSHOT set, the window's picture is also written to docs/screenshot.png
for the README.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
CODING = [  # (attribution, [reason for anonymity,] claim type, confidence) keys for the
    "4gf8",  # first units of harbor-deal; an anonymous attribution asks for the reason
    "6i9",
    "1i9",
    "1f9",
    "3ui7",
    "2f8",
    "5gf7",
]


def assert_not_blank(image: QImage) -> None:
    assert not image.isNull()
    step = max(1, image.width() // 200)
    colors = {
        image.pixel(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }
    assert len(colors) > 20, "the rendering looks blank"


def settled(qtbot, window) -> None:
    """The article's suggestions and proposed sources are in (both are worked out off the
    window's thread): the picture shows them, whatever the machine's load."""
    qtbot.waitUntil(
        lambda: not window.suggestions.pending and bool(window.sources.actions.proposal.sources)
    )


def test_render_main_window_part_coded(qtbot, open_window, tmp_path):
    window = open_window()
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # harbor-deal: title, heading, quotes
    for keys in CODING:
        for key in keys:
            qtbot.keyClick(window, key)
    qtbot.keyClick(window, "2")  # the current unit is left part-coded
    window.panel.note.setPlainText('Draft memorandum: is "seen by this newspaper" a source?')
    window.panel.flush_note()
    settled(qtbot, window)
    window.resize(1400, 900)
    qtbot.wait(50)
    image = window.grab().toImage()
    assert (image.width(), image.height()) == (1400, 900)
    assert_not_blank(image)
    image.save(str(tmp_path / "window.png"))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        assert image.save(str(DOCS / "screenshot.png"))


@pytest.mark.parametrize("size", [(1024, 700), (1366, 768), (1920, 1080), (2560, 1440)])
def test_render_coding_window_at_common_sizes(qtbot, open_window, tmp_path, size):
    """The coding window as it looks on a small laptop, a full-HD and a 1440p screen;
    with ANNOTATOR_SCREENSHOT set, saved as docs/coding-WxH.png for the README."""
    window = open_window()
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    for keys in CODING:
        for key in keys:
            qtbot.keyClick(window, key)
    qtbot.keyClick(window, "2")
    settled(qtbot, window)
    window.resize(*size)
    qtbot.wait(50)
    window.reader.keep_in_view()
    image = window.grab().toImage()
    assert (image.width(), image.height()) == size
    assert_not_blank(image)
    name = f"coding-{size[0]}x{size[1]}.png"
    image.save(str(tmp_path / name))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        assert image.save(str(DOCS / name))


def test_render_empty_project(qtbot, open_window, project_location, tmp_path):
    from annotator.core.codebook import bundled_codebook
    from annotator.core.store.project import Project

    path = project_location("empty.annotator")
    Project.create(path, bundled_codebook()).close()
    window = open_window(path=path)
    window.resize(1024, 700)
    qtbot.wait(50)
    image = window.grab().toImage()
    assert_not_blank(image)
    image.save(str(tmp_path / "empty.png"))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        assert image.save(str(DOCS / "coding-empty-project.png"))


def test_render_start_screen_and_cheat_sheet(
    qtbot, open_window, project_path, tmp_path, clean_settings
):
    from annotator.ui.start_screen import StartScreen

    clean_settings.add_recent_project(project_path)
    screen = StartScreen(clean_settings)
    qtbot.addWidget(screen)
    screen.show()
    image = screen.grab().toImage()
    assert_not_blank(image)
    image.save(str(tmp_path / "start.png"))

    window = open_window()
    window.show_cheat_sheet()
    sheet = window.cheat_sheet.grab().toImage()
    assert_not_blank(sheet)
    sheet.save(str(tmp_path / "cheat-sheet.png"))


def test_render_coding_window_at_scale_2(qtbot, open_window, tmp_path):
    """A 2560x1440 screen at scale 2 is a 1280x720 window drawn at twice the pixels. Run
    with QT_SCALE_FACTOR=2 (and ANNOTATOR_SCREENSHOT set, to write
    docs/coding-2560x1440-scale2.png); at scale 1 there is nothing to render. The panel
    must not scroll there either."""
    window = open_window()
    if window.devicePixelRatio() != 2:
        pytest.skip("run with QT_SCALE_FACTOR=2")
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    for keys in CODING:
        for key in keys:
            qtbot.keyClick(window, key)
    qtbot.keyClick(window, "2")
    window.resize(1280, 720)
    qtbot.wait(50)
    window.reader.keep_in_view()
    assert window.side_panes["panel"].verticalScrollBar().maximum() == 0
    image = window.grab().toImage()
    assert (image.width(), image.height()) == (2560, 1440)
    assert_not_blank(image)
    image.save(str(tmp_path / "scale2.png"))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        assert image.save(str(DOCS / "coding-2560x1440-scale2.png"))


def test_render_the_coding_panel_with_article_fields_and_a_conditional_field(
    qtbot, open_window, tmp_path
):
    """Codebook format 2 at 1366x768: the keys on the article (Shift+A), its fields open in
    their section, the sentence's anonymous attribution asking for the reason for
    anonymity below; with ANNOTATOR_SCREENSHOT set, docs/coding-panel-format2.png."""
    window = open_window()
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    for keys in CODING[:3]:
        for key in keys:
            qtbot.keyClick(window, key)
    qtbot.keyClick(window, "3")  # anonymous, specific: the reason is asked
    qtbot.keyClick(window, "A")
    qtbot.keyClick(window, "h")  # the outlet explains its anonymity policy
    window.resize(1366, 768)
    qtbot.wait(50)
    window.reader.keep_in_view()
    panel = window.panel
    assert panel.fields.article_body.isVisible() and panel.is_asked("anonymity_reason")
    assert panel.target_text == "Keys code: the article"
    image = window.grab().toImage()
    assert (image.width(), image.height()) == (1366, 768)
    assert_not_blank(image)
    image.save(str(tmp_path / "coding-panel-format2.png"))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        assert image.save(str(DOCS / "coding-panel-format2.png"))


def test_render_the_sources_panel(qtbot, open_window, tmp_path):
    """The window with the sources panel at 1366x768: two sources taken from the
    proposal, one coded, the current unit's source selected (its mentions marked in the
    reader) and its cue corrected by hand; saved as docs/sources-panel-1366x768.png."""
    from tests.ui.test_sources_window import (
        BRANDT,
        on_the_harbour_article,
        press_at,
        select_rows,
        select_words,
    )

    window = on_the_harbour_article(qtbot, open_window)
    press_at(qtbot, window, 2, "P")
    press_at(qtbot, window, 4, "P")
    actions = window.sources.actions
    brandt = next(s.uid for s in actions.mine.sources if s.label == BRANDT)
    actions.code(brandt, "source_type", "organisation")
    actions.code(brandt, "named_or_anonymous", "named")
    press_at(qtbot, window, 5, "L")
    qtbot.keyClick(window, "U", CTRL_SHIFT)
    select_words(window, "declined")
    qtbot.keyClick(window.sources.panel.words, "C")
    select_rows(window, [BRANDT])
    window.sources.panel.table.setFocus()
    window.resize(1366, 768)
    qtbot.wait(50)
    window.reader.keep_in_view()
    image = window.grab().toImage()
    assert (image.width(), image.height()) == (1366, 768)
    assert_not_blank(image)
    image.save(str(tmp_path / "sources.png"))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        assert image.save(str(DOCS / "sources-panel-1366x768.png"))
