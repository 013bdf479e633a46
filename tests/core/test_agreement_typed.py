"""Agreement on every field type and scope (issue 23), against examples worked by hand.

The project is tests/data/codebooks/typed-study.json coded by two coders, ann and bob,
over five articles of one sentence each: the article fields over the five articles, the
unit fields over the five sentences. Interval alpha on numbers is checked against
Krippendorff's published example in test_agreement_project
(`test_alpha_from_a_project_matches_krippendorff_2011[interval]`: a number field, .849);
here the same data as dates.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import krippendorff
import numpy as np
import pytest
from test_agreement_project import KRIPPENDORFF_2011, PUBLISHED, THREE_DECIMALS

from annotator.cli import main
from annotator.core.agreement import agreement_report
from annotator.core.agreement.coefficients import alpha_with_distances, value_counts
from annotator.core.agreement.from_project import project_agreement, project_reliability
from annotator.core.agreement.project_codes import CodedTable, field_data
from annotator.core.agreement.set_distances import (
    distance_matrix,
    jaccard_distance,
    masi_distance,
)
from annotator.core.agreement.tables import agreement_rows
from annotator.core.codebook import Scope, parse_codebook
from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.ingest.into_project import ImportReport, store_articles
from annotator.core.store.project import Project, add_codebook
from tests.typed_study import ARTICLES, TYPED, five_articles, typed_project


@pytest.fixture(scope="module")
def typed_location(module_project_location):
    location = module_project_location("typed.annotator")
    typed_project(location).close()
    return location


@pytest.fixture
def typed(typed_location):
    project = Project.open(typed_location)
    yield project
    project.close()


@pytest.fixture(scope="module")
def result(typed_location):
    project = Project.open(typed_location)
    try:
        return project_agreement(project, bootstrap_samples=200)
    finally:
        project.close()


# -- multiple choice --------------------------------------------------------------------


def test_multiple_choice_binary_alpha_per_category_worked_by_hand(result):
    """Binary alpha per category (chosen 1, not chosen 0), nominal, two coders, 5 articles.

    politics: ann 1 1 0 1 1, bob 1 1 0 1 0. Coincidences (each article's ordered pairs):
    o11 = 2+2+2 = 6 (art 1, 2, 4), o00 = 2 (art 3), o10 = o01 = 1 (art 5);
    n1 = 7, n0 = 3, n = 10. alpha = 1 - (n - 1)(o01 + o10) / (2 n0 n1)
    = 1 - 9 * 2 / 42 = 4/7 = 0.571429.

    economy: ann 0 1 1 1 0, bob 0 0 1 1 1. o00 = 2 (art 1), o11 = 4 (art 3, 4),
    o01 = o10 = 2 (art 2, 5); n0 = 4, n1 = 6, n = 10.
    alpha = 1 - 9 * 4 / (2 * 4 * 6) = 1 - 36/48 = 0.25.

    health was chosen by nobody: every value is 0, so alpha is undefined, not 0.
    """
    sets = result.details["topics"].sets
    politics = sets.per_category["politics"].krippendorff_alpha
    assert politics.value == pytest.approx(4 / 7)
    assert (politics.n_units, politics.n_pairable_values) == (5, 10)
    assert sets.per_category["economy"].krippendorff_alpha.value == pytest.approx(0.25)
    assert sets.per_category["health"].krippendorff_alpha.value is None
    assert "no variation" in sets.per_category["health"].krippendorff_alpha.reason
    assert politics.ci_low is not None and politics.ci_low <= politics.value <= politics.ci_high


def test_multiple_choice_masi_and_jaccard_alpha_worked_by_hand(result):
    """Alpha on the whole set with the MASI distance (Passonneau 2006, "Measuring
    agreement on set-valued items (MASI) for semantic and pragmatic annotation", LREC):
    d = 1 - J * M, J the Jaccard index, M = 1 identical, 2/3 one set inside the other,
    1/3 overlapping, 0 disjoint; and with the Jaccard distance 1 - J.

    Sets P = {politics}, E = {economy}, PE = {politics, economy}.
    d_MASI(P, E) = 1, d_MASI(P, PE) = d_MASI(E, PE) = 1 - (1/2)(2/3) = 2/3;
    d_J(P, E) = 1, d_J(P, PE) = d_J(E, PE) = 1/2.

    Articles: (P, P), (PE, P), (E, E), (PE, PE), (P, E). Coincidence matrix (P, E, PE):
        P  [2 1 1]
        E  [1 2 0]
        PE [1 0 2]      n_P = 4, n_E = 3, n_PE = 3, n = 10.
    MASI: D_o = (1*1 + 1*1 + 1*2/3 + 1*2/3) / 10 = 1/3;
          D_e = 2 (4*3*1 + 4*3*2/3 + 3*3*2/3) / (10 * 9) = 52/90;
          alpha = 1 - (1/3) / (52/90) = 1 - 30/52 = 11/26 = 0.423077.
    Jaccard: D_o = (1 + 1 + 1/2 + 1/2) / 10 = 0.3;
          D_e = 2 (12*1 + 12/2 + 9/2) / 90 = 45/90 = 0.5; alpha = 1 - 0.3/0.5 = 0.4.
    Identical sets: 3 of 5 articles, percent agreement 0.6.
    """
    sets = result.details["topics"].sets
    assert sets.masi.value == pytest.approx(11 / 26)
    assert sets.jaccard.value == pytest.approx(0.4)
    assert sets.exact.value == pytest.approx(0.6)
    assert sets.masi.ci_low is not None and sets.masi.ci_low <= sets.masi.value
    assert "topics" not in result.fields  # no single-variable report for a set


def test_set_distances_and_alpha_match_the_krippendorff_package():
    """The package takes a callable distance; on the same articles it agrees with ours."""
    p, e, pe = frozenset({"p"}), frozenset({"e"}), frozenset({"p", "e"})
    assert masi_distance(p, pe) == pytest.approx(1 / 3 * 2)
    assert masi_distance(frozenset({"p", "e"}), frozenset({"e", "h"})) == pytest.approx(
        1 - (1 / 3) * (1 / 3)
    )
    assert masi_distance(frozenset(), frozenset()) == jaccard_distance(frozenset(), frozenset())
    assert masi_distance(p, e) == 1.0
    sets = [p, e, pe]
    codes = np.array([[0, 2, 1, 2, 0], [0, 0, 1, 2, 1]])
    for kind in ("masi", "jaccard"):
        distances = distance_matrix(sets, kind)
        mine = alpha_with_distances(value_counts(codes, 3), 2, distances).value
        theirs = krippendorff.alpha(
            reliability_data=codes.astype(float),
            value_domain=[0, 1, 2],
            level_of_measurement=lambda v1, v2, i1, i2, n_v, dtype=np.float64, d=distances: d[
                i1, i2
            ],
        )
        assert mine == pytest.approx(theirs)


# -- short text, article scope, conditions ---------------------------------------------


def test_short_text_is_exact_match_percent_agreement_only(result):
    """column_author is asked of opinion pieces; both coders coded opinion on art-3 and
    art-4: "Jane Roe" = "Jane Roe", "Sam Poe" != "S. Poe": 1 of 2, 0.5 (bob's "Al Doe" on
    art-2, where ann's condition did not hold, is not compared)."""
    details = result.details["column_author"]
    assert details.text.value == pytest.approx(0.5)
    assert details.text.n_units == 2
    assert details.condition.n_units == 2
    assert "column_author" not in result.fields


def test_an_article_field_is_measured_over_the_articles(result):
    """story_kind, nominal, over the 5 articles: ann news news opinion opinion news, bob
    news opinion opinion opinion news. o_nn = 4 (art 1, 5), o_oo = 4 (art 3, 4),
    o_no = o_on = 1 (art 2); n_n = n_o = 5, n = 10.
    alpha = 1 - 9 * 2 / (2 * 5 * 5) = 1 - 18/50 = 0.64."""
    report = result.fields["story_kind"]
    assert report.krippendorff_alpha.value == pytest.approx(0.64)
    assert report.n_units == 5
    assert result.details["story_kind"].scope == "article"
    assert result.details["story_kind"].unit_noun == "articles"


def test_article_units_are_named_by_their_article(typed):
    data = project_reliability(typed, ["story_kind", "source"])
    assert data["story_kind"].unit_ids == [f"{key}#0" for key in ARTICLES]
    assert data["source"].unit_ids == [f"{key}#1" for key in ARTICLES]


def test_a_conditional_field_is_measured_where_both_conditions_held(result):
    """reason is asked when the source is anonymous. It held for both coders on
    sentences 1, 2 and 5 (on 3 only for ann, on 4 for neither): reason there is ann
    given, not_given, not_given; bob given, given, not_given.
    o_gg = 2, o_nn = 2, o_gn = o_ng = 1; n_g = n_n = 3, n = 6.
    alpha = 1 - 5 * 2 / (2 * 3 * 3) = 1 - 10/18 = 0.444444; percent agreement 2/3.

    Whether it held (binary): ann 1 1 1 0 1, bob 1 1 0 0 1: o11 = 6, o00 = 2,
    o10 = o01 = 1; n1 = 7, n0 = 3: alpha = 1 - 9 * 2 / 42 = 4/7 = 0.571429."""
    report = result.fields["reason"]
    assert report.krippendorff_alpha.value == pytest.approx(4 / 9)
    assert report.percent_agreement.value == pytest.approx(2 / 3)
    assert report.n_units == 3
    condition = result.details["reason"].condition
    assert condition.n_units == 3
    assert condition.condition == "Source is anonymous"
    assert condition.held.krippendorff_alpha.value == pytest.approx(4 / 7)
    assert condition.held.n_units == 5


def test_a_number_is_measured_at_its_level(result):
    """sources_cited is a ratio-level number: ann 1 2 3 0 4, bob 1 2 4 0 4."""
    report = result.fields["sources_cited"]
    assert report.alpha_level == "ratio"
    assert report.categories == ("0", "1", "2", "3", "4")
    direct = krippendorff.alpha(
        reliability_data=[[1, 2, 3, 0, 4], [1, 2, 4, 0, 4]], level_of_measurement="ratio"
    )
    assert report.krippendorff_alpha.value == pytest.approx(direct)


def test_dates_are_interval_alpha_on_day_numbers():
    """Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C, the
    interval example (alpha = .849), with each value v coded as the date v days after
    1 March 2026: interval alpha on day numbers only sees differences, so it is .849."""
    codebook = parse_codebook(
        {
            "format": 2,
            "name": "Dates",
            "version": "1",
            "fields": [{"key": "day", "label": "Day", "type": "date"}],
        }
    )
    start = date(2026, 3, 1)
    units: dict[str, dict[str, dict[str, str]]] = {}
    for coder, row in KRIPPENDORFF_2011.items():
        for n, value in enumerate(row.split(), start=1):
            if value != ".":
                day = (start + timedelta(days=int(value))).isoformat()
                units.setdefault(f"a#{n}", {})[coder] = {"day": day}
    table = CodedTable(codebook, None, {Scope.UNIT: units, Scope.ARTICLE: {}})
    data = field_data(table, "day")
    assert data.level == "interval" and data.category_source == "days"
    alpha = agreement_report(data, bootstrap_samples=0).krippendorff_alpha
    assert alpha.value == pytest.approx(PUBLISHED["interval"], abs=THREE_DECIMALS)


def test_the_report_says_when_codes_of_two_codebook_versions_are_compared(project_location):
    """ann codes under version 1, then the codebook becomes version 2 and bob codes."""
    location = project_location("versions.annotator")
    project = Project.create(location, TYPED)
    store_articles(project, five_articles(), ImportReport())
    units = [lookups.list_units(project, key)[0].id for key in ARTICLES]
    for unit in units:
        coding.apply_codes(project, "ann", unit, {"source": "named"})
    with project.writing() as session:
        add_codebook(session, TYPED.model_copy(update={"version": "2"}))
    project.close()
    project = Project.open(location)
    for unit in units[:3]:
        coding.apply_codes(project, "bob", unit, {"source": "named"})
    result = project_agreement(project, ["source", "sources_cited"], bootstrap_samples=0)
    line = result.details["source"].versions
    assert line is not None
    assert "3 compared pair(s)" in line and "Typed study 1 and Typed study 2" in line
    assert result.details["sources_cited"].versions is None
    rows = agreement_rows(result.fields, result.by_article, result.details)
    assert all(line in r.note for r in rows if r.field == "source")
    assert not any(r.note and "codebook versions" in r.note for r in rows if r.field != "source")
    project.close()


# -- end to end -------------------------------------------------------------------------


def test_cli_prints_every_type_and_scope(typed_location, capsys, tmp_path):
    """`annotator agreement PROJECT` on the typed study: each field, its scope, the set
    alphas, the text's percent agreement and why, the condition next to its field."""
    location = typed_location
    csv_path = tmp_path / "agreement.csv"
    assert main(["agreement", str(location), "--bootstrap", "50", "--csv", str(csv_path)]) == 0
    out = capsys.readouterr().out
    assert "story_kind: 5 articles, 2 coders" in out
    assert "topics: multiple choice, over articles" in out
    assert "alpha (MASI distance): 0.423" in out
    assert "alpha (Jaccard distance): 0.400" in out
    assert "politics (chosen or not, binary alpha): 0.571" in out
    assert "column_author: short text, over articles" in out
    assert "exact-match percent agreement: 0.500" in out
    assert "no chance model" in out
    assert "reason: 3 units, 2 coders" in out
    assert "asked when Source is anonymous: measured over the 3 units" in out
    assert "whether it held (binary alpha): 0.571" in out
    assert "sources_cited: 5 units" in out and "Krippendorff's alpha (ratio)" in out
    assert "event_date: 5 articles" in out and "Krippendorff's alpha (interval)" in out
    rows = csv_path.read_text(encoding="utf-8").splitlines()
    assert any(r.startswith("topics,nominal,krippendorff_alpha_masi,") for r in rows)
    assert any(r.startswith("topics=politics,nominal,krippendorff_alpha,") for r in rows)
    assert any(r.startswith("reason:condition,nominal,krippendorff_alpha,") for r in rows)
    assert main(["agreement", str(location), "--bootstrap", "0", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["details"]["topics"]["sets"]["krippendorff_alpha_masi"]["value"] == (
        pytest.approx(11 / 26)
    )
    html_path = tmp_path / "agreement.html"
    assert main(["agreement", str(location), "--bootstrap", "0", "--html", str(html_path)]) == 0
    html = html_path.read_text(encoding="utf-8")
    assert "alpha (MASI distance): 0.423" in html and "Columnist" in html


def test_agreement_detail_refuses_what_has_no_single_alpha_to_break_down(typed):
    """A multiple choice or a short text has no one alpha; an article field no units
    within an article: each is refused in one line that names the way to its figures."""
    from annotator.core.agreement.where_to_act import (
        coder_agreements,
        confused_categories,
        worst_articles,
    )
    from annotator.core.errors import AnnotatorError

    with pytest.raises(AnnotatorError, match="'topics' is multiple choice: it has no single"):
        coder_agreements(typed, "topics", bootstrap_samples=0)
    with pytest.raises(AnnotatorError, match="'column_author' is short text"):
        worst_articles(typed, "column_author")
    with pytest.raises(AnnotatorError, match="'story_kind' is coded once per article"):
        confused_categories(typed, "story_kind")
    assert [(r.coder, r.other) for r in coder_agreements(typed, "story_kind")] == [("ann", "bob")]
    assert [a.article for a in worst_articles(typed, "reason")] == ["art-2", "art-1", "art-5"]


def test_an_empty_choice_and_a_code_where_the_condition_did_not_hold():
    """An optional multiple choice with no code from a coder who coded the article is
    the empty set ("none of these"); without any code on the article it is missing. A
    code whose own coder's condition did not hold (left by an import) is set aside."""
    articles = {
        "a#0": {"ann": {"story_kind": "news"}, "bob": {"story_kind": "news", "topics": "health"}},
        "b#0": {"ann": {"story_kind": "news", "topics": "health"}},
    }
    units = {
        "a#1": {
            "ann": {"source": "named", "reason": "given"},  # reason is not asked of a named source
            "bob": {"source": "anonymous", "reason": "given"},
        },
        "a#2": {
            "ann": {"source": "anonymous", "reason": "given"},
            "bob": {"source": "anonymous", "reason": "given"},
        },
    }
    table = CodedTable(TYPED, None, {Scope.UNIT: units, Scope.ARTICLE: articles})
    ids, coders, values, _ = table.values("topics")
    assert (ids, coders) == (["a#0", "b#0"], ["ann", "bob"])
    assert values == [["", "health"], ["health", None]]  # ann's empty set; bob not on b
    ids, coders, values, set_aside = table.values("reason")
    assert (ids, values, set_aside) == (["a#2"], [["given"], ["given"]], 1)
    ids, coders, held, both = table.condition_held("reason")
    assert (held, both) == ([["0", "1"], ["1", "1"]], 1)
