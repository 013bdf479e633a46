"""Every layout and format read back by pandas and pyreadstat, with hostile text."""

from __future__ import annotations

import io
import math

import pandas as pd
import pyreadstat
import pytest
import test_export_support as support
from test_export_support import hostile_project_fixture  # noqa: F401 (the `project` fixture)

from annotator.core.errors import AnnotatorError
from annotator.core.export import (
    LAYOUTS,
    ExportOptions,
    export,
    export_csv_stream,
    layout_columns,
    neutralise,
    preview_rows,
    unneutralise,
    variable_names,
)
from annotator.core.export.stats_files import stata_format

ALL = 10**9


def expected(project, layout, mode="codes"):
    return preview_rows(project, ExportOptions(layout, mode), ALL)


def read_csv(path, **options) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", **options)


def as_csv_text(value) -> str:
    """A cell as the CSV must hold it: numbers as written, text neutralised."""
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else str(value)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("mode", ["codes", "values", "labels"])
def test_csv_reads_back_exactly(project, tmp_path, layout, mode):
    path = tmp_path / "out.csv"
    result = export(project, path, ExportOptions(layout, mode))
    frame = read_csv(path)
    rows = expected(project, layout, mode)
    assert result.rows == len(rows) == len(frame)
    assert list(frame.columns) == list(rows[0])
    for (_, got), want in zip(frame.iterrows(), rows, strict=True):
        assert [got[name] for name in want] == [as_csv_text(v) for v in want.values()]
        assert {name: unneutralise(got[name]) for name in want if isinstance(want[name], str)} == {
            name: v for name, v in want.items() if isinstance(v, str)
        }


def test_hostile_text_survives_modulo_the_documented_prefix(project, tmp_path):
    path = tmp_path / "long.csv"
    export(project, path, ExportOptions("long"))
    frame = read_csv(path)
    texts = set(frame["text"])
    for sentence in [
        "قال المتحدث إن الاتفاق جيد.",
        "הדובר אמר שההסכם טוב.",
        "The quote ran over\ntwo lines, she said.",
        '\'=1+1 is what "they" wrote, the spokesman said.',
        '\'-2 degrees, a comma, and a "quote" were reported.',
        "'@SUM(A1:A9) was the cell, according to the file.",
    ]:
        assert sentence in texts
    assert any(text.startswith("🚢 Ships from 🇩🇪") and "👩🏽‍🔬" in text for text in texts)
    assert any(len(text) > 6000 for text in texts)
    assert set(frame["outlet"]) == {"'\tTabbed, outlet", ""}
    assert "'\r-2026-01-01" in set(frame["published"])
    assert "'" + support.HOSTILE_NOTE in set(frame["note"])
    assert "'=bob" in set(frame["coder"])


def test_numbers_are_never_neutralised(project, tmp_path):
    path = tmp_path / "values.csv"
    export(project, path, ExportOptions("long", "values"))
    frame = pd.read_csv(path, keep_default_na=True)
    assert set(frame["attribution"].dropna()) <= {1, 2, 3, -2}
    assert -2 in set(frame["attribution"]) and -1.5 in set(frame["tone"])
    assert str(frame["tone"].dtype) == "float64"
    labels = read_csv(tmp_path / "values.csv")
    assert "-2" in set(labels["attribution"]) and "'-2" not in set(labels["attribution"])


def test_csv_is_rfc_4180_with_optional_bom(project, tmp_path):
    plain, bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    export(project, plain, ExportOptions("wide"))
    export(project, bom, ExportOptions("wide"), bom=True)
    data = plain.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert bom.read_bytes() == b"\xef\xbb\xbf" + data
    assert data.endswith(b"\r\n")
    assert b'"The quote ran over\ntwo lines, she said."' in data
    assert b'""' in data  # quotes inside text are doubled
    assert data.count(b"\r\n") >= len(expected(project, "wide")) + 1


