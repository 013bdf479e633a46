"""Agreement computed from a project's codes, checked against a published example."""

from __future__ import annotations

import pytest

from annotator.core.agreement import ReliabilityData, agreement_report
from annotator.core.agreement.from_project import (
    article_groups,
    project_agreement,
    project_reliability,
)
from annotator.core.codebook import Codebook, bundled_codebook, parse_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.errors import AnnotatorError
from annotator.core.ingest.documents import Block, ParsedArticle
from annotator.core.ingest.into_project import ImportReport, store_articles
from annotator.core.store.location import Location
from annotator.core.store.project import Project
from annotator.core.supervision import adjudication

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School for
# Communication, University of Pennsylvania, section C: 4 coders x 12 units with missing
# values ("." = not coded). Published alphas: nominal .743, ordinal .815, interval .849,
# ratio .797 (three decimals in the source).
KRIPPENDORFF_2011 = {
    "A": "1 2 3 3 2 1 4 1 2 . . .",
    "B": "1 2 3 3 2 2 4 1 2 5 . 3",
    "C": ". 3 3 3 2 3 4 2 2 5 1 .",
    "D": "1 2 3 3 2 4 4 1 2 5 1 .",
}
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}
LEVELS = tuple(PUBLISHED)
THREE_DECIMALS = 5e-4
WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


NUMBER_LEVELS = ("interval", "ratio")
"""Levels a codebook gives number fields: a choice field is nominal or ordinal (format 2)."""


def rating_codebook() -> Codebook:
    """One field per level of measurement: nominal and ordinal single choices with the
    codes v1..v5 valued 1..5, interval and ratio numbers from 1 to 5."""
    categories = [{"code": f"v{n}", "label": f"Value {n}", "value": n} for n in range(1, 6)]
    fields = [
        {"key": f"{level}_rating", "label": f"Rating ({level})", "level": level}
        | (
            {"type": "number", "minimum": 1, "maximum": 5}
            if level in NUMBER_LEVELS
            else {"categories": categories}
        )
        for level in LEVELS
    ]
    return parse_codebook({"format": 2, "name": "Ratings", "version": "1", "fields": fields})


def rating_code(level: str, value: str) -> str:
    """What a coder stores for `value` in the field of `level`: a code or a number."""
    return value if level in NUMBER_LEVELS else f"v{value}"


def twelve_sentence_articles(groups: int) -> list[ParsedArticle]:
    """`groups` articles that share the 12 units between them, one sentence per unit."""
    per = 12 // groups
    articles = []
    for g in range(groups):
        text = " ".join(
            f"This is sentence {w} of the test." for w in WORDS[g * per : (g + 1) * per]
        )
        articles.append(
            ParsedArticle(
                text,
                [Block("paragraph", 0, len(text))],
                f"Part {g + 1}",
                f"part-{g + 1}",
                f"<test {g + 1}>",
            )
        )
    return articles


def krippendorff_project(path: Location, groups: int = 1) -> Project:
    """The Krippendorff (2011) data coded into a project through the coding service."""
    project = Project.create(path, rating_codebook())
    report = ImportReport()
    store_articles(project, twelve_sentence_articles(groups), report)
    unit_ids = [u.id for u in list_units(project)]
    assert len(unit_ids) == 12 and not report.failures
    for coder, row in KRIPPENDORFF_2011.items():
        for unit_id, value in zip(unit_ids, row.split(), strict=True):
            if value != ".":
                codes = {f"{level}_rating": rating_code(level, value) for level in LEVELS}
                coding.apply_codes(project, coder, unit_id, codes)
    return project


