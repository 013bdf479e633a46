"""Review and adjudication of article-level and typed fields (issue 23): disagreements of
every type and scope, conditional fields compared only where both coders were asked them,
a consensus settled through the write path, accept-all-unanimous and undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.codebook import bundled_codebook, load_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import article_unit_id, find_unit
from annotator.core.errors import CodebookError, CodingError
from annotator.core.field_values import parse
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.models import NOTE_TARGET
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision import adjudication

DATA = Path(__file__).resolve().parents[1] / "data"
TYPED = load_codebook(DATA / "codebooks" / "typed-study.json")
ARTICLES = [DATA / "harbor-deal.txt", DATA / "border-talks.txt"]


def _project(project_location, name: str, codebook) -> Project:
    project = Project.create(project_location(name), codebook)
    assert not import_paths(project, ARTICLES).failures
    return project


def _article_unit(project: Project, article: str = "harbor-deal") -> int:
    unit_id = article_unit_id(project, find_unit(project, f"{article}#1").article_id)
    assert unit_id is not None
    return unit_id


def _code(project: Project, unit: int, codes_by_coder: dict[str, dict[str, str]]) -> None:
    for coder, codes in codes_by_coder.items():
        coding.apply_codes(project, coder, unit, codes)


def _code_harbor(project: Project, by_coder: dict[str, tuple[dict, dict]]) -> tuple[int, int]:
    """Each coder's (article codes, codes of the first sentence) of harbor-deal; the two
    units' ids."""
    article, sentence = _article_unit(project), find_unit(project, "harbor-deal#2").id
    for coder, (article_codes, sentence_codes) in by_coder.items():
        _code(project, article, {coder: article_codes})
        _code(project, sentence, {coder: sentence_codes})
    return article, sentence


def _found(project: Project, **kwargs) -> dict[tuple[int, str], adjudication.Disagreement]:
    return {(d.unit_id, d.field): d for d in adjudication.list_disagreements(project, **kwargs)}


# -- the default codebook: story_type (article) and anonymity_reason (conditional) --------


@pytest.fixture
def default_project(project_location):
    project = _project(project_location, "default.annotator", bundled_codebook())
    yield project
    project.close()


def test_an_article_field_is_listed_on_the_article_with_its_title(default_project):
    project = default_project
    article = _article_unit(project)
    _code(project, article, {"ann": {"story_type": "news"}, "bob": {"story_type": "analysis"}})
    _code(project, find_unit(project, "harbor-deal#2").id, {"ann": {"attribution": "unattributed"}})
    (found,) = adjudication.list_disagreements(project)
    title = find_unit(project, "harbor-deal#1").text
    assert (found.unit_id, found.field, found.codes) == (
        article,
        "story_type",
        {"ann": "news", "bob": "analysis"},
    )
    assert found.on_article and found.unit_key == "harbor-deal#0"
    assert found.place == "harbor-deal — the article"
    assert found.text and found.text in title  # the title, never an empty sentence
    assert found.previous_text is None and found.next_text is None
    assert adjudication.list_disagreements(project, field="attribution") == []


def test_settling_an_article_field_writes_the_consensus_on_the_article_unit(default_project):
    project = default_project
    article = _article_unit(project)
    _code(project, article, {"ann": {"story_type": "news"}, "bob": {"story_type": "analysis"}})
    changes = adjudication.adjudicate(project, article, "story_type", "analysis", "desk", "Sue")
    assert coding.unit_codes(project, CONSENSUS, article) == {"story_type": "analysis"}
    assert {(c.target, c.new) for c in changes} >= {("story_type", "analysis")}
    history = coding.unit_history(project, article)
    assert ("story_type", "analysis", "adjudication by Sue") in {
        (h.target, h.new, h.origin) for h in history
    }
    assert _found(project)[(article, "story_type")].consensus == "analysis"
    progress = adjudication.adjudication_progress(project)
    assert (progress.decided, progress.to_decide, progress.adjudicated) == (1, 1, 1)
    made = [c for c in changes if c.target != NOTE_TARGET]
    inverse = [coding.Change(c.unit_id, c.coder, c.target, c.new, c.old) for c in made]
    adjudication.restore_decision(project, article, inverse, None)  # undo, as the window does
    assert coding.unit_codes(project, CONSENSUS, article) == {}
    assert coding.coder_notes(project, CONSENSUS) == {}


def test_a_unit_field_refused_on_the_article_and_the_other_way_round(default_project):
    project = default_project
    article, sentence = _article_unit(project), find_unit(project, "harbor-deal#2").id
    with pytest.raises(CodingError, match="story_type"):
        adjudication.adjudicate(project, sentence, "story_type", "news")
    with pytest.raises(CodingError, match="attribution"):
        adjudication.adjudicate(project, article, "attribution", "named_person")