def test_same_data_gives_the_same_bytes(project, tmp_path):
    export(project, tmp_path / "a.csv", ExportOptions("long"))
    export(project, tmp_path / "b.csv", ExportOptions("long"))
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_csv_to_a_stream_is_the_same_as_to_a_file(project, tmp_path):
    export(project, tmp_path / "a.csv", ExportOptions("consensus"))
    buffer = io.BytesIO()
    export_csv_stream(project, buffer, ExportOptions("consensus"))
    assert buffer.getvalue() == (tmp_path / "a.csv").read_bytes()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_spss_and_stata_files_read_back_with_labels(project, tmp_path, layout, fmt):
    path = tmp_path / f"out.{fmt}"
    result = export(project, path, ExportOptions(layout))
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    frame, meta = reader(path, user_missing=True) if fmt == "sav" else reader(path)
    # pyreadstat shows Stata's extended missing values ("a" for .a) with user_missing=True
    # only, but then reads a plain missing value of an integer variable as 0: both reads.
    tagged, tagged_meta = reader(path, user_missing=True)
    rows = expected(project, layout, "values")
    columns = layout_columns(project, ExportOptions(layout))
    labelled = {c.name for c in columns if c.field is not None}
    names = variable_names(
        list(rows[0]),
        labelled
        if fmt == "sav"
        else labelled - {"tone"} - {c.name for c in columns if c.name.startswith("tone__")},
    )
    assert list(frame.columns) == list(names.values())
    assert result.renamed == {k: v for k, v in names.items() if k != v}
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    book = project.codebook
    kinds = {c.name: c.kind for c in columns}
    for column, name in names.items():
        got = frame[name].tolist()
        want = [row[column] for row in rows]
        field_key = column.split("__")[0]
        on_scale = kinds[column] == "code" and book.field(field_key).level != "nominal"
        if fmt == "dta" and on_scale:  # "cannot judge" (-2) is Stata's .a
            assert [t == "a" for t in tagged[name]] == [v == -2 for v in want], column
            want = [None if v == -2 else v for v in want]
        if kinds[column] == "timestamp":  # a date-time variable, to the second
            assert [None if pd.isna(g) else f"{g:%Y-%m-%dT%H:%M:%SZ}" for g in got] == [
                v or None for v in want
            ], column
        elif kinds[column] != "text":
            assert [None if math.isnan(g) else g for g in got] == want, column
        else:
            assert got == ["" if v is None else v for v in want], column
        if layout != "articles" and field_key in [f.key for f in book.fields]:
            field = book.field(field_key)
            assert labels[name].startswith(field.label)
            value_labels = meta.variable_value_labels.get(name, {})
            whole = all(float(c.value).is_integer() for c in field.categories)
            if fmt == "sav":
                assert value_labels == {c.value: c.label for c in field.categories}
            elif whole:  # Stata: the outside-scale category is labelled as .a
                assert value_labels == {
                    "a" if c.outside_scale and on_scale else c.value: c.label
                    for c in field.categories
                }
            else:
                assert value_labels == {}  # Stata labels whole numbers only
    if fmt == "sav" and layout == "long":
        assert meta.variable_measure["attribution"] == "ordinal"
        assert meta.variable_measure["tone"] == "ordinal"
        assert meta.variable_measure["topic"] == "nominal"
        assert meta.missing_ranges["attribution"] == [{"lo": -2.0, "hi": -2.0}]
    if fmt == "dta" and layout == "long":
        assert tagged_meta.missing_user_values == {"attribution": ["a"]}


def test_spss_formats_and_widths_fit_the_data(project, tmp_path):
    """Issue 27: every code was F8.2 ("6.00") and every display width 8."""
    export(project, tmp_path / "long.sav", ExportOptions("long"))
    frame, meta = pyreadstat.read_sav(tmp_path / "long.sav")
    types = meta.original_variable_types
    assert types["attribution"] == "F2.0"  # values 1, 2, 3 and -2
    assert types["tone"] == "F4.1"  # -1.5, 0, 1.5
    assert types["topic"] == "F1.0"  # positions 1 and 2
    assert types["unit_index"] == f"F{len(str(int(frame['unit_index'].max())))}.0"
    assert types["coded_at"].startswith("DATETIME")
    assert types["codebook_version"].startswith("A")  # "2.0-β" stays text
    widths = meta.variable_display_width
    assert widths["attribution"] == 2 and widths["topic"] == 1
    assert widths["coder"] == len(support.LONG_CODER)
    assert widths["text"] == 80  # the very long sentence, cut for the Data View only
    assert max(map(len, frame["text"])) > 6000


