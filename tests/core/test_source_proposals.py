"""The machine's proposed source lists (cue finder + back-references), stored as the
suggester's list, and a coder accepting them; the matching of two coders' sources."""

from __future__ import annotations

import pytest

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service as sources
from annotator.core.coding.lookups import find_unit, list_units
from annotator.core.coding.source_lists import Mention, SourceList
from annotator.core.coding.source_matching import MatchedPair, match_sources
from annotator.core.errors import CodingError
from annotator.core.store.project import Project
from annotator.core.store.roles import SUGGESTER
from annotator.core.suggest.source_proposals import accept, propose_for_article
from tests.conftest import one_article_project

SEED_ARTICLE = (
    "Minister to step down over harbour deal, sources say\n\n"
    "Interior Minister Lena Okafor will resign next week, three sources familiar with the "
    "matter said on Monday. Okafor has faced criticism over the harbour concession for "
    "months.\n\n"
    '"She has lost the confidence of the cabinet," one of the sources said. The minister '
    "declined to comment, her spokesman Jonas Feld said. Feld added that Okafor would make "
    "a statement on Friday.\n"
)


def _proposed(project: Project, article_key: str) -> list[tuple[str, list[str], list[str]]]:
    """(label, mentions' unit keys, linked unit keys) of each proposed source."""
    units = list_units(project, article_key)
    keys = {u.id: u.key for u in units}
    edit = propose_for_article(project, units[0].article_id)
    return [
        (
            s.label,
            sorted(keys[m.unit_id] for m in s.mentions),
            [keys[u] for u in edit.after.linked_units(s.uid)],
        )
        for s in edit.after.sources
    ]


def test_the_proposal_for_the_harbour_article_clusters_her_back_to_brandt(sample_project):
    proposed = _proposed(sample_project, "harbor-deal")
    assert proposed == [
        ("two officials familiar with the talks", ["harbor-deal#2"], ["harbor-deal#2"]),
        # "She declined to give financial details": the cue finder resolves "She" to Brandt
        (
            "port authority chair Ilse Brandt",
            ["harbor-deal#4", "harbor-deal#5"],
            ["harbor-deal#4", "harbor-deal#5"],
        ),
        ("A senior official in the transport ministry", ["harbor-deal#7"], ["harbor-deal#7"]),
        ("a draft memorandum seen by this newspaper", ["harbor-deal#8"], ["harbor-deal#8"]),
        ("Sources", ["harbor-deal#9"], ["harbor-deal#9"]),
        ("Dock workers' unions", ["harbor-deal#10"], ["harbor-deal#10"]),
        ("figures published by the authority", ["harbor-deal#11"], ["harbor-deal#11"]),
        ("Analysts at Nordbank", ["harbor-deal#12"], ["harbor-deal#12"]),
        ("Critics", ["harbor-deal#13"], ["harbor-deal#13"]),
        # the quotation continued in #15 rests on Reyer, who is mentioned in #14 only
        (
            "opposition lawmaker Tomas Reyer",
            ["harbor-deal#14"],
            ["harbor-deal#14", "harbor-deal#15"],
        ),
    ]


def test_the_proposals_for_the_other_samples(sample_project):
    border = _proposed(sample_project, "border-talks")
    assert (
        "Astrenian Foreign Minister Dr. Petra Lind",
        ["border-talks#5"],
        ["border-talks#5", "border-talks#6"],
    ) in border
    assert ("People familiar with the matter", ["border-talks#9"], ["border-talks#9"]) in border
    assert len(border) == 9
    vaccine = _proposed(sample_project, "vaccine-plant")
    assert [label for label, _, _ in vaccine] == [
        "the company",
        "Helvaris chief executive Sofia Marten",
        "two people with knowledge of the agreement",
        "A spokesman for the regional economy ministry",
        "Maria Olsen",
        "Officials",
        "Helvaris",
    ]


def test_the_proposal_for_a_seed_style_article_with_a_headline(project_location, tmp_path):
    project = one_article_project(
        project_location("seed.annotator"), tmp_path, "minister-resigns", SEED_ARTICLE
    )
    with project:
        proposed = _proposed(project, "minister-resigns")
        assert proposed == [
            # the headline's "sources say" is its own mention: the cue finder links no
            # headline to the body, so the coder merges it if she reads it as the three
            ("sources", ["minister-resigns#1"], ["minister-resigns#1"]),
            (
                "three sources familiar with the matter",
                ["minister-resigns#2"],
                ["minister-resigns#2"],
            ),
            ("one of the sources", ["minister-resigns#4"], ["minister-resigns#4"]),
            # "The minister declined to comment": the minister is Okafor, named in #2
            ("Lena Okafor", ["minister-resigns#5"], ["minister-resigns#5"]),
            # "Feld added": the surname resolves to the spokesman named in #5
            (
                "her spokesman Jonas Feld",
                ["minister-resigns#5", "minister-resigns#6"],
                ["minister-resigns#5", "minister-resigns#6"],
            ),
        ]


