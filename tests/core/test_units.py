"""Unit keys and segmentation corrections: split and merge keep the offset invariant."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import find_unit, list_articles, list_units
from annotator.core.errors import AnnotatorError, CodingError
from annotator.core.ingest.corrections import merge_with_next, split_unit


def assert_offsets_hold(project):
    articles = {a.id: a for a in list_articles(project)}
    rows = list_units(project)
    for row in rows:
        assert articles[row.article_id].text[row.start : row.end] == row.text
        assert row.text == row.text.strip() and row.text
    for article_id in articles:
        mine = [r for r in rows if r.article_id == article_id]
        assert [r.idx for r in mine] == list(range(1, len(mine) + 1))
        assert all(a.end <= b.start for a, b in pairwise(mine))


def test_readable_keys_and_listing(sample_project):
    rows = list_units(sample_project, "harbor-deal")
    assert [r.key for r in rows[:3]] == ["harbor-deal#1", "harbor-deal#2", "harbor-deal#3"]
    assert rows[0].kind == "title" and rows[5].kind == "heading"
    assert find_unit(sample_project, "harbor-deal#6").text == "Talks gather pace"
    with pytest.raises(AnnotatorError, match="not a unit key"):
        find_unit(sample_project, "harbor-deal")
    with pytest.raises(AnnotatorError, match="no unit 'harbor-deal#99'"):
        find_unit(sample_project, "harbor-deal#99")


def test_split_then_merge_restores_the_unit(sample_project):
    unit = find_unit(sample_project, "harbor-deal#2")
    cut = unit.start + unit.text.index(" two officials")
    split_unit(sample_project, unit.id, cut)
    left, right = (
        find_unit(sample_project, "harbor-deal#2"),
        find_unit(sample_project, "harbor-deal#3"),
    )
    assert left.text.endswith("terminal,") and right.text.startswith("two officials")
    assert find_unit(sample_project, "harbor-deal#4").text.startswith("The proposal")
    assert_offsets_hold(sample_project)
    merge_with_next(sample_project, left.id)
    assert find_unit(sample_project, "harbor-deal#2").text == unit.text
    assert len(list_units(sample_project, "harbor-deal")) == 16
    assert_offsets_hold(sample_project)


def test_coded_units_cannot_be_resegmented(sample_project):
    unit = find_unit(sample_project, "harbor-deal#2")
    coding.code_unit(sample_project, "alice", unit.id, "claim_type", "fact")
    with pytest.raises(CodingError, match="has codes or notes"):
        split_unit(sample_project, unit.id, unit.start + 10)
    previous = find_unit(sample_project, "harbor-deal#1")
    with pytest.raises(CodingError, match="has codes or notes"):
        merge_with_next(sample_project, previous.id)


def test_bad_split_offsets_are_refused(sample_project):
    unit = find_unit(sample_project, "harbor-deal#2")
    for offset in (unit.start, unit.end, unit.end + 5):
        with pytest.raises(CodingError, match="does not cut"):
            split_unit(sample_project, unit.id, offset)
    last = list_units(sample_project, "harbor-deal")[-1]
    with pytest.raises(CodingError, match="last of its article"):
        merge_with_next(sample_project, last.id)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 10_000), st.floats(0.05, 0.95)), max_size=8)
)
def test_offset_invariant_survives_any_sequence_of_splits_and_merges(sample_project, steps):
    for do_split, pick, fraction in steps:
        rows = list_units(sample_project, "border-talks")
        row = rows[pick % len(rows)]
        try:
            if do_split:
                split_unit(
                    sample_project, row.id, row.start + max(1, int(len(row.text) * fraction))
                )
            else:
                merge_with_next(sample_project, row.id)
        except CodingError:
            pass  # refused cuts (e.g. inside whitespace at an edge) must leave things intact
        assert_offsets_hold(sample_project)
