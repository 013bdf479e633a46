"""Agreement on sources: clusters across coders, per-coder counts, alpha per source field
and sources per article against a hand-worked example, machine against human."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from annotator.core.agreement.source_agreement import (
    SOURCES_PER_ARTICLE,
    cluster_sources,
    compared_articles,
    source_agreement,
)
from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service as sources
from annotator.core.coding.lookups import find_unit
from annotator.core.coding.source_lists import Mention, SourceEntry, SourceList
from annotator.core.store.project import Project
from annotator.core.store.roles import SUGGESTER
from annotator.core.suggest.as_coder import ensure_machine_coder

# (label, unit key, start, end within the unit's text, named_or_anonymous)
Planned = tuple[str, str, int, int, str]

HAND_WORKED: dict[str, dict[str, list[Planned]]] = {
    "border-talks": {
        "alice": [
            ("Minister", "border-talks#1", 0, 8, "named"),
            ("Aide", "border-talks#2", 0, 6, "anonymous"),
        ],
        "bob": [
            ("The minister", "border-talks#1", 2, 10, "named"),
            ("An aide", "border-talks#2", 1, 7, "named"),
            ("Observers", "border-talks#3", 0, 9, "anonymous"),
        ],
    },
    "harbor-deal": {
        "alice": [("Officials", "harbor-deal#2", 0, 9, "anonymous")],
        "bob": [("Port officials", "harbor-deal#2", 3, 12, "anonymous")],
    },
    "vaccine-plant": {
        "alice": [
            ("CEO", "vaccine-plant#1", 0, 5, "named"),
            ("A source", "vaccine-plant#3", 0, 5, "named"),
        ],
        "bob": [("The CEO", "vaccine-plant#1", 1, 6, "named")],
    },
}


def write_lists(project: Project, planned: dict[str, dict[str, list[Planned]]]) -> None:
    """Each coder's list of each article, through the write path (the suggester's as the
    suggester, as `--propose` writes it)."""
    for by_coder in planned.values():
        for coder, entries in by_coder.items():
            wanted = SourceList()
            article_id = 0
            for number, (label, unit_key, start, end, named) in enumerate(entries):
                unit = find_unit(project, unit_key)
                article_id = unit.article_id
                mention = Mention(unit.id, unit.start + start, unit.start + end)
                wanted.sources.append(
                    SourceEntry(
                        f"{coder[:3]}{number}", label, {mention}, {"named_or_anonymous": named}
                    )
                )
            reserved = None
            if coder == SUGGESTER:
                ensure_machine_coder(project)
                reserved = SUGGESTER
            sources.replace_list(project, article_id, coder, wanted, reserved=reserved)


@pytest.fixture
def hand_worked(sample_project) -> Project:
    write_lists(sample_project, HAND_WORKED)
    return sample_project


def test_two_coders_match_count_and_alpha_as_worked_by_hand(hand_worked):
    """Two coders, three articles (Krippendorff 2011, "Computing Krippendorff's
    Alpha-Reliability", section A (nominal) and E (interval) formulas).

    Matching (overlapping mentions, one to one): border-talks: Minister~The minister,
    Aide~An aide, bob's Observers unmatched; harbor-deal: Officials~Port officials;
    vaccine-plant: CEO~The CEO, alice's A source unmatched. So alice found 5, matched 4,
    unmatched 1; bob the same.

    named_or_anonymous over the 4 matched clusters (n = 8 pairable values):
    (named, named), (anonymous, named), (anonymous, anonymous), (named, named).
    Coincidences o_nn = 4, o_aa = 2, o_na = o_an = 1; n_named = 5, n_anonymous = 3.
    Nominal alpha = 1 - (n - 1) * (o_na + o_an) / (n_named * n_anonymous * 2)
                  = 1 - 7 * 2 / 30 = 16/30 = 0.5333.

    Sources per article, interval: border-talks (2, 3), harbor-deal (1, 1),
    vaccine-plant (2, 1); n = 6. D_o = (1/n) sum o_ck (c - k)^2 = (2*1 + 0 + 2*1)/6 = 4/6.
    Values 1 x3, 2 x2, 3 x1: D_e = sum_{c != k} n_c n_k (c - k)^2 / (n (n - 1))
    = 2 * (3*2*1 + 3*1*4 + 2*1*1) / 30 = 40/30. Interval alpha = 1 - (4/6)/(40/30) = 0.5.
    """
    result = source_agreement(hand_worked, bootstrap_samples=200)
    assert result.coders == ("alice", "bob")
    assert result.n_articles == 3 and result.n_clusters == 4
    counts = {c.coder: (c.found, c.matched, c.unmatched) for c in result.per_coder}
    assert counts == {"alice": (5, 4, 1), "bob": (5, 4, 1)}
    (pair,) = result.pairs
    assert pair.to_dict() | {} == {
        "coder_a": "alice",
        "coder_b": "bob",
        "articles": 3,
        "found_a": 5,
        "found_b": 5,
        "matched": 4,
        "only_a": 1,
        "only_b": 1,
    }
    assert {(u.article_key, u.coder, u.label) for u in result.unmatched} == {
        ("border-talks", "bob", "Observers"),
        ("vaccine-plant", "alice", "A source"),
    }
    named = result.fields["named_or_anonymous"]
    assert named.n_units == 4 and named.n_pairable_values == 8
    assert named.krippendorff_alpha.value == pytest.approx(16 / 30)
    assert named.alpha_ci_low is not None and named.alpha_ci_high is not None
    library = krippendorff.alpha(
        np.array([[0, 1, 1, 0], [0, 0, 1, 0]], dtype=float), level_of_measurement="nominal"
    )
    assert library == pytest.approx(16 / 30)
    per_article = result.sources_per_article
    assert per_article is not None and per_article.field == SOURCES_PER_ARTICLE
    assert per_article.alpha_level == "interval"
    assert per_article.krippendorff_alpha.value == pytest.approx(0.5)
    library = krippendorff.alpha(
        np.array([[2, 1, 2], [3, 1, 1]], dtype=float), level_of_measurement="interval"
    )
    assert library == pytest.approx(0.5)
    # a field nobody coded has no values, and says so rather than inventing a figure
    assert result.fields["source_type"].krippendorff_alpha.value is None


def _entry(uid: str, unit: int, start: int, end: int) -> SourceEntry:
    return SourceEntry(uid, uid, {Mention(unit, start, end)})


def test_three_coders_join_into_clusters_with_at_most_one_source_per_coder():
    """a1 overlaps b1 twice (evidence 2) and c1 once; b1 overlaps c1; a2 overlaps c1 as well.
    Pairwise: a-b {a1~b1}; a-c {a1~c1 (2 overlaps beat a2's one)}; b-c {b1~c1}. Joined
    strongest first: one cluster {a1, b1, c1}; a2 stays alone (c1 is taken)."""
    a = SourceList(
        [SourceEntry("a1", "A", {Mention(1, 0, 5), Mention(2, 0, 5)}), _entry("a2", 1, 3, 8)]
    )
    b = SourceList([SourceEntry("b1", "B", {Mention(1, 1, 4), Mention(2, 1, 4)})])
    c = SourceList(
        [SourceEntry("c1", "C", {Mention(1, 2, 6), Mention(2, 2, 6)}), _entry("c2", 9, 20, 23)]
    )
    clusters = cluster_sources({"a": a, "b": b, "c": c})
    assert clusters == [{"a": "a1", "b": "b1", "c": "c1"}, {"a": "a2"}, {"c": "c2"}]


def test_a_chain_never_puts_two_sources_of_one_coder_in_a_cluster():
    """Each pair's own match: a1~b1 (evidence 2), b1~c1 (2), and a2~c1 (1; a1 shares
    nothing with c1). Joined by transitivity they would hold a1 and a2: strongest first,
    {a1, b1, c1} forms and the weaker a2~c1 is skipped, so a2 stays alone."""
    a = SourceList(
        [SourceEntry("a1", "A", {Mention(1, 0, 10), Mention(1, 0, 4)}), _entry("a2", 3, 0, 10)]
    )
    b = SourceList([SourceEntry("b1", "B", {Mention(1, 0, 10), Mention(2, 0, 10)})])
    c = SourceList(
        [
            SourceEntry("c1", "C", {Mention(2, 0, 10), Mention(2, 0, 4), Mention(3, 0, 4)}),
            _entry("c9", 7, 20, 22),
        ]
    )
    clusters = cluster_sources({"a": a, "b": b, "c": c})
    assert clusters == [{"a": "a1", "b": "b1", "c": "c1"}, {"a": "a2"}, {"c": "c9"}]


def test_the_suggester_is_measured_as_a_machine_against_the_humans(hand_worked):
    """The suggester's proposed list is a third coder, marked as a machine; its pairs with
    each human stand apart in the counts and in Cohen's kappa."""
    write_lists(
        hand_worked,
        {
            "border-talks": {SUGGESTER: [("minister", "border-talks#1", 0, 4, "named")]},
            "harbor-deal": {SUGGESTER: [("officials", "harbor-deal#2", 0, 4, "anonymous")]},
        },
    )
    result = source_agreement(hand_worked, bootstrap_samples=0)
    assert result.coders == ("alice", "bob", SUGGESTER)
    assert result.machine_coders == (SUGGESTER,)
    assert result.label(SUGGESTER) == f"{SUGGESTER} (machine)"
    machine = next(c for c in result.per_coder if c.coder == SUGGESTER)
    assert machine.machine and (machine.found, machine.matched) == (2, 2)
    pairs = {(p.coder_a, p.coder_b): p for p in result.pairs}
    assert pairs[("alice", SUGGESTER)].articles == 2
    assert pairs[("alice", SUGGESTER)].matched == 2
    named = result.fields["named_or_anonymous"]
    assert named.machine_coders == (SUGGESTER,)
    kappas = {(k.coder_a, k.coder_b): k.kappa for k in named.cohen_kappa}
    assert kappas[("alice", SUGGESTER)].n_units == 2
    humans = source_agreement(hand_worked, ["alice", "bob"], bootstrap_samples=0)
    assert humans.fields["named_or_anonymous"].krippendorff_alpha.value == pytest.approx(16 / 30)


def test_a_coder_who_coded_the_article_but_listed_no_source_found_none(hand_worked):
    """carol coded a sentence of harbor-deal and listed no source: she found 0 there (a
    value of sources per article), not a missing value."""
    from annotator.core.coding import service as coding

    unit = find_unit(hand_worked, "harbor-deal#2")
    coding.apply_codes(hand_worked, "carol", unit.id, {"claim_type": "fact"})
    result = source_agreement(hand_worked, bootstrap_samples=0)
    carol = next(c for c in result.per_coder if c.coder == "carol")
    assert (carol.found, carol.matched) == (0, 0)
    per_article = result.sources_per_article
    assert per_article is not None and per_article.n_pairable_values == 7


def test_the_lists_read_at_once_are_the_write_paths_lists(hand_worked):
    """compared_articles reads every list in a few queries; each is the list the write
    path reads one by one (span corrections aside: agreement does not compare them)."""
    unit = find_unit(hand_worked, "harbor-deal#2")
    first = sources.read_list(hand_worked, unit.article_id, "alice").sources[0].uid

    def more(source_list, units):
        lists.link(source_list, unit.id, first)
        lists.code(source_list, first, hand_worked.codebook, {"source_type": "government"})

    sources.edit(hand_worked, unit.article_id, "alice", more)
    for article in compared_articles(hand_worked):
        for coder, read in article.lists.items():
            one = sources.read_list(hand_worked, article.article_id, coder)
            one.spans = {}
            assert read == one
    (only,) = compared_articles(hand_worked, only=unit.article_id)
    assert only.lists["alice"].links == {unit.id: [first]}


def test_coders_who_listed_no_source_anywhere_have_no_sources_to_report(sample_project):
    from annotator.core.coding import service as coding
    from annotator.core.supervision.source_review import reviewed_articles

    unit = find_unit(sample_project, "harbor-deal#2")
    for coder in ("alice", "bob"):
        coding.apply_codes(sample_project, coder, unit.id, {"claim_type": "fact"})
    result = source_agreement(sample_project, bootstrap_samples=0)
    assert result.n_articles == 1 and not result.has_sources
    assert reviewed_articles(sample_project) == []
