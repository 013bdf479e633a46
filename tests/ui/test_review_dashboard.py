"""Supervisor mode from the coding window: the gate, and the agreement dashboard's figures
checked against the core's `project_agreement` on the same project file."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from annotator.core.agreement.confusion import confusion_matrix
from annotator.core.agreement.from_project import project_agreement
from annotator.core.coding import service as coding
from annotator.core.store.location import Location
from annotator.core.store.project import Project
from annotator.core.supervision.passphrase import set_supervisor_passphrase
from annotator.ui.review.charts import ConfusionModel
from annotator.ui.review.coder_choice import CoderChoiceModel
from annotator.ui.review.dashboard import AgreementTableModel
from tests.typed_study import typed_project
from tests.ui.test_review_data import (
    build_review_project,
    enter_review,
    sentence_ids,
    wait_idle,
)
from tests.ui.test_screenshot import DOCS, assert_not_blank


@pytest.fixture
def review_path(project_location) -> Location:
    path = project_location("review.annotator")
    build_review_project(path)
    return path


def shown_value(value: float | None) -> str:
    """A coefficient as the table shows it: three decimals, or "undefined" for a field no
    two coders coded (the default codebook's article fields and the optional anonymity
    policy, which the review project's coders leave alone)."""
    return "undefined" if value is None else f"{value:.3f}"


def on_field(review, key: str) -> None:
    """Show `key`'s figures (the dashboard opens on the codebook's first field)."""
    dashboard = review.dashboard
    dashboard.field_choice.setCurrentIndex(dashboard.field_choice.findData(key))
    assert dashboard.field_key == key


def alpha_row(model: AgreementTableModel) -> int:
    return next(
        row for row in range(model.rowCount()) if model.row(row).coefficient == "krippendorff_alpha"
    )


def test_without_a_passphrase_a_confirmation_opens_the_review(qtbot, open_window, review_path):
    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    assert not window.dialog.needs_passphrase
    assert not window.dialog.passphrase.isVisible()
    assert review.coders.names() == ["alice", "bob", "carol"]
    assert review.isVisible()
    unit = window.controller.current_unit_id()  # the coding window still shows alice's own
    with Project.open(review_path) as project:
        assert window.controller.units.codes(unit) == coding.coder_codes(project, "alice")[unit]


def test_a_passphrase_is_asked_and_a_wrong_one_refused(qtbot, open_window, review_path):
    with Project.open(review_path) as project:
        set_supervisor_passphrase(project, "harbour lights")
    window = open_window("alice", review_path)
    qtbot.keyClick(window, "r", Qt.KeyboardModifier.ControlModifier)
    gate = window.dialog
    qtbot.waitUntil(gate.isVisible)
    assert gate.passphrase.isVisible()
    qtbot.keyClicks(gate.passphrase, "wrong")
    qtbot.keyClick(gate.passphrase, Qt.Key.Key_Return)
    assert gate.isVisible() and gate.problem.isVisible()
    assert window.review_window is None
    gate.passphrase.clear()
    qtbot.keyClicks(gate.passphrase, "harbour lights")
    qtbot.keyClick(gate.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.review_window is not None)
    wait_idle(qtbot, window.review_window)


def test_the_dashboard_shows_the_cores_alpha_for_every_field(qtbot, open_window, review_path):
    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    with Project.open(review_path) as project:
        expected = project_agreement(project).fields
    dashboard = review.dashboard
    assert list(dashboard.fields) == list(expected)
    for row in range(dashboard.field_choice.count()):
        dashboard.field_choice.setCurrentIndex(row)
        key = dashboard.field_key
        model = dashboard.table_model
        shown = model.index(alpha_row(model), 1).data()
        assert shown == shown_value(expected[key].krippendorff_alpha.value)
        assert dashboard.fields[key].krippendorff_alpha == expected[key].krippendorff_alpha
        assert dashboard.fields[key].alpha_ci_low == expected[key].alpha_ci_low
    bars = {bar.field: bar.alpha for bar in dashboard.chart.bars}
    assert bars == {key: report.krippendorff_alpha.value for key, report in expected.items()}


def test_choosing_two_coders_recomputes_for_that_pair(qtbot, open_window, review_path):
    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    carol = review.coders.index(2)
    # name and live progress: 37 sentences and 3 articles to code; of carol's 6 sentences
    # the 3 with an anonymous source lack the reason for anonymity the codebook asks
    assert carol.data().startswith("carol  ·  3 of 40")
    review.coder_list.setCurrentIndex(carol)
    review.coder_list.setFocus()
    qtbot.keyClick(review.coder_list, Qt.Key.Key_Space)  # a list view toggles the check box
    assert review.coders.chosen() == ["alice", "bob"]
    wait_idle(qtbot, review)
    with Project.open(review_path) as project:
        expected = project_agreement(project, coders=["alice", "bob"]).fields
    on_field(review, "attribution")
    model = review.dashboard.table_model
    alpha = model.row(alpha_row(model))
    key = review.dashboard.field_key
    assert alpha.value is not None
    assert alpha.value == expected[key].krippendorff_alpha.value
    assert review.dashboard.fields[key].coders == ("alice", "bob")


def test_an_undefined_coefficient_says_why(qtbot, open_window, review_path):
    with Project.open(review_path) as project:  # two more coders who only ever chose "fact"
        for unit_id in sentence_ids(project)[:4]:
            for coder in ("erin", "frank"):
                coding.apply_codes(project, coder, unit_id, {"claim_type": "fact"})
        expected = project_agreement(project, ["claim_type"], ["erin", "frank"]).fields
    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    review.coders.set_chosen(["erin", "frank"])
    wait_idle(qtbot, review)
    dashboard = review.dashboard
    dashboard.field_choice.setCurrentIndex(dashboard.field_choice.findData("claim_type"))
    model = dashboard.table_model
    alpha = expected["claim_type"].krippendorff_alpha
    assert alpha.value is None
    assert model.index(alpha_row(model), 1).data() == "undefined"  # narrow: reason in tooltip
    tip = model.index(alpha_row(model), 1).data(Qt.ItemDataRole.ToolTipRole)
    assert alpha.reason in tip
    assert model.index(alpha_row(model), 6).data() == ""  # no verdict on no figure
    for row in range(model.rowCount()):
        if model.row(row).value is None:
            assert model.index(row, 1).data() == "undefined"
            assert model.row(row).undefined_reason in model.index(row, 1).data(
                Qt.ItemDataRole.ToolTipRole
            )
    bar = next(bar for bar in dashboard.chart.bars if bar.field == "claim_type")
    assert (bar.alpha, bar.reason) == (None, alpha.reason)  # drawn as "undefined (reason)"


def test_the_confusion_matrix_is_the_cores(qtbot, open_window, review_path):
    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    dashboard = review.dashboard
    dashboard.field_choice.setCurrentIndex(dashboard.field_choice.findData("attribution"))
    dashboard.coder_a.setCurrentText("alice")
    dashboard.coder_b.setCurrentText("bob")
    with Project.open(review_path) as project:
        expected = confusion_matrix(project, "attribution", "alice", "bob")
    model = dashboard.confusion_model
    shown = [
        [int(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert shown == expected.counts
    assert sum(map(sum, shown)) > 0
    vertical, horizontal = Qt.Orientation.Vertical, Qt.Orientation.Horizontal
    assert model.headerData(0, vertical) == "1  Named person"
    assert model.headerData(6, vertical) == "0  Not applicable"  # its key, not its position
    assert model.headerData(6, horizontal) == "0"


def test_models_pass_the_model_tester(qtmodeltester, qtbot, open_window, review_path):
    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    qtmodeltester.check(review.dashboard.table_model)
    qtmodeltester.check(review.dashboard.confusion_model)
    qtmodeltester.check(review.coders)
    empty = ConfusionModel()
    qtmodeltester.check(empty)
    choice = CoderChoiceModel()
    choice.set_coders(["a", "b"])
    qtmodeltester.check(choice)


def test_render_the_dashboard(qtbot, open_window, review_path, tmp_path):
    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    review.resize(1300, 860)
    dashboard = review.dashboard
    dashboard.field_choice.setCurrentIndex(dashboard.field_choice.findData("attribution"))
    qtbot.wait(50)
    image = review.grab().toImage()
    assert_not_blank(image)
    image.save(str(tmp_path / "dashboard.png"))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        assert image.save(str(DOCS / "review-dashboard.png"))


def test_export_agreement_tables_and_html_report(qtbot, open_window, review_path, tmp_path):
    import pandas as pd

    from annotator.core.agreement.tables import agreement_rows

    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    table = tmp_path / "agreement.csv"
    assert review.export_agreement_tables(str(table))
    wait_idle(qtbot, review)
    with Project.open(review_path) as project:
        expected = project_agreement(project, by_article=True)
    rows = agreement_rows(expected.fields, expected.by_article, expected.details)
    frame = pd.read_csv(table)
    assert len(frame) == len(rows)
    assert "anonymity_reason:condition" in set(frame.field)  # the condition's own agreement
    alpha = frame[
        (frame.coefficient == "krippendorff_alpha")
        & frame.article.isna()
        & frame.field.isin(list(expected.fields))
    ]
    expected_alphas = [r.krippendorff_alpha.value for r in expected.fields.values()]
    assert [None if pd.isna(v) else v for v in alpha.value] == expected_alphas
    report = tmp_path / "agreement.html"
    assert review.export_html_report(str(report))
    wait_idle(qtbot, review)
    html = report.read_text(encoding="utf-8")
    assert html.count('class="confusion"') == 3 * 3  # every field, every pair of 3 coders
    assert "alpha-chart" in html
    assert "Wrote the agreement report" in review.statusBar().currentMessage()


def test_coefficients_explain_themselves_and_thin_ones_are_greyed(qtbot, open_window, review_path):
    """Issue 17: every coefficient has a tooltip saying what it measures; a figure from
    fewer than ten units is greyed with the reason instead of a verdict."""
    from annotator.core.agreement.descriptions import MIN_UNITS
    from annotator.ui.review.charts import verdict_color

    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    on_field(review, "attribution")
    model = review.dashboard.table_model
    for row in range(model.rowCount()):
        tip = model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
        assert tip and "white-space:normal" in tip  # wrapped, not one long line
    thin = [r for r in range(model.rowCount()) if model.row(r).value is not None]
    thin = [r for r in thin if model.row(r).n_units < MIN_UNITS]
    assert thin, "the review project should have a pairwise figure on few units"
    for row in thin:
        assert model.index(row, 6).data() == f"too few units ({model.row(row).n_units})"
        assert model.index(row, 1).data(Qt.ItemDataRole.ForegroundRole) == verdict_color(None)


def test_the_review_window_exports_codes_too(qtbot, open_window, review_path):
    from PySide6.QtGui import QAction

    from annotator.ui.export_dialog import ExportDialog

    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    action = next(a for a in review.findChildren(QAction) if a.text() == "Export codes…")
    action.trigger()
    assert isinstance(window.dialog, ExportDialog) and window.dialog.parent() is review
    qtbot.waitUntil(window.dialog.isVisible)
    window.dialog.reject()


def test_every_coefficient_shows_its_interval_and_kappas_a_band(qtbot, open_window, review_path):
    """Issue 17: kappa and AC1 get a bootstrap interval and a verdict too (Landis & Koch
    bands, coloured in alpha's three tones); the figures are the core's."""
    from annotator.core.agreement.verdicts import verdict_tone
    from annotator.ui.review.charts import verdict_color

    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    on_field(review, "attribution")
    dashboard = review.dashboard
    dashboard.field_choice.setCurrentIndex(dashboard.field_choice.findData("attribution"))
    with Project.open(review_path) as project:
        expected = project_agreement(project).fields[dashboard.field_key]
    model = dashboard.table_model
    rows = {
        model.row(r).coefficient: r for r in range(model.rowCount()) if not model.row(r).coder_a
    }
    fleiss, ac1 = expected.fleiss_kappa, expected.gwet_ac1
    for name, coefficient in (("fleiss_kappa", fleiss), ("gwet_ac1", ac1)):
        row = rows[name]
        assert model.index(row, 2).data() == (
            f"[{coefficient.ci_low:.3f}, {coefficient.ci_high:.3f}]"
        )
        assert "Bootstrap 95% interval" in model.index(row, 2).data(Qt.ItemDataRole.ToolTipRole)
        band = model.row(row).threshold_verdict
        assert band in {"poor", "slight", "fair", "moderate", "substantial", "almost perfect"}
        if model.row(row).n_units >= 10:
            assert model.index(row, 6).data() == f"{band} (Landis & Koch)"
            assert model.index(row, 6).data(Qt.ItemDataRole.ForegroundRole) == verdict_color(
                verdict_tone(band)
            )
            assert "Landis & Koch" in model.index(row, 6).data(Qt.ItemDataRole.ToolTipRole)
    pairs = [r for r in range(model.rowCount()) if model.row(r).coefficient == "cohen_kappa"]
    assert pairs and all(model.index(r, 2).data().startswith("[") for r in pairs)


@pytest.mark.sqlite_only  # the foreign code is written with sqlite3 around the app
def test_the_dashboard_says_which_codes_it_left_out(qtbot, open_window, tmp_path):
    """A code the codebook lacks, in a project made before the database checked codes,
    is left out of the figures, and the supervisor is told whose and in which field."""
    import sqlite3

    path = tmp_path / "foreign.annotator"
    build_review_project(path)
    with Project.open(path) as project:
        unit = sentence_ids(project)[-1]  # carol coded only the first units
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TRIGGER code_in_codebook_on_insert")
        connection.execute(
            "INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id, coded_at)"
            " SELECT ?, id, 'attribution', 'made_up', 1, '2026-12-01 10:00:00'"
            " FROM coder WHERE name = 'carol'",
            (unit,),
        )
    connection.close()
    window = open_window("alice", path)
    review = enter_review(qtbot, window)
    dashboard = review.dashboard
    dashboard.field_choice.setCurrentIndex(dashboard.field_choice.findData("attribution"))
    assert "Left out, skipped 1 code not in the codebook: coder carol, field attribution." in (
        dashboard.summary.text()
    )
    dashboard.field_choice.setCurrentIndex(dashboard.field_choice.findData("claim_type"))
    assert "not in the codebook" not in dashboard.summary.text()


def test_the_dashboard_leads_with_the_coefficient_to_report_for_each_field(
    qtbot, open_window, review_path
):
    """Issue 28: one coefficient to report per field by its level of measurement, with its
    interval, in plain words; each verdict named by its own convention; percent agreement
    as a percentage; the header in short lines; severity explained."""
    window = open_window("alice", review_path)
    review = enter_review(qtbot, window)
    dashboard = review.dashboard
    with Project.open(review_path) as project:
        expected = project_agreement(project).fields
        codebook = project.codebook
    lead = dashboard.lead.text()
    on_field(review, "attribution")
    for field in codebook.coded_fields:
        alpha = expected[field.key].krippendorff_alpha
        if alpha.value is None:  # the article fields, which nobody coded here
            assert f"{field.label}: Krippendorff's {field.level} alpha is undefined" in lead
            continue
        assert f"report Krippendorff's {field.level} alpha = {alpha.value:.3f}" in lead
        assert f"95% interval {alpha.ci_low:.3f} to {alpha.ci_high:.3f}" in lead
    assert "by Krippendorff's standard" in lead and "Landis and Koch" in lead
    dashboard.field_choice.setCurrentIndex(dashboard.field_choice.findData("attribution"))
    model = dashboard.table_model
    rows = {
        model.row(r).coefficient: r for r in range(model.rowCount()) if not model.row(r).coder_a
    }
    share = expected[dashboard.field_key].percent_agreement.value
    assert model.index(rows["percent_agreement"], 1).data() == f"{share * 100:.0f}%"
    alpha_verdict = model.index(rows["krippendorff_alpha"], 6).data()
    assert alpha_verdict.endswith("(Krippendorff)") or alpha_verdict.startswith("too few")
    assert len(dashboard.summary.text().splitlines()) >= 3
    review.tabs.setCurrentIndex(1)
    disagreements = review.disagreements.model
    tip = disagreements.headerData(3, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Severity: How far apart the codes are")


def test_the_dashboard_shows_the_typed_and_conditional_rows(qtbot, open_window, project_location):
    """The typed study (tests/core/test_agreement_typed.py): a multiple choice has no
    classic report, only its set alphas and a binary alpha per category; a conditional
    field's rows end with the agreement on its condition."""
    path = project_location("typed.annotator")
    typed_project(path).close()
    window = open_window("ann", path)
    review = enter_review(qtbot, window)
    dashboard = review.dashboard
    dashboard.field_choice.setCurrentIndex(dashboard.field_choice.findData("topics"))
    model = dashboard.table_model
    shown = {
        model.index(row, 0).data(): model.index(row, 1).data() for row in range(model.rowCount())
    }
    assert shown["Krippendorff's alpha (sets, MASI distance)"] == "0.423"
    assert shown["topics=politics: Krippendorff's alpha (nominal)"] == "0.571"
    assert dashboard.summary.text() == "topics: multiple choice, over articles"
    dashboard.field_choice.setCurrentIndex(dashboard.field_choice.findData("reason"))
    shown = {
        model.index(row, 0).data(): model.index(row, 1).data() for row in range(model.rowCount())
    }
    assert shown["Krippendorff's alpha (nominal)"] == "0.444"
    assert shown["reason:condition: Krippendorff's alpha (nominal)"] == "0.571"
    assert "asked when Source is anonymous: measured over the 3 units" in dashboard.summary.text()
