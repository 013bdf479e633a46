"""Study > Reliability sample and progress in the review window: the plan's figures and
draw from the core, Save stores the sample in the project, progress a row per coder."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from annotator.core.store.location import Location
from annotator.core.store.project import Project
from annotator.core.study.assignment_progress import study_progress
from annotator.core.study.plan import saved_sample
from annotator.ui.study.study_dialog import RowsModel, StudyDialog
from tests.ui.test_review_data import build_review_project, enter_review
from tests.ui.test_screenshot import DOCS, assert_not_blank


@pytest.fixture
def review_path(project_location) -> Location:
    path = project_location("review.annotator")
    build_review_project(path)
    return path


def _open_study(qtbot, open_window, review_path) -> StudyDialog:
    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    study_menu = next(a.menu() for a in review.menuBar().actions() if a.text() == "&Study")
    next(a for a in study_menu.actions() if a.text().startswith("Reliability")).trigger()
    dialog = review.study_dialog
    qtbot.waitExposed(dialog)
    return dialog


def _type_into(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Tab)


def test_plan_draws_and_saves_the_reliability_sample(qtbot, open_window, review_path, tmp_path):
    dialog = _open_study(qtbot, open_window, review_path)
    _type_into(qtbot, dialog.alpha, "0.667")
    _type_into(qtbot, dialog.share, "0.25")
    _type_into(qtbot, dialog.seed, "7")
    qtbot.mouseClick(dialog.draw_button, Qt.MouseButton.LeftButton)
    assert dialog.plan is not None
    assert (dialog.plan.alpha_min, dialog.plan.p_c, dialog.plan.seed) == (0.667, 0.25, 7)
    assert dialog.plan.units_needed == 81  # a cell of Krippendorff's table
    assert "Units needed: 81" in dialog.figures.text()
    assert dialog.articles.rowCount() == len(dialog.plan.articles) > 0
    with Project.open(review_path) as project:
        assert saved_sample(project) is None
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with Project.open(review_path) as project:
        assert saved_sample(project) == [a.sha256 for a in dialog.plan.articles]
    assert "Saved" in dialog.figures.text()
    dialog.resize(820, 560)
    qtbot.wait(50)
    _render(dialog, tmp_path, "study-plan.png")


def test_progress_shows_a_row_per_coder(qtbot, open_window, review_path, tmp_path):
    dialog = _open_study(qtbot, open_window, review_path)
    with Project.open(review_path) as project:
        figures = study_progress(project)
    rows = {
        dialog.progress.rows[r][0]: dialog.progress.rows[r]
        for r in range(dialog.progress.rowCount())
    }
    assert sorted(rows) == ["alice", "bob", "carol"]
    for status in figures.coders:
        assert rows[status.coder][2] == f"{status.units_done} / {status.units_assigned}"
    dialog.tabs.setCurrentIndex(1)
    qtbot.wait(50)
    _render(dialog, tmp_path, "study-progress.png")


def test_rows_model_passes_the_model_tester(qtmodeltester):
    model = RowsModel(["a", "b"], numeric=[1])
    model.set_rows([("x", "1"), ("y", "2")])
    qtmodeltester.check(model)


def _render(dialog, tmp_path, name: str) -> None:
    image = dialog.grab().toImage()
    assert_not_blank(image)
    image.save(str(tmp_path / name))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        assert image.save(str(DOCS / name))
