"""Training mode, the certification view and the supervisor's landing, driven by keys.

The gold article is invented here (six sentences); the supervisor "sue" codes it and
marks it gold, "alice" trains on it in the training window.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.coding.measured_fields import set_left_out_fields
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from annotator.core.study.gold import mark_gold
from annotator.core.study.training import set_feedback_when
from annotator.core.supervision import ENVIRONMENT
from annotator.core.supervision.passphrase import set_supervisor_passphrase
from tests.ui.test_screenshot import DOCS, assert_not_blank

ARTICLE = """Council weighs new bridge

The mayor said the bridge will open in May. Officials plan to close the old road. \
A spokesperson predicted delays. Residents called the plan careless. The council voted \
on Tuesday. Engineers expect heavy traffic.
"""
GOLD = ["fact", "fact", "fact", "intention", "intention", "prediction"]


@pytest.fixture
def gold_path(project_location, tmp_path: Path):
    text = tmp_path / "bridge.txt"
    text.write_text(ARTICLE, encoding="utf-8")
    path = project_location("gold.annotator")
    with Project.create(path, bundled_codebook()) as project:
        assert not import_paths(project, [text]).failures
        set_left_out_fields(
            project, [f.key for f in project.codebook.coded_fields if f.key != "claim_type"]
        )
        for unit, code in zip(_sentences(project), GOLD, strict=True):
            coding.apply_codes(project, "sue", unit.id, {"claim_type": code})
        mark_gold(project, ["bridge"], "sue")
    return path


def _sentences(project):
    return [u for u in list_units(project, "bridge") if u.kind == "sentence"]


@pytest.fixture
def opened():
    """Projects the test opened, closed at its end (a window's deletion may come later)."""
    projects: list[Project] = []
    yield projects
    for project in projects:
        project.close()


def _training_window(qtbot, path, opened, when: str = "unit"):
    from annotator.ui.study.training_window import TrainingWindow

    project = Project.open(path)
    opened.append(project)
    set_feedback_when(project, when)
    return shown_active(qtbot, TrainingWindow(project, "alice"))


def shown_active(qtbot, window):
    """`window` shown and active, so that its shortcuts (Enter) take key presses."""
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _choose(qtbot, window, code: str) -> None:
    """Pick a claim type by its shortcut key (the codebook's: the code's first letter)."""
    qtbot.keyClick(window, code[0])
    assert window.choices["claim_type"].currentData() == code


def test_feedback_after_each_unit_names_both_definitions(qtbot, gold_path, opened):
    window = _training_window(qtbot, gold_path, opened)
    for label in ("fact", "fact", "intention"):  # the third sentence is a fact in the gold
        _choose(qtbot, window, label)
        qtbot.keyClick(window, Qt.Key.Key_Return)
    feedback = window.feedback.toPlainText()
    codebook = window.project.codebook.field("claim_type")
    assert "You: intention" in feedback and "Gold: fact" in feedback
    assert codebook.category("fact").definition.split(".")[0] in feedback
    units = _sentences(window.project)
    mine = coding.coder_codes(window.project, "alice~training")
    assert [mine[u.id]["claim_type"] for u in units[:3]] == ["fact", "fact", "intention"]
    assert coding.coder_codes(window.project, "alice") == {}  # never study codes
    assert window.index == 3


def test_feedback_at_the_end_of_the_article(qtbot, gold_path, opened):
    window = _training_window(qtbot, gold_path, opened, "article")
    for label in ("fact", "fact", "intention", "intention", "intention"):
        _choose(qtbot, window, label)
        qtbot.keyClick(window, Qt.Key.Key_Return)
        assert window.feedback.toPlainText() == ""  # nothing before the article is done
    _choose(qtbot, window, "prediction")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.feedback.toPlainText().count("Gold: fact") == 1


def test_the_certification_view(qtbot, gold_path, tmp_path: Path):
    from annotator.ui.study.certification_view import CertificationDialog

    with Project.open(gold_path) as project:
        trainee = ["fact", "fact", "intention", "intention", "intention", "prediction"]
        from annotator.core.study.training import code_training_unit

        for unit, code in zip(_sentences(project), trainee, strict=True):
            code_training_unit(project, "alice", unit.id, {"claim_type": code})
        dialog = CertificationDialog(project)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.fields.rows[0][:2] == ("claim_type", "0.756")
        assert dialog.verdict.text().startswith("FAIL")
        dialog.threshold.setValue(0.75)
        assert dialog.verdict.text().startswith("PASS")
        assert dialog.confusion.headers == [
            "coder \\ gold",
            "fact",
            "intention",
            "prediction",
            "evaluation",
            "no_claim",
        ]
        assert dialog.confusion.rows[1][:3] == ("intention", "1", "2")
        image = dialog.grab().toImage()
        assert_not_blank(image)
        image.save(str(tmp_path / "certification.png"))
        if os.environ.get("ANNOTATOR_SCREENSHOT"):
            assert image.save(str(DOCS / "study-certification.png"))
        dialog.close()


def test_a_supervisor_lands_in_the_review_and_a_stray_word_codes_nothing(
    qtbot, project_path, clean_settings, monkeypatch
):
    """The supervisor once opened the project as "sue" (remembered); with the passphrase
    given, the project opens in the review window, and typing "sue" there codes nothing."""
    from annotator.ui.app import open_workspace
    from annotator.ui.review.review_window import ReviewWindow

    with Project.open(project_path) as project:
        set_supervisor_passphrase(project, "open sesame")
    clean_settings.set_coder_for(project_path, "sue")
    monkeypatch.setenv(ENVIRONMENT, "open sesame")
    window = open_workspace(project_path, None, clean_settings)
    qtbot.addWidget(window)
    assert isinstance(window, ReviewWindow)
    window.show()
    qtbot.waitExposed(window)
    qtbot.keyClicks(window, "sue")
    with Project.open(project_path) as project:
        assert coding.coder_codes(project, "sue") == {}


def test_a_wrong_passphrase_opens_the_coding_window(
    qtbot, project_path, clean_settings, monkeypatch
):
    from annotator.ui.app import open_workspace
    from annotator.ui.main_window import MainWindow

    with Project.open(project_path) as project:
        set_supervisor_passphrase(project, "open sesame")
    monkeypatch.setenv(ENVIRONMENT, "guess")
    window = open_workspace(project_path, "alice", clean_settings)
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow) and window.coder == "alice"