def test_where_one_coders_condition_held_the_difference_is_on_the_deciding_field(
    default_project,
):
    project = default_project
    one, two = find_unit(project, "harbor-deal#2").id, find_unit(project, "harbor-deal#3").id
    _code(
        project,
        one,
        {
            "ann": {"attribution": "anonymous_vague", "anonymity_reason": "reason_given"},
            "bob": {"attribution": "named_person"},
        },
    )
    _code(
        project,
        two,
        {
            "ann": {"attribution": "anonymous_vague", "anonymity_reason": "reason_given"},
            "bob": {"attribution": "anonymous_vague", "anonymity_reason": "no_reason"},
        },
    )
    assert set(_found(project)) == {(one, "attribution"), (two, "anonymity_reason")}


def test_a_code_stored_where_its_condition_does_not_hold_is_not_compared(default_project):
    """A file merged or imported around the window may hold a reason under a named source
    (write_batch checks types only): for that coder the field was not asked."""
    project = default_project
    unit = find_unit(project, "harbor-deal#2")
    _code(
        project,
        unit.id,
        {"ann": {"attribution": "anonymous_vague", "anonymity_reason": "reason_given"}},
    )
    where = (unit.id, unit.article_sha256, unit.start, unit.end, "bob")
    bob = {"attribution": "named_person", "anonymity_reason": "no_reason"}
    with coding.writing(project, origin="import") as writer:
        writer.write_batch([coding.BatchCode(*where, key, code) for key, code in bob.items()])
    assert set(_found(project)) == {(unit.id, "attribution")}


def test_accept_all_unanimous_covers_article_fields_and_waits_for_the_deciding_field(
    default_project,
):
    project = default_project
    article, unit = _article_unit(project), find_unit(project, "harbor-deal#2").id
    _code(project, article, {name: {"story_type": "opinion"} for name in ("ann", "bob")})
    reasons = {"anonymity_reason": "reason_given"}
    _code(
        project,
        unit,
        {
            "ann": {"attribution": "anonymous_vague"} | reasons,
            "bob": {"attribution": "anonymous_vague"} | reasons,
            "cat": {"attribution": "named_person"},
        },
    )
    accepted = adjudication.accept_all_unanimous(project)
    assert {(c.unit_id, c.target, c.new) for c in accepted} == {(article, "story_type", "opinion")}
    assert coding.unit_codes(project, CONSENSUS, unit) == {}  # the reason waits for attribution
    adjudication.adjudicate(project, unit, "attribution", "anonymous_vague")
    accepted = adjudication.accept_all_unanimous(project)
    assert {(c.target, c.new) for c in accepted} == {("anonymity_reason", "reason_given")}
    adjudication.adjudicate(project, unit, "attribution", "named_person")  # switches it off
    assert coding.unit_codes(project, CONSENSUS, unit) == {"attribution": "named_person"}
    assert adjudication.accept_all_unanimous(project) == []


# -- the typed-study codebook: every type ----------------------------------------------


@pytest.fixture
def typed_project(project_location):
    project = _project(project_location, "typed.annotator", TYPED)
    yield project
    project.close()


def test_every_type_is_compared_at_its_own_kind_of_value(typed_project):
    project = typed_project
    ann_article = {
        "story_kind": "opinion",
        "topics": "politics;health",
        "column_author": "Ama Boateng",
        "event_date": "2026-03-14",
    }
    bob_article = {"story_kind": "news", "topics": "health;politics", "event_date": "2026-03-20"}
    article, sentence = _code_harbor(
        project,
        {
            "ann": (ann_article, {"source": "named", "sources_cited": "3", "printed_name": "X"}),
            "bob": (bob_article, {"source": "named", "sources_cited": "5", "printed_name": "x"}),
        },
    )
    found = _found(project)
    assert set(found) == {
        (article, "story_kind"),  # column_author: bob was not asked it
        (article, "event_date"),  # topics: the same set in another order agrees
        (sentence, "sources_cited"),
        (sentence, "printed_name"),  # short text: exact match only
    }
    assert found[(article, "event_date")].severity == 6.0
    assert found[(sentence, "sources_cited")].severity == 2.0
    assert found[(sentence, "printed_name")].severity == 2.0
    _code(project, article, {"cat": {"story_kind": "news", "topics": "politics"}})
    topics = _found(project)[(article, "topics")]
    assert topics.codes == {"ann": "politics;health", "bob": "politics;health", "cat": "politics"}
    assert topics.severity == 1.0  # one category not every coder chose


