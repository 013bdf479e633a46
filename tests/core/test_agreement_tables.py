"""The agreement table as rows and as CSV: exact values, undefined cells, order, dialect."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from test_agreement_project import KRIPPENDORFF_2011, PUBLISHED, krippendorff_project

from annotator.cli import main
from annotator.core.agreement import ReliabilityData, agreement_report
from annotator.core.agreement.from_project import project_agreement
from annotator.core.agreement.tables import (
    COLUMNS,
    agreement_csv_text,
    agreement_rows,
    write_agreement_csv,
)
from annotator.core.agreement.verdicts import threshold_verdict
from annotator.core.errors import AnnotatorError

THREE_DECIMALS = 5e-4
CATEGORIES = {str(n): float(n) for n in range(1, 6)}


def krippendorff_data(level: str) -> ReliabilityData:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    4 coders x 12 units with missing values ("." = not coded)."""
    rows = [[None if v == "." else v for v in row.split()] for row in KRIPPENDORFF_2011.values()]
    units = [f"u{j}" for j in range(1, 13)]
    return ReliabilityData(
        f"{level}_rating", units, list(KRIPPENDORFF_2011), rows, level, CATEGORIES
    )


@pytest.fixture(scope="module")
def reports():
    """Every level's report on the Krippendorff (2011) data, with a bootstrap interval."""
    return {
        f"{level}_rating": agreement_report(krippendorff_data(level), bootstrap_samples=200)
        for level in PUBLISHED
    }


