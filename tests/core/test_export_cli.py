"""`annotator export` on the command line: formats by ending, stdout, selections, errors."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest
import test_export_support as support

from annotator import cli


@pytest.fixture(scope="module")
def project_path(module_project_location):
    path = module_project_location("p.annotator")
    support.sample_project(path, ("alice", "bob")).close()
    return str(path)


def test_csv_to_stdout(project_path, capsysbinary):
    assert cli.main(["export", project_path, "--layout", "wide", "--values", "-o", "-"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(
        b"article_key,title,outlet,published,author,unit_key,unit_index,kind,text,"
    )
    assert b"attribution__alice,attribution__bob" in out.split(b"\r\n")[0]


def test_the_file_ending_picks_the_format(project_path, tmp_path, capsys):
    for ending, reader in (("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)):
        target = tmp_path / f"out.{ending}"
        args = ["export", project_path, "--layout", "consensus", "--labels", "-o", str(target)]
        assert cli.main(args) == 0
        frame, meta = reader(target)
        assert "consensus_source" in frame.columns
        assert meta.variable_value_labels["attribution"][1] == "Named person"
    captured = capsys.readouterr()
    assert "always hold values with value labels" in captured.err
    assert "wrote" in captured.out and "consensus layout, dta" in captured.out


def test_selection_options(project_path, tmp_path):
    target = tmp_path / "a.csv"
    args = [
        "export",
        project_path,
        "--coders",
        "bob",
        "--article",
        "border-talks",
        "--bom",
        "-o",
        str(target),
    ]
    assert cli.main(args) == 0
    frame = pd.read_csv(target, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert set(frame["coder"]) == {"bob"} and set(frame["article_key"]) == {"border-talks"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--coders", "zed", "-o", "{tmp}/x.csv"], "no coder 'zed'"),
        (["--format", "csv", "-o", "{tmp}/x.sav"], "cannot hold the csv format"),
        (["--format", "dta", "-o", "-"], "cannot be written to standard output"),
        (["--bom", "-o", "{tmp}/x.dta"], "--bom applies to CSV only"),
        (["-o", "{tmp}/missing/x.csv"], "does not exist"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(project_path, tmp_path, capsys, extra, message):
    args = ["export", project_path, *[a.replace("{tmp}", str(tmp_path)) for a in extra]]
    assert cli.main(args) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1


@pytest.mark.parametrize("ending", ["json", "parquet", "xls"])
def test_a_file_named_for_another_format_is_refused(project_path, tmp_path, capsys, ending):
    """Issue 17: `-o out.json` used to write CSV text into a file named for another format
    (.xlsx is a format of its own since issue 27)."""
    target = tmp_path / f"out.{ending}"
    assert cli.main(["export", project_path, "-o", str(target)]) == cli.EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert f"not .{ending}" in err and ".csv" in err and err.count("\n") == 1
    assert not target.exists() and not list(tmp_path.iterdir())