def test_each_type_is_settled_by_a_coders_value_or_a_typed_one(typed_project):
    project = typed_project
    article, sentence = _code_harbor(
        project,
        {
            "ann": (
                {"story_kind": "opinion", "topics": "economy", "column_author": "A. Boateng"},
                {"source": "anonymous", "reason": "given", "sources_cited": "1"},
            ),
            "bob": (
                {"story_kind": "opinion", "topics": "health", "column_author": "Ama Boateng"},
                {"source": "anonymous", "reason": "not_given", "sources_cited": "2"},
            ),
        },
    )
    with pytest.raises(CodingError, match="not asked here"):
        adjudication.adjudicate(project, article, "column_author", "Ama Boateng")
    adjudication.adjudicate(project, article, "story_kind", "opinion")
    typed = {
        (article, "topics"): parse(TYPED.field("topics"), "Health; economy"),
        (article, "column_author"): "Ama Boateng",
        (article, "event_date"): parse(TYPED.field("event_date"), "2026-03-14T09:30"),
        (sentence, "source"): "anonymous",
        (sentence, "reason"): "given",
        (sentence, "sources_cited"): parse(TYPED.field("sources_cited"), "+2.0"),
        (sentence, "printed_name"): "a ministry official",
    }
    for (unit, field), value in typed.items():
        adjudication.adjudicate(project, unit, field, value)
    assert coding.unit_codes(project, CONSENSUS, article) == {
        "story_kind": "opinion",
        "topics": "economy;health",
        "column_author": "Ama Boateng",
        "event_date": "2026-03-14",
    }
    assert coding.unit_codes(project, CONSENSUS, sentence) == {
        "source": "anonymous",
        "reason": "given",
        "sources_cited": "2",
        "printed_name": "a ministry official",
    }
    with pytest.raises(CodebookError, match="above the maximum 20"):
        parse(TYPED.field("sources_cited"), "21")
    with pytest.raises(CodingError, match="sources_cited"):
        adjudication.adjudicate(project, sentence, "sources_cited", "21")
    assert coding.unit_codes(project, CONSENSUS, sentence)["sources_cited"] == "2"
    progress = adjudication.adjudication_progress(project)
    assert (progress.decided, progress.to_decide) == (4, 4)


def test_accept_all_unanimous_takes_every_type(typed_project):
    project = typed_project
    article, sentence = _article_unit(project), find_unit(project, "harbor-deal#2").id
    agreed_article = {
        "story_kind": "opinion",
        "topics": "politics;economy",
        "column_author": "Ama Boateng",
        "event_date": "2026-03-14",
    }
    agreed_sentence = {"source": "named", "sources_cited": "4", "printed_name": "Mr Osei"}
    _code(project, article, {"ann": agreed_article, "bob": agreed_article})
    _code(project, sentence, {"ann": agreed_sentence, "bob": agreed_sentence})
    accepted = adjudication.accept_all_unanimous(project)
    assert coding.unit_codes(project, CONSENSUS, article) == agreed_article | {
        "topics": "politics;economy"
    }
    assert coding.unit_codes(project, CONSENSUS, sentence) == agreed_sentence
    inverse = [coding.Change(c.unit_id, c.coder, c.target, c.new, c.old) for c in accepted]
    coding.apply_changes(project, CONSENSUS, inverse, origin="undo", reserved=CONSENSUS)
    assert coding.unit_codes(project, CONSENSUS, article) == {}
    assert coding.unit_codes(project, CONSENSUS, sentence) == {}


@pytest.mark.parametrize(
    ("key", "codes", "expected"),
    [
        ("story_kind", ["news", "opinion"], 2.0),
        ("source", ["named", "none"], 2.0),  # ordinal: scale positions apart
        ("topics", ["politics;economy", "economy;health", "economy"], 2.0),
        ("sources_cited", ["0", "2.5"], 2.5),
        ("event_date", ["2026-02-27", "2026-03-01"], 2.0),
        ("column_author", ["A", "B", "C"], 3.0),
    ],
)
def test_severity_of_each_type(key, codes, expected):
    assert adjudication.severity(TYPED.field(key), codes) == expected


def test_a_chain_of_conditions_shows_the_difference_once_where_it_starts(typed_project):
    """The printed name is asked of a named source, or of an anonymous one whose reason is
    given: ann gave the reason and the name, bob did not give the reason, so the two
    differ on the reason only; on another sentence both were asked the name."""
    project = typed_project
    one, two = find_unit(project, "harbor-deal#2").id, find_unit(project, "harbor-deal#3").id
    anonymous = {"source": "anonymous"}
    _code(
        project,
        one,
        {
            "ann": anonymous | {"reason": "given", "printed_name": "a port official"},
            "bob": anonymous | {"reason": "not_given"},
        },
    )
    _code(
        project,
        two,
        {
            "ann": anonymous | {"reason": "given", "printed_name": "a port official"},
            "bob": {"source": "named", "printed_name": "Ama Boateng"},
        },
    )
    assert set(_found(project)) == {(one, "reason"), (two, "source"), (two, "printed_name")}
    assert set(_found(project, field="printed_name")) == {(two, "printed_name")}
