"""Agreement input that cannot be silently misread (issue 12, section 3; issue 17).

Each test reproduces one way a CSV file used to give a wrong number, or a file the
command could not read, through `annotator agreement` as a user runs it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from annotator.cli import main
from annotator.core.agreement import (
    Coefficient,
    ReliabilityData,
    agreement_report,
    read_reliability_csv,
)
from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.errors import InputError
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from annotator.core.supervision.adjudication import adjudicate

DATA = Path(__file__).resolve().parents[1] / "data"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def strict_json(text: str) -> dict:
    """json.loads that refuses NaN and Infinity, which are not JSON."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def agreement_json(capsys, path: Path | str, *argv: str) -> dict:
    code, out, err = run(capsys, "agreement", str(path), "--bootstrap", "0", "--json", *argv)
    assert code == 0, err
    return strict_json(out)


def wide(tmp_path: Path, rows: list[str], name: str = "codes.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def alpha_of(result: dict, field: str | None = None) -> float | None:
    fields = result["fields"]
    return fields[field or next(iter(fields))]["krippendorff_alpha"]["value"]


# --- numbers are compared as numbers ---------------------------------------------------------


def test_one_and_one_point_zero_and_zero_one_are_the_same_category(tmp_path, capsys):
    """pandas writes 1.0 for an integer column with a blank cell; Excel users type 01.
    Compared as text these were different categories (nominal alpha -0.098, not 1.0)."""
    path = wide(
        tmp_path,
        ["unit,ana,ben,cleo", "u1,1,1.0,01", "u2,2,2.0,02", "u3,3,3.0,", "u4,1,1.0,1", "u5,2,,2"],
    )
    result = agreement_json(capsys, path)
    field = result["fields"]["codes"]
    assert field["krippendorff_alpha"]["value"] == 1.0
    assert field["percent_agreement"]["value"] == 1.0
    assert field["categories"]["scale"] == ["1", "2", "3"]
    assert field["categories"]["values"] == [1.0, 2.0, 3.0]


def test_numbers_sort_as_numbers_and_one_word_code_is_named(tmp_path, capsys):
    """One non-numeric code used to turn the scale into text sorted "1" < "10" < "2"."""
    rows = ["unit,a,b", "u1,1,1", "u2,2,2", "u3,10,10", "u4,2,10"]
    data = read_reliability_csv(wide(tmp_path, rows), "ordinal")["codes"]
    assert data.derived_categories() == ["1", "2", "10"]
    bad = wide(tmp_path, [*rows, "u5,x,2"], "bad.csv")
    code, out, err = run(capsys, "agreement", str(bad), "--level", "ordinal")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"{bad}: field 'bad': code 'x' is not a number" in err
    assert "--missing" in err and "--order" in err


@pytest.mark.parametrize("marker", ["NA", "N/A", "NaN", ".", "#N/A", "NULL"])
def test_usual_missing_markers_are_missing_values_not_a_category(tmp_path, capsys, marker):
    """R writes NA; Stata, SAS and SPSS write "."; they were counted as a category."""
    rows = ["unit,a,b,c", "u1,1,1,1", "u2,2,2,{m}", "u3,3,3,3", "u4,1,{m},1", "u5,2,2,2"]
    marked = wide(tmp_path, [r.format(m=marker) for r in rows], "marked.csv")
    blank = wide(tmp_path, [r.format(m="") for r in rows], "blank.csv")
    result = agreement_json(capsys, marked, "--level", "interval")
    expected = agreement_json(capsys, blank, "--level", "interval")
    assert alpha_of(result) == alpha_of(expected) == 1.0
    field = result["fields"]["marked"]
    assert field["n_pairable_values"] == expected["fields"]["blank"]["n_pairable_values"]
    assert field["input_notes"] == [f"2 value(s) read as missing: {marker} (2)"]
    assert marker not in field["categories"]["scale"]


def test_other_missing_markers_with_the_missing_option(tmp_path, capsys):
    path = wide(tmp_path, ["unit,a,b", "u1,1,1", "u2,2,99", "u3,3,3", "u4,-9,2", "u5,2,2"])
    code, _, err = run(capsys, "agreement", str(path), "--level", "ratio")
    assert code == 2 and "code '-9' is negative" in err
    result = agreement_json(capsys, path, "--level", "ratio", "--missing", "99,-9")
    field = result["fields"]["codes"]
    assert field["krippendorff_alpha"]["value"] == 1.0
    assert field["categories"]["scale"] == ["1", "2", "3"]
    assert "2 value(s) read as missing" in field["input_notes"][0]


def test_a_declared_category_spelled_like_a_marker_stays_a_category(tmp_path):
    path = wide(tmp_path, ["unit,a,b", "u1,NA,NA", "u2,1,1", "u3,2,NA"])
    data = read_reliability_csv(path, "ordinal", order=["1", "2", "NA"])["codes"]
    assert data.derived_categories() == ["1", "2", "NA"]
    assert data.values == [["NA", "1", "2"], ["NA", "1", "NA"]]


# --- text codes need an order above the nominal level ----------------------------------------


def test_ordinal_text_codes_need_an_order_and_then_give_the_right_alpha(tmp_path, capsys):
    """low < mid < high sorted alphabetically became high < low < mid, silently."""
    words = ["unit,a,b,c", "u1,low,low,mid", "u2,mid,mid,mid", "u3,high,high,mid", "u4,low,mid,low"]
    numbers = [r.replace("low", "1").replace("mid", "2").replace("high", "3") for r in words]
    text = wide(tmp_path, words, "text.csv")
    code, out, err = run(capsys, "agreement", str(text), "--level", "ordinal")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "the codes are text (high, low, mid), so their order is unknown" in err
    ordered = agreement_json(capsys, text, "--level", "ordinal", "--order", "low,mid,high")
    reference = agreement_json(capsys, wide(tmp_path, numbers, "num.csv"), "--level", "ordinal")
    assert alpha_of(ordered) == alpha_of(reference)
    assert ordered["fields"]["text"]["categories"]["source"] == "order"
    interval = agreement_json(capsys, text, "--level", "interval", "--order", "low,mid,high")
    reference = agreement_json(capsys, wide(tmp_path, numbers, "num.csv"), "--level", "interval")
    assert alpha_of(interval) == alpha_of(reference)


@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_text_codes_at_a_numeric_level_are_refused(tmp_path, capsys, level):
    path = wide(tmp_path, ["unit,a,b", "u1,low,high", "u2,low,low"])
    code, _, err = run(capsys, "agreement", str(path), "--level", level)
    assert code == 2 and err.count("\n") == 1
    assert f"not numbers; the {level} level needs numbers" in err


def test_a_codebook_gives_levels_order_values_and_reads_labels(tmp_path, capsys):
    """The bundled codebook's confidence field is ordinal: low < medium < high."""
    rows = [
        "unit,field,a,b",
        "u1,confidence,low,Low",
        "u2,confidence,high,3",
        "u3,confidence,medium,high",
    ]
    path = wide(tmp_path, rows)
    result = agreement_json(capsys, path, "--codebook", "source-reliability")
    field = result["fields"]["confidence"]
    assert field["krippendorff_alpha"]["level"] == "ordinal"
    assert field["categories"]["scale"] == ["low", "medium", "high"]
    assert field["categories"]["source"] == "codebook"
    data = read_reliability_csv(path, codebook=bundled_codebook())["confidence"]
    assert data.values == [["low", "high", "medium"], ["low", "high", "high"]]
    code, _, err = run(capsys, "agreement", str(path), "--codebook", "admiralty")
    assert code == 2 and "has no field 'confidence'" in err


# --- never NaN ----------------------------------------------------------------------------


def test_huge_values_give_a_number_not_nan(tmp_path, capsys):
    """Squared differences of 1e200 overflowed: NaN in --json (invalid JSON) and
    "nan < .667 unreliable" in the text."""
    rows = ["unit,a,b,c", "u1,1e200,1e200,2e200", "u2,2e200,2e200,2e200", "u3,3e200,3e200,3e200"]
    result = agreement_json(capsys, wide(tmp_path, rows), "--level", "interval")
    small = ["unit,a,b,c", "u1,1,1,2", "u2,2,2,2", "u3,3,3,3"]
    reference = agreement_json(capsys, wide(tmp_path, small, "small.csv"), "--level", "interval")
    assert alpha_of(result) == pytest.approx(alpha_of(reference), rel=1e-12)
    pair = result["fields"]["codes"]["cohen_kappa"][0]["weighted_kappa_quadratic"]["value"]
    assert math.isfinite(pair)
    table, page = tmp_path / "table.csv", tmp_path / "report.html"
    argv = ["--level", "ratio", "--csv", str(table), "--html", str(page)]
    code, out, _ = run(capsys, "agreement", str(tmp_path / "codes.csv"), *argv)
    assert code == 0 and "nan" not in out.lower() and "undefined" not in out
    for written in (table, page):
        assert "nan" not in written.read_text(encoding="utf-8").lower()


def test_a_coefficient_is_never_nan_or_infinite():
    for value in (math.nan, math.inf, -math.inf):
        coefficient = Coefficient(value, None, 3, 2, 6)
        assert coefficient.value is None
        assert "not a finite number" in coefficient.reason
        assert json.dumps(coefficient.to_dict(), allow_nan=False)


def test_scaling_large_values_changes_no_bit():
    """Alpha for values 1e120 apart equals krippendorff's on the same values divided
    by 1e120 (a power-of-two rescale is exact), to rounding."""
    rng = np.random.default_rng(5)
    codes = rng.integers(1, 6, (3, 40)).astype(float)
    big = ReliabilityData("f", range(40), "abc", (codes * 1e120).astype(str), "interval")
    ours = agreement_report(big, bootstrap_samples=0).krippendorff_alpha.value
    theirs = krippendorff.alpha(codes, level_of_measurement="interval")
    assert ours == pytest.approx(theirs, rel=1e-12)


# --- ratio ----------------------------------------------------------------------------------


def test_negative_codes_at_the_ratio_level_are_refused(tmp_path, capsys):
    path = wide(tmp_path, ["unit,a,b", "u1,-2,-2", "u2,1,2", "u3,3,3"])
    code, out, err = run(capsys, "agreement", str(path), "--level", "ratio")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "code '-2' is negative, but the ratio level needs a true zero" in err
    assert agreement_json(capsys, path, "--level", "interval")["fields"]["codes"]


def test_negative_category_values_at_the_ratio_level_are_refused():
    with pytest.raises(Exception, match="code 'a' is negative"):
        ReliabilityData("f", ["u"], ["x", "y"], [["a"], ["b"]], "ratio", {"a": -1, "b": 1})


# --- which categories each coefficient uses ---------------------------------------------------


def test_declared_categories_make_a_pairs_coefficients_independent_of_other_coders(
    tmp_path, capsys
):
    """Only cleo used 5: with categories from the data, ana x ben's weighted kappa spans
    1..5 with cleo and 1..3 without her. With declared categories it is the same."""
    three = ["unit,ana,ben,cleo", "u1,1,1,5", "u2,2,3,5", "u3,3,3,1", "u4,1,2,2", "u5,2,2,3"]
    two = [",".join(r.split(",")[:3]) for r in three]
    with_cleo, without = wide(tmp_path, three, "three.csv"), wide(tmp_path, two, "two.csv")

    def pair(path: Path, *argv: str) -> dict:
        result = agreement_json(capsys, path, "--level", "ordinal", *argv)
        return next(iter(result["fields"].values()))

    derived = pair(with_cleo)
    assert derived["categories"]["source"] == "data"
    assert "from every coder in it" in derived["categories"]["description"]
    assert (
        derived["cohen_kappa"][0]["weighted_kappa_quadratic"]["value"]
        != pair(without)["cohen_kappa"][0]["weighted_kappa_quadratic"]["value"]
    )
    order = ("--order", "1,2,3,4,5")
    declared, alone = pair(with_cleo, *order), pair(without, *order)
    assert declared["categories"]["scale"] == ["1", "2", "3", "4", "5"]
    assert declared["cohen_kappa"][0] == alone["cohen_kappa"][0]
    _, out, _ = run(capsys, "agreement", str(with_cleo), "--bootstrap", "0", *order)
    assert (
        "  categories: 1, 2, 3, 4, 5 (the categories given with --order); every coefficient" in out
    )
    csv_path, html_path = tmp_path / "table.csv", tmp_path / "report.html"
    files = ("--csv", str(csv_path), "--html", str(html_path))
    run(capsys, "agreement", str(with_cleo), "--bootstrap", "0", *files, *order)
    assert "order: 1, 2, 3, 4, 5" in csv_path.read_text(encoding="utf-8")
    assert "Categories: 1, 2, 3, 4, 5 (the categories given with --order)" in html_path.read_text(
        encoding="utf-8"
    )


def test_project_reports_name_the_codebook_categories(project_location, capsys):
    path = str(project_location("p.annotator"))
    _coded_project(path, consensus=False)
    code, out, err = run(capsys, "agreement", path, "--bootstrap", "0", "--json")
    assert code == 0, err
    field = strict_json(out)["fields"]["confidence"]
    assert field["categories"]["source"] == "codebook"
    assert field["categories"]["scale"] == ["low", "medium", "high"]
    code, _, err = run(capsys, "agreement", path, "--order", "a,b")
    assert code == 2 and "--order is for a CSV file" in err


# --- the app's own exports ------------------------------------------------------------------


def _coded_project(path: str, consensus: bool) -> None:
    codes = {
        "ann": ["high", "medium", "high", "low", "low"],
        "bob": ["medium", "medium", "high", "low", "medium"],
        "cleo": ["high", "low", "high", "low", None],
    }
    claims = {"ann": "fact", "bob": "fact", "cleo": "evaluation"}
    with Project.create(path, bundled_codebook()) as project:
        import_paths(project, [DATA / "harbor-deal.txt"])
        units = [u.id for u in list_units(project) if u.kind == "sentence"][:5]
        for coder, values in codes.items():
            for unit, value in zip(units, values, strict=True):
                if value is not None:
                    coding.code_unit(project, coder, unit, "confidence", value)
                    coding.code_unit(project, coder, unit, "claim_type", claims[coder])
        if consensus:
            adjudicate(project, units[0], "confidence", "low")


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_the_apps_long_and_wide_exports_give_the_projects_agreement(
    project_location, tmp_path, capsys, layout
):
    path = str(project_location("p.annotator"))
    _coded_project(path, consensus=True)
    exported = tmp_path / f"{layout}.csv"
    code, _, err = run(capsys, "export", path, "--layout", layout, "-o", str(exported))
    assert code == 0, err
    assert "unit_key" in exported.read_text(encoding="utf-8").splitlines()[0]
    project = agreement_json(capsys, path)["fields"]
    from_csv = agreement_json(capsys, exported, "--codebook", "source-reliability")["fields"]
    # Long and wide carry the unit fields; the article fields are the articles layout's.
    unit_fields = {f.key for f in bundled_codebook().unit_fields}
    assert list(from_csv) == [key for key in project if key in unit_fields]
    for key in from_csv:
        field = project[key]
        field.pop("input_notes")
        notes = from_csv[key].pop("input_notes")
        assert field == from_csv[key]
        if layout == "long":  # the wide layout has only the coders' columns
            assert any("'consensus' (the adjudicated codes) left out" in n for n in notes)
    assert from_csv["confidence"]["coders"] == ["ann", "bob", "cleo"]
    # Without a codebook the codes are read as nominal categories from the data.
    plain = agreement_json(capsys, exported, "--field", "claim_type")["fields"]["claim_type"]
    assert (
        plain["krippendorff_alpha"]["value"] == project["claim_type"]["krippendorff_alpha"]["value"]
    )


def test_exported_values_read_back_through_the_codebook(project_location, tmp_path, capsys):
    path = str(project_location("p.annotator"))
    _coded_project(path, consensus=False)
    exported = tmp_path / "values.csv"
    run(capsys, "export", path, "--values", "-o", str(exported))
    project = agreement_json(capsys, path, "--field", "confidence")
    from_csv = agreement_json(
        capsys, exported, "--codebook", "source-reliability", "--field", "confidence"
    )
    assert alpha_of(from_csv) == alpha_of(project)


# --- the vectorised reader keeps the row-by-row reader's answers ------------------------------


def test_row_numbers_count_lines_past_blank_rows_and_multi_line_cells(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(
        'unit,coder,value,comment\n\nu1,a,1,"two\nlines"\n,,,\nu2,a,1,\nu1,a,2,\n',
        encoding="utf-8",
    )
    with pytest.raises(
        InputError,
        match=r"row 7: unit 'u1' already has a value from coder "
        r"'a' \(row 4\)",
    ):
        read_reliability_csv(path)


def test_trailing_empty_cells_beyond_the_header_are_allowed(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("unit,a,b\nu1,1,1,,\nu2, 2 ,2\n", encoding="utf-8")
    data = read_reliability_csv(path)["codes"]
    assert data.values == [["1", "2"], ["1", "2"]]
    assert data.coders == ["a", "b"]


def test_a_file_pandas_finds_no_columns_in_is_read_as_the_csv_module_reads_it(tmp_path):
    """Found by fuzzing: b"\\n\\x01" made pandas raise EmptyDataError (a traceback)."""
    path = tmp_path / "codes.csv"
    path.write_bytes(b"\n\x01")
    with pytest.raises(InputError, match="no 'unit' column"):
        read_reliability_csv(path)


def test_a_file_pandas_reads_in_several_chunks_gives_the_same_data(tmp_path):
    """pandas parses a large file in chunks, each with its own categories of codes: a code
    seen only near the end, and a field column, must come through the same."""
    rng = np.random.default_rng(9)
    n = 40_000
    codes = rng.integers(1, 4, (2, n)).astype(str)
    codes[1, -3:] = "7"
    lines = ["field,unit,coder,value"]
    for j in range(n):
        lines += [f"tone,u{j},ann,{codes[0, j]}", f"tone,u{j},bob,{codes[1, j]}"]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    data = read_reliability_csv(path)["tone"]
    assert data.coders == ["ann", "bob"] and data.unit_ids[-1] == f"u{n - 1}"
    assert data.values == codes.tolist()
    assert data.derived_categories() == ["1", "2", "3", "7"]
