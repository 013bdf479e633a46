"""Reviewing sources: the coders' lists side by side, rows aligned by the clusters of
agreement on sources, and the consensus list settled through the write path."""

from __future__ import annotations

import pytest

from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service as sources
from annotator.core.coding.lookups import find_unit
from annotator.core.errors import CodingError
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision import source_review as review
from tests.core.test_source_agreement import hand_worked  # noqa: F401


def _article(project: Project, key: str) -> int:
    return find_unit(project, f"{key}#1").article_id


def test_rows_align_matched_sources_and_mark_the_fields_coders_differ_on(hand_worked):  # noqa: F811
    shown = review.review_article(hand_worked, _article(hand_worked, "border-talks"))
    assert shown.coders == ("alice", "bob")
    assert shown.fields == ("source_type", "named_or_anonymous", "reason_given", "quote_form")
    labels = [tuple(e.label if e else None for e in row.sources.values()) for row in shown.rows]
    assert labels == [("Minister", "The minister"), ("Aide", "An aide"), (None, "Observers")]
    assert [row.disagreeing for row in shown.rows] == [
        frozenset(),
        frozenset({"named_or_anonymous"}),
        frozenset(),
    ]
    assert [row.matched for row in shown.rows] == [True, True, False]
    assert shown.unmatched == 1 and shown.settled == 0
    listed = {
        a.key: (a.sources, a.unmatched, a.disagreeing)
        for a in review.reviewed_articles(hand_worked)
    }
    assert listed == {
        "border-talks": (3, 1, 1),
        "harbor-deal": (1, 0, 0),
        "vaccine-plant": (2, 1, 0),
    }


def test_the_supervisor_settles_the_consensus_with_history_and_undo(hand_worked):  # noqa: F811
    project = hand_worked
    article = _article(project, "border-talks")
    aide = review.review_article(project, article).rows[1]
    bobs = aide.sources["bob"]
    assert bobs is not None
    review.take_source(project, article, "bob", bobs.uid, supervisor="Ann")
    consensus = sources.read_list(project, article, CONSENSUS)
    assert [(s.label, s.codes) for s in consensus.sources] == [
        ("An aide", {"named_or_anonymous": "named"})
    ]
    assert consensus.sources[0].mentions == bobs.mentions
    placed = review.review_article(project, article).rows[1].consensus
    assert placed is not None and placed.label == "An aide"  # on the row it came from
    coded = review.set_consensus_code(
        project, article, placed.uid, "named_or_anonymous", "anonymous", supervisor="Ann"
    )
    assert sources.read_list(project, article, CONSENSUS).sources[0].codes == {
        "named_or_anonymous": "anonymous"
    }
    alices = aide.sources["alice"]
    assert alices is not None
    review.take_source(project, article, "alice", alices.uid, replacing=placed.uid)
    again = sources.read_list(project, article, CONSENSUS).sources
    assert [(s.uid, s.label) for s in again] == [(placed.uid, "Aide")]
    history = sources.source_history(project, article)
    assert {h.origin for h in history if h.coder == CONSENSUS} >= {"adjudication by Ann"}
    removed = review.remove_consensus_source(project, article, placed.uid)
    assert sources.read_list(project, article, CONSENSUS).sources == []
    back = review.restore(project, removed)
    assert [s.label for s in sources.read_list(project, article, CONSENSUS).sources] == ["Aide"]
    review.restore(project, back)  # redo
    assert sources.read_list(project, article, CONSENSUS).sources == []
    with pytest.raises(CodingError, match="changed since"):
        review.restore(project, coded)  # the list is no longer what that edit left


def test_a_coders_links_follow_the_source_into_the_consensus(hand_worked):  # noqa: F811
    project = hand_worked
    unit = find_unit(project, "harbor-deal#2")
    alices = sources.read_list(project, unit.article_id, "alice").sources[0]
    sources.edit(project, unit.article_id, "alice", lambda s, u: lists.link(s, unit.id, alices.uid))
    review.take_source(project, unit.article_id, "alice", alices.uid)
    consensus = sources.read_list(project, unit.article_id, CONSENSUS)
    assert consensus.links == {unit.id: [consensus.sources[0].uid]}


def test_nobody_but_the_adjudication_writes_the_consensus(hand_worked):  # noqa: F811
    article = _article(hand_worked, "border-talks")
    with pytest.raises(CodingError, match="consensus is written only"):
        sources.edit(hand_worked, article, CONSENSUS, lambda s, u: lists.add_source(s, "mine"))