@pytest.fixture
def kripp(project_location):
    project = krippendorff_project(project_location("k.annotator"))
    yield project
    project.close()


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_from_a_project_matches_krippendorff_2011(kripp, level):
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    nominal .743, ordinal .815, interval .849, ratio .797, from 4 coders x 12 units with
    missing values, here stored as codes in a project and read back through it."""
    result = project_agreement(kripp, [f"{level}_rating"], bootstrap_samples=0)
    report = result.fields[f"{level}_rating"]
    assert report.alpha_level == level
    assert report.krippendorff_alpha.value == pytest.approx(PUBLISHED[level], abs=THREE_DECIMALS)
    assert (report.n_units, report.n_coders, report.n_pairable_values) == (12, 4, 40)
    assert report.coders == ("A", "B", "C", "D")


def test_level_override_uses_the_same_codes(kripp):
    """Krippendorff (2011): the ordinal field read at the nominal level gives nominal .743."""
    data = project_reliability(kripp, ["ordinal_rating"], level="nominal")["ordinal_rating"]
    alpha = agreement_report(data, bootstrap_samples=0).krippendorff_alpha
    assert alpha.value == pytest.approx(PUBLISHED["nominal"], abs=THREE_DECIMALS)


def test_reliability_data_carries_the_codebook_scale_and_readable_units(kripp):
    data = project_reliability(kripp, ["ordinal_rating"])["ordinal_rating"]
    assert data.unit_ids == [f"part-1#{n}" for n in range(1, 13)]
    assert data.categories == {f"v{n}": float(n) for n in range(1, 6)}
    assert data.values[0][:3] == ["v1", "v2", "v3"] and data.values[2][0] is None


def test_a_coder_subset_equals_the_statistics_of_those_coders_alone(kripp):
    data = project_reliability(kripp, ["interval_rating"], ["A", "C"])["interval_rating"]
    assert data.coders == ["A", "C"]
    rows = [[None if v == "." else f"v{v}" for v in KRIPPENDORFF_2011[c].split()] for c in "AC"]
    assert len(data.unit_ids) == 11  # unit 12 was coded by B alone
    units = [f"part-1#{n}" for n in range(1, 13)]
    direct = ReliabilityData(
        "x", units, ["A", "C"], rows, "interval", {f"v{n}": n for n in range(1, 6)}
    )
    mine = agreement_report(data, bootstrap_samples=0).krippendorff_alpha
    assert mine.value == pytest.approx(
        agreement_report(direct, bootstrap_samples=0).krippendorff_alpha.value
    )
    with pytest.raises(AnnotatorError, match="no coder 'Z' in this project"):
        project_reliability(kripp, None, ["A", "Z"])
    with pytest.raises(AnnotatorError, match="at least two coders"):
        project_reliability(kripp, None, ["A"])


def test_the_consensus_coder_is_left_out_unless_asked_for(kripp):
    first = list_units(kripp)[0].id
    adjudication.adjudicate(kripp, first, "nominal_rating", "v1")
    assert project_reliability(kripp, ["nominal_rating"])["nominal_rating"].coders == list("ABCD")
    with_consensus = project_reliability(kripp, ["nominal_rating"], include_consensus=True)
    assert with_consensus["nominal_rating"].coders == ["A", "B", "C", "D", "consensus"]


def test_by_article_reports_each_article(project_location):
    project = krippendorff_project(project_location("parts.annotator"), groups=3)
    assert list(article_groups(project)) == ["part-1", "part-2", "part-3"]
    result = project_agreement(project, ["nominal_rating"], by_article=True, bootstrap_samples=0)
    parts = result.by_article["nominal_rating"]
    assert list(parts) == ["part-1", "part-2", "part-3"]
    assert [p.n_units for p in parts.values()] == [4, 4, 4]
    assert sum(p.n_pairable_values for p in parts.values()) == 40
    assert result.fields["nominal_rating"].krippendorff_alpha.value == pytest.approx(
        0.743, abs=5e-4
    )
    assert set(result.to_dict()["by_article"]["nominal_rating"]) == {"part-1", "part-2", "part-3"}
    project.close()


def test_outside_scale_codes_come_from_the_codebook(sample_project):
    units = [u.id for u in list_units(sample_project, "harbor-deal") if u.kind == "sentence"]
    for coder, codes in (
        ("ann", ["named_person", "not_applicable", "unattributed"]),
        ("bob", ["named_person", "not_applicable", "anonymous_vague"]),
    ):
        for unit_id, code in zip(units, codes, strict=False):
            coding.code_unit(sample_project, coder, unit_id, "attribution", code)
    data = project_reliability(sample_project, ["attribution"])["attribution"]
    assert data.level == "ordinal"
    assert data.outside_scale == {"not_applicable"}
    assert list(data.categories) == [c.code for c in bundled_codebook().field("attribution").scale]
    report = agreement_report(data, bootstrap_samples=0)
    assert report.n_outside_scale_set_aside == 2
    assert "treated as missing values for ordinal alpha" in report.outside_scale_handling
