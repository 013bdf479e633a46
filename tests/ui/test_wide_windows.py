"""A wide window uses its width (issue 28): at 1920 and 2560 pixels the text column and
the coding panel sat 300 to 650 px apart, with the side panes at their small default
widths; the spare width now widens the side panes first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

from annotator.ui.pane_widths import LIST_MAX, PANEL_MAX, widened


def gap_between_text_and_panel(window) -> int:
    viewport = window.reader.viewport()
    text_right = viewport.mapTo(window, QPoint(viewport.width(), 0)).x()
    panel_left = window.side_panes["panel"].mapTo(window, QPoint(0, 0)).x()
    return panel_left - text_right


@pytest.mark.parametrize(("size", "most"), [((1920, 1080), 120), ((2560, 1440), 360)])
def test_the_text_column_sits_near_the_panel_on_a_wide_window(qtbot, open_window, size, most):
    window = open_window()
    window.resize(*size)
    qtbot.waitUntil(lambda: window.side_panes["panel"].width() > 400)
    qtbot.wait(20)
    assert gap_between_text_and_panel(window) <= most
    assert window.side_panes["panel"].width() <= PANEL_MAX
    assert window.side_panes["list"].width() <= LIST_MAX


def test_a_hidden_pane_stays_hidden_and_nothing_narrows():
    assert widened([0, 1500, 340], 700) == [0, 1140, 700]
    assert widened([300, 600, 340], 700) is None
    assert widened([LIST_MAX, 2000, PANEL_MAX], 700) is None
    grown = widened([300, 1000, 340], 700)
    assert grown is not None and sum(grown) == 1640 and grown[1] == 700
