"""Inter-coder agreement: pure statistics over reliability data, and a CSV reader for it.

The public entry points are `agreement_report` (every statistic for one field),
`by_unit_groups` (the same per group of units, e.g. per article), `ReliabilityData`
and `read_reliability_csv`. The coefficient functions work on integer-coded numpy
arrays and are exported for callers that already have such arrays.
"""

from annotator.core.agreement.bootstrap import (
    BOOTSTRAP_METHOD,
    DEFAULT_BOOTSTRAP_SAMPLES,
    DEFAULT_BOOTSTRAP_SEED,
    BootstrapInterval,
    alpha_bootstrap_interval,
)
from annotator.core.agreement.coefficients import (
    LEVELS,
    Coefficient,
    Level,
    agreement_weights,
    cohen_kappa,
    cohen_kappa_from_table,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    value_counts,
)
from annotator.core.agreement.reliability_csv import MISSING_MARKERS, read_reliability_csv
from annotator.core.agreement.reliability_data import CodedRatings, ReliabilityData
from annotator.core.agreement.report import (
    ALPHA_THRESHOLDS,
    FieldAgreement,
    PairwiseKappa,
    agreement_report,
    by_unit_groups,
)

__all__ = [
    "ALPHA_THRESHOLDS",
    "BOOTSTRAP_METHOD",
    "DEFAULT_BOOTSTRAP_SAMPLES",
    "DEFAULT_BOOTSTRAP_SEED",
    "LEVELS",
    "MISSING_MARKERS",
    "BootstrapInterval",
    "CodedRatings",
    "Coefficient",
    "FieldAgreement",
    "Level",
    "PairwiseKappa",
    "ReliabilityData",
    "agreement_report",
    "agreement_weights",
    "alpha_bootstrap_interval",
    "by_unit_groups",
    "cohen_kappa",
    "cohen_kappa_from_table",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "read_reliability_csv",
    "value_counts",
]
