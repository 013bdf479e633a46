"""Reading reliability data from CSV files, long and wide, and rejecting bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.agreement import agreement_report, read_reliability_csv
from annotator.core.errors import AnnotatorError, InputError


def write(tmp_path: Path, text: str, name: str = "codes.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def test_long_format_with_fields_bom_and_mixed_case_headers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffUnit,Coder,VALUE,Field,comment\r\n"
        "s1,ana,2,stance,\r\n"
        "s1,ben,2,stance,ok\r\n"
        "s2,ana,3,stance,\r\n"
        "s2,ben,,stance,forgot\r\n"
        "s1,ana,1,source,\r\n"
        "s1,ben,0,source,\r\n",
    )
    fields = read_reliability_csv(path, level="ordinal")
    assert list(fields) == ["stance", "source"]
    stance = fields["stance"]
    assert stance.unit_ids == ["s1", "s2"]
    assert stance.coders == ["ana", "ben"]
    assert stance.values == [["2", "3"], ["2", None]]
    assert stance.level == "ordinal"
    assert stance.derived_categories() == ["2", "3"]
    assert fields["source"].values == [["1"], ["0"]]


def test_long_format_without_field_column_names_the_field_after_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "unit;coder;value\nu1;a;1\nu1;b;1\nu2;a;2\nu2;b;2\n", "tone.csv")
    fields = read_reliability_csv(path)
    assert list(fields) == ["tone"]
    assert agreement_report(fields["tone"], bootstrap_samples=0).krippendorff_alpha.value == 1.0


def test_wide_format_with_empty_cells_as_missing(tmp_path: Path) -> None:
    """The Krippendorff (2011) example in wide form gives nominal alpha .743."""
    rows = [
        "unit,A,B,C,D",
        "1,1,1,,1",
        "2,2,2,3,2",
        "3,3,3,3,3",
        "4,3,3,3,3",
        "5,2,2,2,2",
        "6,1,2,3,4",
        "7,4,4,4,4",
        "8,1,1,2,1",
        "9,2,2,2,2",
        "10,,5,5,5",
        "11,,,1,1",
        "12,,3,,",
    ]
    path = write(tmp_path, "\n".join(rows) + "\n", "example.csv")
    data = read_reliability_csv(path)["example"]
    assert data.coders == ["A", "B", "C", "D"]
    assert data.values[0][:3] == ["1", "2", "3"]
    assert data.values[2][0] is None
    report = agreement_report(data, bootstrap_samples=0)
    assert report.krippendorff_alpha.value == pytest.approx(0.743, abs=5e-4)
    assert report.n_units == 12


def test_wide_format_with_field_column_and_tabs(tmp_path: Path) -> None:
    path = write(tmp_path, "field\tUNIT\tx\ty\nf1\tu1\t1\t1\nf2\tu1\ta\tb\nf1\tu2\t2\t\n")
    fields = read_reliability_csv(path, outside_scale={"n/a"})
    assert fields["f1"].values == [["1", "2"], ["1", None]]
    assert fields["f2"].values == [["a"], ["b"]]
    assert fields["f1"].outside_scale == frozenset({"n/a"})


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "the file is empty"),
        ("  \n\n", "the file is empty"),
        ("coder,value\na,1\n", "no 'unit' column in the header"),
        ("unit,coder,value\n", "header but no data rows"),
        (
            "unit,coder,value\nu1,a,1\nu1,a,2\n",
            "row 3: unit 'u1' already has a value from coder 'a'",
        ),
        (
            "unit,coder,value,field\nu1,a,1,f\nu1,a,2,g\nu1,a,3,f\n",
            "row 4: unit 'u1' already has a value from coder 'a' in field 'f' (row 2)",
        ),
        ("unit,a,b\nu1,1,2\nu1,1,1\n", "row 3: unit 'u1' appears twice (row 2)"),
        ("unit,coder,value\n,a,1\n", "row 2 has an empty unit"),
        ("unit,coder,value\nu1,,1\n", "row 2 has an empty coder"),
        ("unit,A,a\nu1,1,2\n", "column 'A' appears twice in the header"),
        ("unit,,b\nu1,1,2\n", "column 2 of the header has no name"),
        ("unit\nu1\n", "no coder columns"),
        ("unit,a\nu1,1,2\n", "row 2 has 3 cells but the header 2"),
        ('unit,a\n"u1,1\n', "not a valid CSV file"),
        ("unit,a\x00b\nu1,1\n", "contains NUL bytes"),
    ],
)
def test_bad_csv_is_one_input_error_naming_file_and_reason(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InputError) as caught:
        read_reliability_csv(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert reason in message
    assert "\n" not in message
    assert caught.value.source == str(path)


def test_undecodable_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("unit,coder,value\nu1,José,1\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_reliability_csv(path)


def test_binary_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    with pytest.raises(InputError) as caught:
        read_reliability_csv(path)
    assert "\n" not in str(caught.value)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_reliability_csv(tmp_path / "absent.csv")


def test_unknown_level_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "unit,coder,value\nu1,a,1\n")
    with pytest.raises(AnnotatorError, match="unknown level of measurement 'fuzzy'"):
        read_reliability_csv(path, level="fuzzy")
