"""How a coefficient's value reads: Krippendorff's verdict for alpha, Landis and Koch's
bands for the kappas and AC1.

Alpha's thresholds (.800 reliable, .667 tentative; Krippendorff 2004, p. 241) are
Krippendorff's for his alpha and are not his to lend to kappa. For the kappa family
(Cohen's, weighted, Fleiss') and Gwet's AC1 the benchmark readers expect is Landis
and Koch (1977), "The measurement of observer agreement for categorical data",
Biometrics 33, p. 165; Gwet (2014, ch. 6) benchmarks AC1 on the same scale. Their
bands are named, not passed or failed, so a kappa reads "substantial", never
"reliable". For colour the bands fall into alpha's three tones: "almost perfect"
(above .80, where alpha's .800 sits) as reliable, "substantial" (.61–.80, which holds
.667) as tentative, anything lower as unreliable. Percent agreement is not corrected
for chance and gets no verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.agreement.report import ALPHA_THRESHOLDS, FieldAgreement

LANDIS_KOCH_BANDS: tuple[tuple[float, str], ...] = (
    (0.80, "almost perfect"),
    (0.60, "substantial"),
    (0.40, "moderate"),
    (0.20, "fair"),
    (0.00, "slight"),
)
"""(lower bound, name): a value above the bound (0 included for "slight") is in the band;
below 0 is "poor". Landis & Koch print 0.81–1.00, 0.61–0.80, ..., 0.00–0.20."""

ALPHAS = frozenset(
    {
        "krippendorff_alpha",
        "krippendorff_alpha_nominal",
        "krippendorff_alpha_masi",
        "krippendorff_alpha_jaccard",
    }
)
KAPPA_LIKE = frozenset(
    {
        "fleiss_kappa",
        "gwet_ac1",
        "cohen_kappa",
        "cohen_kappa_weighted_quadratic",
        "cohen_kappa_weighted_linear",
    }
)

_TONES = {"almost perfect": "reliable", "substantial": "tentative"}


def threshold_verdict(alpha: float | None) -> str | None:
    """Krippendorff's (2004) reading of alpha: reliable, tentative or unreliable."""
    if alpha is None:
        return None
    reliable, tentative = ALPHA_THRESHOLDS
    if alpha >= reliable:
        return "reliable"
    if alpha >= tentative:
        return "tentative"
    return "unreliable"


def landis_koch_band(value: float | None) -> str | None:
    """Landis and Koch's (1977) name for a kappa: poor, slight, ..., almost perfect."""
    if value is None:
        return None
    for bound, name in LANDIS_KOCH_BANDS:
        if value > bound or (bound == 0.0 and value == 0.0):
            return name
    return "poor"


def verdict(coefficient: str, value: float | None) -> str | None:
    """The verdict on a coefficient by name (see the module's docstring), or None."""
    if coefficient in ALPHAS:
        return threshold_verdict(value)
    if coefficient in KAPPA_LIKE:
        return landis_koch_band(value)
    return None


def verdict_tone(verdict_text: str | None) -> str | None:
    """reliable, tentative or unreliable: the colour a verdict is shown in."""
    if verdict_text is None:
        return None
    if verdict_text in ("reliable", "tentative", "unreliable"):
        return verdict_text
    return _TONES.get(verdict_text, "unreliable")


def verdict_source(coefficient: str) -> str | None:
    """Whose scale a coefficient's verdict is on, for a legend or a tooltip."""
    if coefficient in ALPHAS:
        return "Krippendorff (2004): .800 reliable, .667 tentative"
    if coefficient in KAPPA_LIKE:
        return (
            "Landis & Koch (1977) bands: below 0 poor, to .20 slight, .40 fair, .60 "
            "moderate, .80 substantial, above almost perfect"
        )
    return None


CONVENTIONS = {"alpha": "Krippendorff", "kappa": "Landis & Koch"}


def convention(coefficient: str) -> str | None:
    """The short name of the convention a coefficient's verdict follows, or None."""
    if coefficient in ALPHAS:
        return CONVENTIONS["alpha"]
    if coefficient in KAPPA_LIKE:
        return CONVENTIONS["kappa"]
    return None


def percent(value: float) -> str:
    """Percent agreement as people write it: 82%; one decimal where a whole percent
    would round to 0% or 100% a value that is neither (.996 is 99.6%, not 100%)."""
    shown = f"{value * 100:.0f}%"
    if shown in ("0%", "100%") and value not in (0.0, 1.0):
        return f"{value * 100:.1f}%"
    return shown


@dataclass(frozen=True)
class Headline:
    """The one coefficient to report for a field, in plain words."""

    coefficient: str  # krippendorff_alpha, at the field's level of measurement
    value: float | None
    ci_low: float | None
    ci_high: float | None
    verdict: str | None
    text: str


def headline(label: str, report: FieldAgreement) -> Headline:
    """What to report for a field: Krippendorff's alpha at its level of measurement
    (ordinal alpha for an ordinal field, nominal for a nominal one), with its interval
    and Krippendorff's verdict, in one plain sentence. The other coefficients are for
    reading beside it, not for reporting instead of it."""
    alpha = report.krippendorff_alpha
    name = f"Krippendorff's {report.alpha_level} alpha"
    if alpha.value is None:
        text = f"{label}: {name} is undefined ({alpha.reason or 'no reason given'})."
        return Headline("krippendorff_alpha", None, None, None, None, text)
    found = threshold_verdict(alpha.value)
    interval = (
        f" (95% interval {alpha.ci_low:.3f} to {alpha.ci_high:.3f})"
        if alpha.ci_low is not None and alpha.ci_high is not None
        else ""
    )
    text = (
        f"{label} ({report.alpha_level}): report {name} = {alpha.value:.3f}{interval}, "
        f"{found} by Krippendorff's standard (.800 reliable, .667 tentative)."
    )
    return Headline("krippendorff_alpha", alpha.value, alpha.ci_low, alpha.ci_high, found, text)
