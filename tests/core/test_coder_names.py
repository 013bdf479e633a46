"""Coder names that differ only by case or spaces are taken for one person (issue 17)."""

from __future__ import annotations

import pytest

from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.coder_names import known_coders, lookalike, lookalike_warning
from annotator.core.coding.lookups import list_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, SUGGESTER
from tests.core.test_merge import HARBOR

KNOWN = ["Bob", "Mary Ann", "zoë"]


@pytest.mark.parametrize(
    ("typed", "existing"),
    [
        ("bob", "Bob"),
        ("BOB", "Bob"),
        (" bob ", "Bob"),
        ("maryann", "Mary Ann"),
        ("mary  ann", "Mary Ann"),
        ("MaryAnn", "Mary Ann"),
        ("ZOË", "zoë"),
    ],
)
def test_a_case_or_space_variant_is_a_lookalike(typed: str, existing: str) -> None:
    assert lookalike(typed, KNOWN) == existing


@pytest.mark.parametrize("typed", ["Bob", " Bob ", "Bobby", "bo b2", "Mary", "zoe", "", "  "])
def test_an_exact_or_really_different_name_is_not(typed: str) -> None:
    assert lookalike(typed, KNOWN) is None


def test_the_warning_names_both_and_offers_the_existing_one() -> None:
    assert lookalike_warning("bob", KNOWN) == "'bob' looks like existing coder 'Bob': use 'Bob'?"
    assert lookalike_warning("carol", KNOWN) is None


def test_known_coders_are_the_projects_people_only(project_location) -> None:
    with Project.create(project_location("names.annotator"), bundled_codebook()) as project:
        import_paths(project, [HARBOR])
        unit = next(u.id for u in list_units(project) if u.kind == "sentence")
        for name in ("carol", "Bob", "alice"):
            coding.code_unit(project, name, unit, "claim_type", "fact")
        with coding.writing(project, origin="adjudication", reserved=CONSENSUS) as writer:
            writer.set_codes(CONSENSUS, unit, {"claim_type": "fact"})
        assert CONSENSUS not in known_coders(project)
        assert known_coders(project) == ["alice", "Bob", "carol"]
        assert SUGGESTER not in known_coders(project)
