"""How many units a reliability sample needs, after Krippendorff's published formula.

Krippendorff, K. *Content Analysis: An Introduction to Its Methodology* (2nd ed. 2004,
§11.4.2 "Sampling considerations", and its table of required sample sizes; the same table
in the 4th ed., 2019), which adapts Bloch and Kraemer (1989, eq. 3.7; *Biometrics* 45:269-287):
the number of units two coders must code so that
an alpha of at least `alpha_min` is not rejected at significance level `p`, when the
least frequent category has probability `P_c`:

    N = 2 z_p^2 ( (1 + alpha_min)(3 - alpha_min) / (4 (1 - alpha_min) P_c (1 - P_c)) - alpha_min )

with z_p the one-tailed standard normal quantile of `p` (1.645 for p = .05), rounded up.
Rarer categories (a smaller P_c) and a higher alpha_min need more units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from annotator.core.codebook import Codebook
from annotator.core.errors import AnnotatorError

MIN_SHARE = 0.001  # rarer categories than 1 in 1,000 need samples no study codes twice


def z_one_tailed(p: float) -> float:
    """The standard normal quantile exceeded with probability `p` (1.645 for .05)."""
    return NormalDist().inv_cdf(1 - p)


def required_units(alpha_min: float, p: float, p_c: float) -> int:
    """Units two coders must both code (Krippendorff 2004, §11.4.2), rounded up."""
    check_plan_figures(alpha_min, p, p_c)
    z2 = z_one_tailed(p) ** 2
    spread = (1 + alpha_min) * (3 - alpha_min) / (4 * (1 - alpha_min) * p_c * (1 - p_c))
    # A hair below the integer still means that integer: 80.9999999 is 81, not 82.
    return math.ceil(round(2 * z2 * (spread - alpha_min), 9))


def check_plan_figures(alpha_min: float, p: float, p_c: float) -> None:
    """Refuse figures outside the formula's domain, naming the one that is wrong."""
    if not 0 < alpha_min < 1:
        raise AnnotatorError(f"--alpha must be between 0 and 1 (exclusive), not {alpha_min}")
    if not 0 < p < 0.5:
        raise AnnotatorError(f"--p must be between 0 and 0.5 (exclusive), not {p}")
    if not MIN_SHARE <= p_c <= 0.5:
        raise AnnotatorError(
            f"the smallest category's share must be between {MIN_SHARE} and 0.5, not {p_c}"
        )


@dataclass(frozen=True)
class SmallestShare:
    """P_c and where it came from (shown beside the figures)."""

    p_c: float
    basis: str


def share_of_categories(categories: int) -> SmallestShare:
    """P_c for `categories` equally likely categories: 1/K (Krippendorff's default when
    the distribution is unknown)."""
    if not 2 <= categories <= 1 / MIN_SHARE:
        raise AnnotatorError(f"--categories must be between 2 and 1000, not {categories}")
    return SmallestShare(1 / categories, f"{categories} equally likely categories")


def share_from_codebook(codebook: Codebook) -> SmallestShare:
    """P_c from the codebook: 1/K for the required field with the most categories.

    Every required field is measured on the same sample, so the sample must serve the
    most demanding one; with the distribution unknown before coding, its categories are
    taken as equally likely (outside-scale codes such as "cannot be judged" count: coders
    choose them like any other).
    """
    required = [f for f in codebook.fields if f.key in codebook.required_keys]
    widest = max(required or codebook.unit_fields, key=lambda f: len(f.categories))
    count = len(widest.categories)
    return SmallestShare(1 / count, f"codebook field '{widest.key}': {count} categories")


def articles_needed(units: int, mean_units_per_article: float) -> int:
    """Articles whose units add up to `units`, at the project's mean units per article."""
    if mean_units_per_article <= 0:
        return 0
    return math.ceil(round(units / mean_units_per_article, 9))
