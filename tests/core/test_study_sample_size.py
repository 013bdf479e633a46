"""The reliability sample's size against Krippendorff's published table.

Krippendorff, K. Content Analysis: An Introduction to Its Methodology (2nd ed. 2004,
§11.4.2; 4th ed. 2019), the table of required sample sizes. The cells checked here are those
reproduced, with the worked example of four equally likely categories, in ATLAS.ti's
manual "Inter-coder agreement: sample size and decision rules" (which cites the table):
alpha_min .800 at p .05 with P_c = .25 needs 139 units; alpha_min .667 likewise needs 81.
The other cells follow from the table's formula and are checked against hand arithmetic.
"""

from __future__ import annotations

import pytest

from annotator.core.codebook import bundled_codebook
from annotator.core.errors import AnnotatorError
from annotator.core.study.sample_size import (
    articles_needed,
    required_units,
    share_from_codebook,
    share_of_categories,
    z_one_tailed,
)


@pytest.mark.parametrize(
    ("alpha_min", "p", "p_c", "units"),
    [
        (0.800, 0.05, 0.25, 139),  # published cell
        (0.667, 0.05, 0.25, 81),  # published cell
    ],
)
def test_published_cells(alpha_min, p, p_c, units):
    assert required_units(alpha_min, p, p_c) == units


def test_hand_worked_cell():
    """alpha .8, p .05, P_c .5: 2 * 1.6449^2 * (1.8*2.2 / (4*.2*.25) - .8) = 5.4119 * 19.0
    = 102.83, rounded up to 103."""
    assert required_units(0.8, 0.05, 0.5) == 103


def test_stricter_demands_need_more_units():
    base = required_units(0.8, 0.05, 0.25)
    assert required_units(0.9, 0.05, 0.25) > base  # a higher alpha
    assert required_units(0.8, 0.01, 0.25) > base  # a smaller p
    assert required_units(0.8, 0.05, 0.1) > base  # a rarer category


def test_z_is_one_tailed():
    assert z_one_tailed(0.05) == pytest.approx(1.6449, abs=1e-4)


def test_shares():
    assert share_of_categories(4).p_c == 0.25
    codebook_share = share_from_codebook(bundled_codebook())
    assert codebook_share.p_c == pytest.approx(1 / 7)  # attribution: 7 categories
    assert "attribution" in codebook_share.basis


@pytest.mark.parametrize(
    ("alpha_min", "p", "p_c"), [(1.0, 0.05, 0.25), (0.8, 0.0, 0.25), (0.8, 0.05, 0.0)]
)
def test_figures_outside_the_formula_are_refused(alpha_min, p, p_c):
    with pytest.raises(AnnotatorError):
        required_units(alpha_min, p, p_c)


def test_articles_from_mean_units():
    assert articles_needed(139, 12.5) == 12  # 11.12 articles, rounded up
    assert articles_needed(100, 10.0) == 10
