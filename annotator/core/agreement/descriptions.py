"""What each coefficient measures and when to use it, in words for the people who read
them (tooltips, reports), and when a coefficient rests on too few units to be read.

The descriptions follow the coefficients' sources: Krippendorff, *Content Analysis*
(2004, ch. 11) and "Computing Krippendorff's alpha-reliability" (2011); Cohen (1960,
1968); Fleiss (1971); Gwet, *Handbook of Inter-Rater Reliability* (4th ed., 2014).
"""

from __future__ import annotations

MIN_UNITS = 10
"""Below this many units a coefficient swings with a single code (one unit can give
Fleiss' kappa -0.333); it is shown, greyed, with the reason, not as a finding."""

DESCRIPTIONS = {
    "percent_agreement": (
        "The share of pairs of codes on the same unit that are identical. Easy to read, but "
        "not corrected for chance: with few categories or one very common code it looks "
        "good even when coders guess. Report it beside a chance-corrected coefficient."
    ),
    "krippendorff_alpha": (
        "Chance-corrected agreement for any number of coders, with missing codes allowed, "
        "at the field's level of measurement (near misses count as partly agreeing on an "
        "ordinal, interval or ratio scale). 1 is perfect, 0 is what chance gives. "
        "Krippendorff asks for 0.800 or more to rely on the data, 0.667 for tentative "
        "conclusions. The coefficient to report for content analysis."
    ),
    "krippendorff_alpha_nominal": (
        "Krippendorff's alpha with every code an unordered category: how often coders chose "
        "exactly the same code, corrected for chance. Compare it with alpha at the field's "
        "level to see whether disagreements are near misses."
    ),
    "krippendorff_alpha_masi": (
        "Krippendorff's alpha on a multiple-choice field's whole set of codes, with the MASI "
        "distance (Passonneau 2006): two sets that overlap count as partly agreeing, more so "
        "when one contains the other. 1 is perfect, 0 is what chance gives."
    ),
    "krippendorff_alpha_jaccard": (
        "Krippendorff's alpha on a multiple-choice field's whole set of codes, with the "
        "Jaccard distance (1 - shared codes / all codes of the two sets)."
    ),
    "fleiss_kappa": (
        "Chance-corrected agreement of several coders on unordered categories, with chance "
        "taken from all coders' codes together (Scott's pi for many coders). Use it when "
        "a reader expects kappa for more than two coders; alpha does the same job and "
        "also handles missing codes and ordered scales."
    ),
    "gwet_ac1": (
        "Chance-corrected agreement that stays stable when one code is very common (where "
        "kappa can be low although coders almost always agree, the 'kappa paradox'). Use "
        "it beside alpha or kappa for fields with skewed codes."
    ),
    "cohen_kappa": (
        "Chance-corrected agreement of two coders on unordered categories, with chance "
        "taken from each coder's own use of the codes. The classic pairwise coefficient; "
        "it falls when one code dominates even if agreement is high."
    ),
    "cohen_kappa_weighted_quadratic": (
        "Cohen's kappa for an ordered scale: disagreements count by the square of their "
        "distance, so near misses cost little. Close to an intraclass correlation."
    ),
    "cohen_kappa_weighted_linear": (
        "Cohen's kappa for an ordered scale: disagreements count in proportion to their "
        "distance on the scale."
    ),
}


def describe(coefficient: str) -> str:
    """What the coefficient measures and when to use it ('' for one not described)."""
    return DESCRIPTIONS.get(coefficient, "")


def too_few_units(n_units: int) -> str | None:
    """Why a coefficient from `n_units` units should not be read as a finding, or None."""
    if n_units < MIN_UNITS:
        return (
            f"too few units ({n_units}; at least {MIN_UNITS} are needed before one "
            "code no longer swings the value)"
        )
    return None
