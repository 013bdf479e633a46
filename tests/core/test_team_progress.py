"""What the supervisor's live view reads: each coder's progress and the coding stamp."""

from __future__ import annotations

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_articles, list_units
from annotator.core.coding.progress import coder_progress, coding_stamp
from annotator.core.supervision import adjudication

FULL = {"attribution": "named_person", "claim_type": "fact", "confidence": "high"}


def to_code(project):
    return [u for u in list_units(project) if project.codebook.needs_coding(u.kind)]


def test_progress_counts_complete_units_per_coder(sample_project):
    units = to_code(sample_project)
    total = len(units) + len(list_articles(sample_project))  # and each article's questions
    coding.apply_codes(sample_project, "ana", units[0].id, FULL)
    coding.apply_codes(sample_project, "ana", units[1].id, FULL)
    coding.apply_codes(sample_project, "ana", units[2].id, {"attribution": "unattributed"})
    coding.apply_codes(sample_project, "ben", units[0].id, FULL)
    progress = coder_progress(sample_project)
    assert {name: (p.complete, p.total) for name, p in progress.items()} == {
        "ana": (2, total),
        "ben": (1, total),
    }
    assert progress["ana"].percent == 200 // total
    assert progress["ben"].last_change >= progress["ana"].last_change  # ben coded last


def test_stamp_moves_when_a_coder_codes_but_not_when_the_consensus_does(sample_project):
    unit = to_code(sample_project)[0]
    assert coding_stamp(sample_project) == 0
    coding.apply_codes(sample_project, "ana", unit.id, {"attribution": "named_person"})
    coding.apply_codes(sample_project, "ben", unit.id, {"attribution": "unattributed"})
    stamp = coding_stamp(sample_project)
    assert stamp > 0
    adjudication.adjudicate(sample_project, unit.id, "attribution", "named_person", None, "sue")
    assert coding_stamp(sample_project) == stamp
    assert "consensus" not in coder_progress(sample_project)
    coding.apply_codes(sample_project, "ben", unit.id, {"attribution": "named_person"})
    assert coding_stamp(sample_project) > stamp
