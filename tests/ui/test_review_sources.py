"""The review window's sources tab, driven by keys and checked in the project: the coders'
lists side by side, the consensus list settled (take, field, remove, undo), refused
without the supervisor passphrase; and its picture at 1366x768 (written to
docs/review-sources-1366x768.png with ANNOTATOR_SCREENSHOT set)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.coding import sources_service as sources
from annotator.core.coding.lookups import find_unit
from annotator.core.store.location import Location
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision.passphrase import set_supervisor_passphrase
from tests.core.test_source_agreement import HAND_WORKED, write_lists
from tests.ui.test_review_data import enter_review, wait_idle
from tests.ui.test_screenshot import assert_not_blank

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
CTRL = Qt.KeyboardModifier.ControlModifier
PASSPHRASE = "harbour lights"


@pytest.fixture
def coded(project_path) -> Location:
    """The sample project with the hand-worked source lists of alice and bob."""
    with Project.open(project_path) as project:
        write_lists(project, HAND_WORKED)
    return project_path


def consensus(path: Location, article_key: str) -> list[tuple[str, dict[str, str]]]:
    with Project.open(path) as project:
        article = find_unit(project, f"{article_key}#1").article_id
        return [(s.label, s.codes) for s in sources.read_list(project, article, CONSENSUS).sources]


def on_sources(qtbot, review):
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    qtbot.keyClick(review, "3", CTRL)
    tab = review.sources
    qtbot.waitUntil(lambda: review.tabs.currentWidget() is tab and tab.table.hasFocus())
    return tab


def test_the_supervisor_settles_the_consensus_by_keys(qtbot, qtmodeltester, open_window, coded):
    review = enter_review(qtbot, open_window("alice", coded))
    tab = on_sources(qtbot, review)
    assert tab.article_box.currentText() == "border-talks — 3 source(s), 1 unmatched, 1 differing"
    model = tab.model
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Row",
        "1  alice",
        "2  bob",
        "Consensus",
    ]
    assert [model.index(r, 0).data() for r in range(3)] == [
        "matched",
        "≠ Named or anonymous",
        "only bob",
    ]
    assert model.index(2, 1).data() == "—"
    assert model.index(1, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is None

    qtbot.keyClick(tab.table, "1")  # row 1: alice's "Minister"
    assert consensus(coded, "border-talks") == [("Minister", {"named_or_anonymous": "named"})]
    qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    qtbot.keyClick(tab.table, "2")  # row 2: bob's "An aide", coded named
    assert model.index(1, 3).data().startswith("An aide")
    box = tab.field_boxes["named_or_anonymous"]
    assert box.isEnabled() and box.currentData() == "named"
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # named -> anonymous
    assert consensus(coded, "border-talks")[1] == ("An aide", {"named_or_anonymous": "anonymous"})
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert [label for label, _ in consensus(coded, "border-talks")] == ["Minister"]
    qtbot.keyClick(review, "z", CTRL)  # undo the removal
    assert consensus(coded, "border-talks")[1] == ("An aide", {"named_or_anonymous": "anonymous"})
    assert tab.summary.text() == "3 row(s), 1 unmatched, 2 in the consensus"
    qtbot.keyClick(tab.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert tab.article_box.currentText().startswith("harbor-deal")
    qtbot.keyClick(tab.table, "2")
    assert consensus(coded, "harbor-deal") == [
        ("Port officials", {"named_or_anonymous": "anonymous"})
    ]
    wait_idle(qtbot, review)


def test_without_the_passphrase_the_sources_cannot_be_settled(qtbot, open_window, coded):
    with Project.open(coded) as project:
        set_supervisor_passphrase(project, PASSPHRASE)
    window = open_window("alice", coded)
    qtbot.keyClick(window, "r", CTRL)
    gate = window.dialog
    qtbot.waitUntil(gate.isVisible)
    qtbot.keyClicks(gate.passphrase, "guess")
    qtbot.keyClick(gate.passphrase, Qt.Key.Key_Return)
    assert gate.isVisible() and gate.problem.isVisible() and window.review_window is None
    gate.reject()
    assert window.review_window is None
    assert consensus(coded, "border-talks") == []


def test_render_the_sources_tab_at_1366x768(qtbot, open_window, coded, tmp_path):
    review = enter_review(qtbot, open_window("alice", coded))
    tab = on_sources(qtbot, review)
    qtbot.keyClick(tab.table, "1")
    qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    qtbot.keyClick(tab.table, "2")
    qtbot.keyClick(tab.table, Qt.Key.Key_Up)  # the differing row shows unselected
    review.resize(1366, 768)
    qtbot.wait(50)
    image = review.grab().toImage()
    assert (image.width(), image.height()) == (1366, 768)
    assert_not_blank(image)
    assert image.save(str(tmp_path / "review-sources.png"))
    if os.environ.get("ANNOTATOR_SCREENSHOT"):  # as tests/ui/test_screenshot.py does
        assert image.save(str(DOCS / "review-sources-1366x768.png"))
    wait_idle(qtbot, review)


def test_the_review_windows_exports_carry_the_agreement_on_sources(
    qtbot, open_window, coded, tmp_path
):
    import csv

    review = enter_review(qtbot, open_window("alice", coded))
    table, report = tmp_path / "agreement.csv", tmp_path / "agreement.html"
    assert review.export_agreement_tables(str(table))
    wait_idle(qtbot, review)
    with table.open(encoding="utf-8", newline="") as cells:
        alphas = {
            row["field"]: row["value"]
            for row in csv.DictReader(cells)
            if row["coefficient"] == "krippendorff_alpha" and not row["article"]
        }
    assert float(alphas["named_or_anonymous"]) == pytest.approx(16 / 30)
    assert float(alphas["sources per article"]) == pytest.approx(0.5)
    assert review.export_html_report(str(report))
    wait_idle(qtbot, review)
    assert '<section class="field" id="sources">' in report.read_text(encoding="utf-8")