def read_back(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_read_back_gives_the_coefficients_exactly(reports, tmp_path):
    """Krippendorff (2011), section C: alpha nominal .743, ordinal .815, interval .849,
    ratio .797; the CSV holds the report's values to the last bit, not rounded."""
    path = tmp_path / "agreement.csv"
    assert write_agreement_csv(path, reports) == len(agreement_rows(reports))
    rows = read_back(path)
    alphas = {r["field"]: r for r in rows if r["coefficient"] == "krippendorff_alpha"}
    for level, published in PUBLISHED.items():
        report = reports[f"{level}_rating"]
        row = alphas[f"{level}_rating"]
        assert float(row["value"]) == report.krippendorff_alpha.value
        assert float(row["value"]) == pytest.approx(published, abs=THREE_DECIMALS)
        assert float(row["ci_low"]) == report.alpha_ci_low
        assert float(row["ci_high"]) == report.alpha_ci_high
        # alpha's own counts: 11 units have two or more values (unit 12 has one), 40 values
        assert (row["level"], row["n_units"], row["n_coders"], row["n_pairable"]) == (
            level,
            "11",
            "4",
            "40",
        )
        assert row["undefined_reason"] == ""
    assert alphas["ordinal_rating"]["threshold_verdict"] == "reliable"  # .815
    assert alphas["ratio_rating"]["threshold_verdict"] == "tentative"  # .797

    frame = pd.read_csv(path, encoding="utf-8", keep_default_na=False, na_values=[""])
    assert tuple(frame.columns) == COLUMNS
    for row in agreement_rows(reports):
        match = frame[
            (frame.field == row.field)
            & (frame.coefficient == row.coefficient)
            & (frame.coder_a.fillna("") == (row.coder_a or ""))
            & (frame.coder_b.fillna("") == (row.coder_b or ""))
        ]
        assert len(match) == 1
        assert match.value.iloc[0] == row.value  # float64 equality: nothing was rounded


def test_every_coefficient_and_pair_has_a_row_in_a_fixed_order(reports):
    rows = agreement_rows(reports)
    nominal = [r for r in rows if r.field == "nominal_rating"]
    assert [r.coefficient for r in nominal[:5]] == [
        "percent_agreement",
        "fleiss_kappa",
        "krippendorff_alpha",
        "krippendorff_alpha_nominal",
        "gwet_ac1",
    ]
    pairs = [(r.coder_a, r.coder_b) for r in nominal if r.coefficient == "cohen_kappa"]
    assert pairs == [("A", "B"), ("A", "C"), ("A", "D"), ("B", "C"), ("B", "D"), ("C", "D")]
    assert len(nominal) == 5 + 6  # no weighted kappa at the nominal level
    ordinal = [r for r in rows if r.field == "ordinal_rating"]
    assert len(ordinal) == 5 + 6 * 3
    assert [r.coefficient for r in ordinal[5:8]] == [
        "cohen_kappa",
        "cohen_kappa_weighted_quadratic",
        "cohen_kappa_weighted_linear",
    ]
    first_pair = reports["ordinal_rating"].cohen_kappa[0]
    assert ordinal[6].value == first_pair.weighted_kappa.value
    assert ordinal[7].value == first_pair.weighted_kappa_linear.value
    assert [r.field for r in rows] == sorted(
        (r.field for r in rows), key=list(reports).index
    )  # fields in the order given, each field's rows together
    defined = [r for r in rows if r.value is not None]
    assert all(r.ci_low <= r.value <= r.ci_high for r in defined)  # every interval drawn
    verdicts = {r.coefficient: r.threshold_verdict for r in defined}
    assert verdicts["percent_agreement"] is None  # not corrected for chance
    assert verdicts["krippendorff_alpha"] in {"reliable", "tentative", "unreliable"}
    assert verdicts["cohen_kappa"] in {
        "poor",
        "slight",
        "fair",
        "moderate",
        "substantial",
        "almost perfect",
    }
    fleiss = nominal[1]
    assert (fleiss.n_units, fleiss.note) == (
        reports["nominal_rating"].fleiss_kappa.n_units,
        reports["nominal_rating"].fleiss_kappa.note,
    )


def test_undefined_coefficients_are_empty_cells_with_the_reason(tmp_path):
    """Two coders who always chose the same single code: no variation, so kappa and
    alpha are undefined (not 0) while percent agreement is 1."""
    same = ReliabilityData("same", ["u1", "u2", "u3"], ["ann", "bob"], [["a"] * 3, ["a"] * 3])
    path = tmp_path / "same.csv"
    write_agreement_csv(path, {"same": agreement_report(same, bootstrap_samples=50)})
    rows = {r["coefficient"]: r for r in read_back(path)}
    assert rows["percent_agreement"]["value"] == "1.0"
    for name in ("fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "cohen_kappa"):
        assert rows[name]["value"] == ""
        assert rows[name]["undefined_reason"]
    alpha = rows["krippendorff_alpha"]
    assert (alpha["ci_low"], alpha["ci_high"], alpha["threshold_verdict"]) == ("", "", "")
    assert "no variation" in alpha["undefined_reason"]
    frame = pd.read_csv(path)
    assert frame.loc[frame.coefficient == "krippendorff_alpha", "value"].isna().all()


def test_the_file_is_rfc_4180_utf8_and_deterministic(reports, tmp_path):
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"
    write_agreement_csv(first, reports)
    write_agreement_csv(second, reports)
    raw = first.read_bytes()
    assert raw == second.read_bytes()
    assert raw.startswith(b"field,level,coefficient,")  # no byte-order mark
    assert raw.endswith(b"\r\n") and raw.count(b"\r\n") == len(agreement_rows(reports)) + 1
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert not list(tmp_path.glob(".*.part"))  # the temporary file was renamed into place


def test_awkward_names_survive_and_formulas_are_neutralised():
    """Commas, quotes, line breaks and accents round-trip; a cell a spreadsheet would run
    as a formula gets the single-quote prefix annotator's CSV exports use."""
    coders = ['Müller, "Jr."', "=cmd()", "line\nbreak"]
    data = ReliabilityData(
        "quelle", ["u1", "u2"], coders, [["a", "b"], ["b", "a"], ["a", "b"]], "nominal"
    )
    text = agreement_csv_text({"quelle": agreement_report(data, bootstrap_samples=0)})
    rows = list(csv.DictReader(text.splitlines(keepends=True)))
    pairs = {(r["coder_a"], r["coder_b"]) for r in rows if r["coefficient"] == "cohen_kappa"}
    assert pairs == {
        ('Müller, "Jr."', "'=cmd()"),
        ('Müller, "Jr."', "line\nbreak"),
        ("'=cmd()", "line\nbreak"),
    }
    negative = [r for r in rows if r["value"].startswith("-")]
    assert negative and all(not r["value"].startswith("'") for r in negative)  # numbers stay


def test_by_article_rows_follow_each_field(project_location):
    """Krippendorff (2011) section C data split over three articles (4 units each)."""
    project = krippendorff_project(project_location("parts.annotator"), groups=3)
    try:
        result = project_agreement(
            project, ["nominal_rating", "ordinal_rating"], by_article=True, bootstrap_samples=0
        )
    finally:
        project.close()
    rows = agreement_rows(result.fields, result.by_article)
    scopes = list(dict.fromkeys((r.field, r.article) for r in rows))
    assert scopes == [
        (field, article)
        for field in ("nominal_rating", "ordinal_rating")
        for article in (None, "part-1", "part-2", "part-3")
    ]
    part = result.by_article["nominal_rating"]["part-2"]
    alpha = next(
        r
        for r in rows
        if (r.field, r.article, r.coefficient) == ("nominal_rating", "part-2", "krippendorff_alpha")
    )
    assert alpha.value == part.krippendorff_alpha.value and alpha.n_units == part.n_units == 4


@pytest.mark.parametrize(
    ("alpha", "verdict"),
    [
        (1.0, "reliable"),
        (0.8, "reliable"),
        (0.7999, "tentative"),
        (0.667, "tentative"),
        (0.6669, "unreliable"),
        (-0.5, "unreliable"),
        (None, None),
    ],
)
def test_threshold_verdict_uses_krippendorffs_thresholds(alpha, verdict):
    """Krippendorff (2004), Content Analysis, 2nd ed., p. 241: .800 and .667."""
    assert threshold_verdict(alpha) == verdict


def test_a_missing_folder_is_a_clear_error(reports, tmp_path):
    with pytest.raises(AnnotatorError, match="does not exist"):
        write_agreement_csv(tmp_path / "nowhere" / "a.csv", reports)


def test_cli_writes_the_csv_beside_its_usual_output(project_location, tmp_path, capsys):
    """`annotator agreement SOURCE --csv FILE --json`: stdout stays valid JSON."""
    location = str(project_location("k.annotator"))
    krippendorff_project(location).close()
    out_csv = tmp_path / "table.csv"
    code = main(
        [
            "agreement",
            location,
            "--field",
            "interval_rating",
            "--bootstrap",
            "0",
            "--csv",
            str(out_csv),
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    printed = json.loads(out)["fields"]["interval_rating"]["krippendorff_alpha"]["value"]
    rows = read_back(out_csv)
    alpha = next(r for r in rows if r["coefficient"] == "krippendorff_alpha")
    assert float(alpha["value"]) == printed == pytest.approx(PUBLISHED["interval"], abs=5e-4)
    assert f"wrote {len(rows)} row(s) to {out_csv}" in err

    code = main(["agreement", location, "--csv", str(tmp_path / "no/x.csv")])
    assert code != 0
    assert "does not exist" in capsys.readouterr().err
