"""Agreement where it helps to act: articles worst first, coder by coder, confusions."""

from __future__ import annotations

import pytest

from annotator.cli import main
from annotator.core.agreement.where_to_act import (
    coder_agreements,
    confused_categories,
    worst_articles,
)
from annotator.core.coding.lookups import list_units
from annotator.core.coding.service import apply_codes
from annotator.core.supervision.adjudication import adjudicate

CYCLE = ["fact", "intention", "prediction", "evaluation"]


def _sentences(project, key):
    return [u for u in list_units(project, key) if u.kind == "sentence"]


@pytest.fixture
def coded(sample_project):
    """alice and bob agree on every sentence of border-talks; on harbor-deal bob calls
    every other fact of alice's an intention; vaccine-plant only alice codes."""
    for key, disagree in (("border-talks", False), ("harbor-deal", True)):
        for i, unit in enumerate(_sentences(sample_project, key)):
            code = CYCLE[i % len(CYCLE)]
            other = "intention" if disagree and code == "fact" else code
            apply_codes(sample_project, "alice", unit.id, {"claim_type": code})
            apply_codes(sample_project, "bob", unit.id, {"claim_type": other})
    for unit in _sentences(sample_project, "vaccine-plant"):
        apply_codes(sample_project, "alice", unit.id, {"claim_type": "fact"})
    return sample_project


def test_articles_come_worst_first(coded):
    rows = worst_articles(coded, "claim_type")
    assert [r.article for r in rows] == ["harbor-deal", "border-talks"]  # one coder: not listed
    assert rows[0].alpha is not None and rows[0].alpha < 1.0 == rows[1].alpha
    assert rows[0].units == len(_sentences(coded, "harbor-deal"))


def test_each_coder_against_the_consensus_and_each_other(coded):
    first = _sentences(coded, "harbor-deal")[0]  # alice: fact, bob: intention
    adjudicate(coded, first.id, "claim_type", "fact", supervisor="sue")
    pairs = {
        (r.coder, r.other): r for r in coder_agreements(coded, "claim_type", bootstrap_samples=0)
    }
    assert set(pairs) == {("alice", "consensus"), ("bob", "consensus"), ("alice", "bob")}
    assert pairs["alice", "consensus"].units == 1 and pairs["alice", "bob"].units > 1
    assert pairs["alice", "bob"].alpha is not None and pairs["alice", "bob"].alpha < 1


def test_confused_categories_counts_pairs_of_codes(coded):
    harbor = _sentences(coded, "harbor-deal")
    facts = sum(1 for i in range(len(harbor)) if CYCLE[i % len(CYCLE)] == "fact")
    assert [(c.code_a, c.code_b, c.count) for c in confused_categories(coded, "claim_type")] == [
        ("fact", "intention", facts)
    ]


@pytest.mark.parametrize("by", ["article", "coder", "category"])
def test_the_command_prints_each_breakdown(coded, capsys, by):
    path = str(coded.path)
    coded.close()
    arguments = ["agreement-detail", path, "--field", "claim_type", "--by", by, "--bootstrap", "0"]
    assert main(arguments) == 0
    out = capsys.readouterr().out
    assert {"article": "harbor-deal", "coder": "alice ~ bob", "category": "fact ~ intention"}[
        by
    ] in out
