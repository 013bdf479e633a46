"""The re-check window: alice codes her scheduled re-check again with the codebook's keys,
blind (her first codes are never shown), and the codes go to `alice~recheck`, never over
her study codes (issue 25). The article is invented here (three sentences)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.store.project import Project
from annotator.core.study.recheck import pending_units, schedule_recheck
from tests.conftest import one_article_project
from tests.ui.test_training_window import shown_active

ARTICLE = """Library hours extended

The library will open on Sundays from March. The council plans a second branch. \
Readers welcomed the change.
"""
FIRST = ["fact", "intention", "evaluation"]


@pytest.fixture
def recheck_path(project_location, tmp_path: Path):
    path = project_location("recheck.annotator")
    with one_article_project(path, tmp_path, "library", ARTICLE) as project:
        units = [u for u in list_units(project, "library") if u.kind == "sentence"]
        for unit, code in zip(units, FIRST, strict=True):
            coding.apply_codes(project, "alice", unit.id, {"claim_type": code})
        schedule_recheck(project, "alice", 2, seed=1)
    return path


def test_alice_codes_her_recheck_blind_by_keys(qtbot, recheck_path):
    from annotator.ui.study.recheck_window import RecheckWindow

    with Project.open(recheck_path) as project:
        window = shown_active(qtbot, RecheckWindow(project, "alice"))
        assert [window.articles.item(i).text() for i in range(window.articles.count())] == [
            "library"
        ]
        scheduled = [u.id for u in window.units]
        assert len(scheduled) == 2
        for _ in scheduled:
            assert window.choices["claim_type"].currentData() is None  # blind: nothing shown
            qtbot.keyClick(window, "p")  # prediction, the codebook's key
            qtbot.keyClick(window, Qt.Key.Key_Return)
        again = coding.coder_codes(project, "alice~recheck")
        assert {unit: again[unit]["claim_type"] for unit in scheduled} == dict.fromkeys(
            scheduled, "prediction"
        )
        first = coding.coder_codes(project, "alice")
        assert sorted(c["claim_type"] for c in first.values()) == sorted(FIRST)  # untouched
        assert pending_units(project, "alice") == []
        assert "Re-check done" in window.status.text()
        window.close()