def test_a_coder_accepts_one_proposal_or_all_and_proposing_again_keeps_ids(sample_project):
    project = sample_project
    article = find_unit(project, "harbor-deal#2").article_id
    with pytest.raises(CodingError, match="no proposed sources"):
        accept(project, article, "alice")
    first = propose_for_article(project, article)
    again = propose_for_article(project, article)
    assert again.before == again.after == first.after  # nothing changed, same ids
    brandt = next(s for s in first.after.sources if "Brandt" in s.label)
    accept(project, article, "alice", brandt.uid)
    mine = sources.read_list(project, article, "alice")
    [copied] = mine.sources
    assert (copied.label, copied.mentions) == (brandt.label, brandt.mentions)
    assert copied.uid != brandt.uid
    assert sorted(mine.links) == first.after.linked_units(brandt.uid)
    done = accept(project, article, "alice")  # the rest; Brandt is not copied twice
    assert len(done.after.sources) == len(first.after.sources)
    assert sources.read_list(project, article, SUGGESTER) == first.after  # untouched


def test_matching_two_coders_sources_by_a_hand_worked_example():
    """Unit 1 "Okafor said ... officials said", unit 2 "She added", unit 3 "Critics say".

    Coder A: Okafor (1: 0-6, 2: 20-23; linked 1, 2), officials (1: 10-19; linked 1),
             critics (3: 30-37; linked 3).
    Coder B: Lena Okafor (1: 0-6; linked 1, 2) -- A's Okafor: 1 overlapping mention + 2
             shared units = 3; the officials (1: 12-19; linked 1) -- A's officials: 1
             overlap + 1 unit = 2, and A's Okafor: unit 1 shared = 1; an analyst (4:
             40-47; linked 4) -- no evidence with anything.
    Greedy, strongest first: (Okafor, Lena Okafor, 3), (officials, the officials, 2);
    A's critics and B's analyst stay unmatched.
    """
    a, b = SourceList(), SourceList()
    okafor = lists.add_source(a, "Okafor", [Mention(1, 0, 6), Mention(2, 20, 23)], uid="a1")
    officials = lists.add_source(a, "officials", [Mention(1, 10, 19)], uid="a2")
    critics = lists.add_source(a, "critics", [Mention(3, 30, 37)], uid="a3")
    for unit, uid in ((1, okafor), (1, officials), (2, okafor), (3, critics)):
        lists.link(a, unit, uid)
    lena = lists.add_source(b, "Lena Okafor", [Mention(1, 0, 6)], uid="b1")
    the_officials = lists.add_source(b, "the officials", [Mention(1, 12, 19)], uid="b2")
    analyst = lists.add_source(b, "an analyst", [Mention(4, 40, 47)], uid="b3")
    for unit, uid in ((1, lena), (1, the_officials), (2, lena), (4, analyst)):
        lists.link(b, unit, uid)
    matching = match_sources(a, b)
    assert matching.pairs == (MatchedPair("a1", "b1", 3), MatchedPair("a2", "b2", 2))
    assert matching.only_first == ("a3",)
    assert matching.only_second == ("b3",)
    # in the other direction the same pairs, turned round
    back = match_sources(b, a)
    assert [(p.first, p.second) for p in back.pairs] == [("b1", "a1"), ("b2", "a2")]
    assert bundled_codebook().source_fields  # the fields agreement will compare per pair


def test_no_proposal_for_an_article_in_a_language_the_cue_finder_does_not_read(sample_project):
    from annotator.core.store.models import Article

    project = sample_project
    article = find_unit(project, "harbor-deal#2").article_id
    with project.writing() as session:
        row = session.get(Article, article)
        assert row is not None
        row.metadata_json = '{"language": "fi"}'
    with pytest.raises(CodingError, match="does not read 'fi'"):
        propose_for_article(project, article)
    assert sources.read_list(project, article, SUGGESTER).sources == []
