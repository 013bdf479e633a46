"""The coded project the review tests share: three sample articles, three coders who differ
on purpose, built through the core's coding service (never by writing tables)."""

from __future__ import annotations

from pathlib import Path

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.article_views import article_summaries, article_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.location import Location
from annotator.core.store.project import Project

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE_TEXTS = sorted(DATA.glob("*.txt"))
ATTRIBUTION = [c.code for c in bundled_codebook().field("attribution").categories]
CLAIMS = [c.code for c in bundled_codebook().field("claim_type").categories]
CONFIDENCE = [c.code for c in bundled_codebook().field("confidence").categories]
CAROL_UNITS = 6  # carol codes only the first sentences


def intended_codes(coder: str, position: int) -> dict[str, str]:
    """What `coder` codes on the `position`-th sentence of the project.

    alice and bob agree except on attribution of every 5th sentence and claim type of
    every 7th (from the 4th); carol agrees with alice except on the confidence of her
    2nd sentence. Everyone agrees on confidence otherwise.
    """
    codes = {
        "attribution": ATTRIBUTION[position % 6],
        "claim_type": CLAIMS[position % 4],
        "confidence": CONFIDENCE[position % 3],
    }
    if coder == "bob":
        if position % 5 == 0:
            codes["attribution"] = ATTRIBUTION[(position + 1) % 6]
        if position % 7 == 3:
            codes["claim_type"] = CLAIMS[(position + 1) % 4]
    if coder == "carol" and position == 1:
        codes["confidence"] = CONFIDENCE[(position + 1) % 3]
    return codes


def sentence_ids(project: Project) -> list[int]:
    """Every sentence of the project in reading order."""
    return [
        unit.id
        for article in article_summaries(project, "nobody")
        for unit in article_units(project, article.id)
        if unit.kind == "sentence"
    ]


def build_review_project(path: Location, coders=("alice", "bob", "carol")) -> dict:
    """Create the project at `path` (a file or a server URL); returns
    (unit id, field) -> {coder: code} as coded."""
    coded: dict[tuple[int, str], dict[str, str]] = {}
    with Project.create(path, bundled_codebook()) as project:
        assert not import_paths(project, SAMPLE_TEXTS).failures
        for position, unit_id in enumerate(sentence_ids(project)):
            for coder in coders:
                if coder == "carol" and position >= CAROL_UNITS:
                    continue
                codes = intended_codes(coder, position)
                coding.apply_codes(project, coder, unit_id, codes)
                for field, code in codes.items():
                    coded.setdefault((unit_id, field), {})[coder] = code
    return coded


def expected_disagreements(coded: dict, coders=None, field=None) -> set[tuple[int, str]]:
    """(unit id, field) where the chosen coders who coded differ, worked out from `coded`."""
    found = set()
    for (unit_id, key), codes in coded.items():
        chosen = [c for c in codes if coders is None or c in coders]
        if (field is None or key == field) and len({codes[c] for c in chosen}) > 1:
            found.add((unit_id, key))
    return found


def test_the_review_project_has_disagreements_on_every_field(project_location):
    coded = build_review_project(project_location("review.annotator"))
    assert {key for _, key in expected_disagreements(coded)} == {
        "attribution",
        "claim_type",
        "confidence",
    }
    assert len(expected_disagreements(coded, ("alice", "bob"))) > 5


def enter_review(qtbot, window, passphrase: str | None = None):
    """Ctrl+R in the coding window, through the gate, to a review window with its agreement."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    qtbot.keyClick(window, "r", Qt.KeyboardModifier.ControlModifier)
    gate = window.dialog
    qtbot.waitUntil(gate.isVisible)
    if passphrase is not None:
        qtbot.keyClicks(gate.passphrase, passphrase)
    qtbot.mouseClick(gate.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.LeftButton)
    qtbot.waitUntil(lambda: window.review_window is not None)
    review = window.review_window
    qtbot.waitExposed(review)
    wait_idle(qtbot, review)
    return review


def on_disagreements(qtbot, review):
    """The review window on its disagreement list, active, the list focused (the number
    keys decide)."""
    review.tabs.setCurrentWidget(review.disagreements)
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    review.disagreements.table.setFocus()
    return review


def wait_idle(qtbot, review) -> None:
    """Until the review window has no job running and none waiting."""
    qtbot.waitUntil(lambda: not review.busy, timeout=20000)