def test_stata_files_are_format_118_with_date_times(project, tmp_path):
    """Issue 27: format 119 files do not open in Stata 14."""
    export(project, tmp_path / "wide.dta", ExportOptions("wide"))
    assert (tmp_path / "wide.dta").read_bytes().startswith(b"<stata_dta><header><release>118<")
    frame, meta = pyreadstat.read_dta(tmp_path / "wide.dta")
    assert meta.original_variable_types["coded_at__alice"] == "%tc"
    assert meta.readstat_variable_types["codebook_version"] == "string"
    assert set(frame["codebook_version"]) == {"2.0-β"}
    assert stata_format(32_767) == 118 and stata_format(32_768) == 119


def test_wide_stats_names_are_legal_and_labels_say_who(project, tmp_path):
    export(project, tmp_path / "wide.dta", ExportOptions("wide"))
    frame, meta = pyreadstat.read_dta(tmp_path / "wide.dta")
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    for name in frame.columns:
        assert len(name) <= 32 and name[0].isalpha() and name.isascii()
        assert name.replace("_", "").isalnum()
    assert labels["attribution__alice"] == "Attribution (alice)"
    assert labels["attribution___bob"] == "Attribution (=bob)"
    long_one = next(
        n for n, label in labels.items() if label == f'Tone, "overall" ({support.LONG_CODER})'
    )
    assert long_one.startswith("tone__Zoe_Angstrom")


def test_variable_names_are_unique_ignoring_case():
    columns = ["a b", "a_b", "A_B", "1st", "_all", "with", "x" * 40, "x" * 41, "ümlaut", "y" * 40]
    names = variable_names(columns, labelled={"y" * 40})
    assert list(names.values()) == [
        "a_b",
        "a_b_2",
        "A_B_3",
        "v_1st",
        "v__all",
        "v_with",
        "x" * 32,
        "x" * 30 + "_2",
        "umlaut",
        "y" * 31,
    ]


def test_cancelling_leaves_no_file_and_keeps_the_old_one(project, tmp_path):
    target = tmp_path / "keep.csv"
    target.write_text("old", encoding="utf-8")
    for path in (target, tmp_path / "new.sav", tmp_path / "new.dta"):
        result = export(project, path, ExportOptions("long"), progress=lambda *_: False)
        assert result.cancelled and result.path is None
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.csv"]


def test_progress_reaches_the_total(project, tmp_path):
    seen = []
    export(project, tmp_path / "a.csv", ExportOptions("long"), progress=lambda *a: seen.append(a))
    assert seen[-1][0] == seen[-1][1] == len(expected(project, "wide"))


def test_failure_leaves_no_temporary_file(project, tmp_path):
    with pytest.raises(AnnotatorError, match="cannot hold"):
        export(project, tmp_path / "x.sav", ExportOptions("long"), "dta")
    with pytest.raises(AnnotatorError, match="does not exist"):
        export(project, tmp_path / "missing" / "x.csv", ExportOptions("long"))

    def boom(*_):
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        export(project, tmp_path / "x.csv", ExportOptions("long"), progress=boom)
    assert list(tmp_path.iterdir()) == []


def test_neutralise_covers_the_owasp_characters():
    for trigger in "=+-@\t\r":
        assert neutralise(trigger + "x") == "'" + trigger + "x"
        assert unneutralise(neutralise(trigger + "x")) == trigger + "x"
    assert neutralise("plain = text") == "plain = text"
    assert neutralise("'quoted") == "'quoted" and unneutralise("'quoted") == "'quoted"
    assert neutralise("") == ""
