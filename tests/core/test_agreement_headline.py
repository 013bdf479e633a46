"""What to report for a field, in plain words (issue 28): Krippendorff's alpha at the
field's level of measurement, with its interval and Krippendorff's verdict; percent
agreement as a percentage; each verdict named by its own convention."""

from __future__ import annotations

import pytest

from annotator.core.agreement import agreement_report
from annotator.core.agreement.verdicts import convention, headline, percent
from tests.core.test_agreement_report import LIKERT, data


def test_an_ordinal_field_reports_ordinal_alpha_with_its_interval_and_verdict() -> None:
    rows = {"a": "1 2 3 4 5 1 2 3 4 5", "b": "1 2 3 4 4 1 2 3 5 5", "c": "1 2 3 3 5 1 2 4 4 5"}
    report = agreement_report(data(rows, "ordinal", categories=LIKERT), bootstrap_samples=200)
    alpha = report.krippendorff_alpha
    line = headline("Confidence", report)
    assert line.value == alpha.value and line.coefficient == "krippendorff_alpha"
    assert line.text.startswith(
        f"Confidence (ordinal): report Krippendorff's ordinal alpha = {alpha.value:.3f} "
        f"(95% interval {alpha.ci_low:.3f} to {alpha.ci_high:.3f}), {line.verdict} by "
        "Krippendorff's standard"
    )
    nominal = agreement_report(data(rows, "nominal"), bootstrap_samples=0)
    assert "report Krippendorff's nominal alpha" in headline("Confidence", nominal).text


def test_an_undefined_alpha_says_why() -> None:
    report = agreement_report(data({"a": "3 3 3", "b": "3 3 3"}, "nominal"), bootstrap_samples=0)
    line = headline("Tone", report)
    assert line.value is None and "undefined" in line.text


@pytest.mark.parametrize(
    ("value", "shown"), [(0.824, "82%"), (0.996, "99.6%"), (1.0, "100%"), (0.0, "0%")]
)
def test_percent_agreement_reads_as_a_percentage(value, shown) -> None:
    assert percent(value) == shown


def test_each_verdict_names_its_convention() -> None:
    assert convention("krippendorff_alpha") == "Krippendorff"
    assert convention("cohen_kappa") == convention("gwet_ac1") == "Landis & Koch"
    assert convention("percent_agreement") is None