def test_the_export_dialog_offers_no_gold_or_training_coder(qtbot, gold_path):
    """Unticking a coder exports the ticked ones by name: the list must hold only the study's."""
    from annotator.core.study.training import code_training_unit
    from annotator.ui.export_dialog import ExportDialog

    with Project.open(gold_path) as project:
        code_training_unit(project, "alice", _sentences(project)[0].id, {"claim_type": "fact"})
        dialog = ExportDialog(project)
        qtbot.addWidget(dialog)
        assert dialog.coders.names() == ["sue"]
        dialog.close()


def test_agreement_where_it_helps_to_act_in_the_review(qtbot, project_path, tmp_path: Path, opened):
    """Study > Agreement where it helps to act: the worst article first, then by coder."""
    from annotator.ui.review.review_window import ReviewWindow

    claims = ["fact", "intention", "prediction", "evaluation"]
    with Project.open(project_path) as project:
        for key, shift in (("border-talks", 0), ("harbor-deal", 1)):
            units = [u for u in list_units(project, key) if u.kind == "sentence"]
            for i, unit in enumerate(units):
                coding.apply_codes(project, "alice", unit.id, {"claim_type": claims[i % 4]})
                theirs = claims[(i + shift * (i % 2)) % 4]  # bob differs on every other one
                coding.apply_codes(project, "bob", unit.id, {"claim_type": theirs})
    project = Project.open(project_path)
    opened.append(project)
    review = ReviewWindow(project, None)
    qtbot.addWidget(review)
    review.agreement_detail()
    dialog = review.agreement_detail_dialog
    qtbot.waitExposed(dialog)
    dialog.field.setCurrentIndex(dialog.field.findData("claim_type"))
    assert [row[0] for row in dialog.rows.rows] == ["harbor-deal", "border-talks"]
    image = dialog.grab().toImage()
    assert_not_blank(image)
    image.save(str(tmp_path / "detail.png"))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        assert image.save(str(DOCS / "study-agreement-detail.png"))
    dialog.breakdown.setCurrentIndex(1)
    assert dialog.rows.rows[0][:2] == ("alice", "bob")
    dialog.breakdown.setCurrentIndex(2)
    assert dialog.rows.headers == ["Code", "Confused with", "Units"]
    dialog.field.setCurrentIndex(dialog.field.findData("story_type"))  # an article field
    assert dialog.rows.rows == [] and "coded once per article" in dialog.note.text()


@pytest.mark.sqlite_only  # on a server the coder is the database role: nothing is asked
def test_the_supervisor_says_so_in_the_prompt_and_lands_in_the_review(
    qtbot, project_path, clean_settings
):
    """From the start screen nothing is known: the name prompt of a project with a
    passphrase has "I am the supervisor…", which asks the passphrase and opens the review."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.ui.app import open_workspace
    from annotator.ui.coder_prompt import CoderPrompt
    from annotator.ui.review.gate import SupervisorGate
    from annotator.ui.review.review_window import ReviewWindow

    with Project.open(project_path) as project:
        set_supervisor_passphrase(project, "open sesame")

    def when_modal(kind, drive) -> None:
        def look() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, kind):
                QTimer.singleShot(20, look)
                return
            drive(dialog)

        QTimer.singleShot(0, look)

    def at_the_gate(gate: SupervisorGate) -> None:
        qtbot.keyClicks(gate.passphrase, "open sesame")
        qtbot.keyClick(gate.passphrase, Qt.Key.Key_Return)

    def at_the_prompt(prompt: CoderPrompt) -> None:
        assert prompt.supervisor_button is not None
        when_modal(SupervisorGate, at_the_gate)
        qtbot.mouseClick(prompt.supervisor_button, Qt.MouseButton.LeftButton)

    when_modal(CoderPrompt, at_the_prompt)
    window = open_workspace(project_path, None, clean_settings)
    qtbot.addWidget(window)
    assert isinstance(window, ReviewWindow)
    with Project.open(project_path) as project:
        assert project.summary()["coders"] == []  # nobody became a coder
