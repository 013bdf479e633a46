"""Progress per coder against the recorded assignment, on a hand-built project."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from annotator.core.coding.lookups import list_units
from annotator.core.coding.service import apply_codes
from annotator.core.study.articles import article_facts
from annotator.core.study.assign import assign_study, recorded_assignment
from annotator.core.study.assignment_progress import study_progress
from annotator.core.study.plan import make_plan, save_plan
from annotator.core.study.sample_size import SmallestShare

CODES = {"attribution": "named_person", "claim_type": "fact", "confidence": "high"}


def _sentences(project, key: str):
    return [u for u in list_units(project, key) if u.kind == "sentence"]


def test_progress_without_assignment_counts_every_article(sample_project):
    facts = article_facts(sample_project)
    first = _sentences(sample_project, facts[0].key)
    for unit in first:
        apply_codes(sample_project, "alice", unit.id, CODES)
    apply_codes(sample_project, "bob", first[0].id, {"attribution": "named_person"})  # incomplete
    figures = study_progress(sample_project)
    assert not figures.assigned
    by_coder = {c.coder: c for c in figures.coders}
    total_units = sum(a.units for a in facts)
    alice, bob = by_coder["alice"], by_coder["bob"]
    assert (alice.articles_done, alice.articles_assigned) == (1, len(facts))
    assert (alice.units_done, alice.units_assigned) == (len(first), total_units)
    assert (bob.articles_done, bob.units_done) == (0, 0)
    assert alice.last_activity is not None and bob.last_activity is not None
    assert alice.stalled == []  # nothing assigned: nothing can stall but what was touched


def test_progress_against_assignment_and_stalled(sample_project, tmp_path: Path):
    facts = article_facts(sample_project)
    plan = make_plan(sample_project, 0.8, 0.05, SmallestShare(0.5, "test"), seed=1)
    save_plan(sample_project, dataclasses.replace(plan, articles=facts[:1]))
    assign_study(sample_project, ["alice", "bob"], tmp_path / "coders", seed=4)
    record = recorded_assignment(sample_project)
    assert record is not None
    mine = {
        name: [a for a in facts if name in record["articles"][a.sha256]["coders"]]
        for name in ("alice", "bob")
    }
    shared = _sentences(sample_project, facts[0].key)
    for unit in shared:  # alice finishes the shared article
        apply_codes(sample_project, "alice", unit.id, CODES)
    apply_codes(sample_project, "bob", shared[0].id, CODES)  # bob codes one unit of it

    now = datetime.now(UTC)
    figures = study_progress(sample_project, now=now)
    assert figures.assigned
    by_coder = {c.coder: c for c in figures.coders}
    alice, bob = by_coder["alice"], by_coder["bob"]
    assert alice.articles_assigned == len(mine["alice"])
    assert alice.units_assigned == sum(a.units for a in mine["alice"])
    assert (alice.articles_done, alice.units_done) == (1, len(shared))
    assert (bob.articles_done, bob.units_done) == (0, 1)
    assert bob.units_assigned == sum(a.units for a in mine["bob"])
    assert alice.stalled == [] and bob.stalled == []

    later = study_progress(sample_project, stalled_days=7, now=now + timedelta(days=10))
    stalled = {c.coder: {s.key for s in c.stalled} for c in later.coders}
    assert stalled["alice"] == {a.key for a in mine["alice"][1:]}  # all but the finished one
    assert stalled["bob"] == {a.key for a in mine["bob"]}
    bob_shared = next(
        s for c in later.coders if c.coder == "bob" for s in c.stalled if s.key == facts[0].key
    )
    assert (bob_shared.units_done, bob_shared.units, bob_shared.idle_days) == (1, len(shared), 10)
    still = study_progress(sample_project, stalled_days=30, now=now + timedelta(days=10))
    assert all(c.stalled == [] for c in still.coders)
