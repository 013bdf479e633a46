"""The review window stays open while another program codes and exports (issue 12, part 1).

The review window reads through worker threads, each with a second handle on the file
the coding window holds. Such a handle once read the file's header with plain file I/O,
which dropped the window's SQLite locks; the next program to open and close the file
then deleted the write-ahead log the window was still writing into. Seen as "Saved"
codes that no other program saw, a disk I/O error in the review window, and a code
saved by `annotator code` meanwhile that was gone once the window closed. Every check
of what was saved is made by another process.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.coding.lookups import list_units
from tests.conftest import run_annotator
from tests.ui.test_review_data import build_review_project, enter_review, wait_idle

pytestmark = pytest.mark.sqlite_only  # file locks and write-ahead logs


def annotator(*args: str) -> str:
    """The command line in a process of its own; its output."""
    done = run_annotator(*args)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout


def seen_elsewhere(path: Path, coder: str) -> dict[str, dict[str, str]]:
    """A coder's codes by unit key, as another program reads them."""
    rows = json.loads(annotator("units", str(path), "--coder", coder, "--json"))
    return {row["key"]: row["codes"] for row in rows if row["codes"]}


@pytest.mark.slow  # five command-line processes
def test_review_open_while_another_program_codes_and_exports(qtbot, open_window, tmp_path):
    path = tmp_path / "review.annotator"
    build_review_project(path)
    window = open_window("erin", path)
    current = window.controller.units.unit(window.controller.current_row())
    [unit] = [u for u in list_units(window.project) if u.id == current.id]
    qtbot.keyClick(window, "1")  # attribution: named person
    review = enter_review(qtbot, window)  # its agreement is worked out in a worker thread

    annotator("code", str(path), "--coder", "dave", unit.key, "attribution=anonymous_vague")
    exported = tmp_path / "codes.csv"
    annotator("export", str(path), "-o", str(exported))
    review.poll()
    wait_idle(qtbot, review)
    assert "dave" in review.coders.names()
    assert review.live_state.text().startswith("Live"), review.live_state.toolTip()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, "f", Qt.KeyboardModifier.NoModifier)  # claim type: fact
    assert window.status.save_text == "Saved"
    assert Path(f"{path}-wal").exists()
    assert seen_elsewhere(path, "erin") == {
        unit.key: {"attribution": "named_person", "claim_type": "fact"}
    }
    with exported.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["coder"] for r in rows} >= {"alice", "bob", "carol", "dave", "erin"}

    review.close()
    window.close()
    window.project.close()
    assert seen_elsewhere(path, "dave") == {unit.key: {"attribution": "anonymous_vague"}}
    assert seen_elsewhere(path, "erin") == {
        unit.key: {"attribution": "named_person", "claim_type": "fact"}
    }
