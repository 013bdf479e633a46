"""The command line: every command, JSON listings, and one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import find_unit
from annotator.core.store.project import Project

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def project_file(project_location) -> str:
    location = str(project_location("study.annotator"))
    assert main(["new", location]) == 0
    assert main(["import", location, *map(str, sorted(DATA.glob("*.txt")))]) == 0
    return location


def run_json(capsys, *argv) -> object:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_new_import_articles_units_info(project_file, capsys):
    articles = run_json(capsys, "articles", str(project_file))
    assert [a["key"] for a in articles] == ["border-talks", "harbor-deal", "vaccine-plant"]
    assert articles[1]["units_to_code"] == 15  # 14 sentences and the article's own questions
    units = run_json(capsys, "units", str(project_file), "--article", "harbor-deal")
    assert units[1]["key"] == "harbor-deal#2" and units[1]["kind"] == "sentence"
    assert units[0]["identity"].endswith(":0-68")
    info = run_json(capsys, "info", str(project_file))
    assert info["articles"] == 3 and info["units"] == 42
    assert info["codebook"] == {"name": "Source reliability", "version": "2.1"}


def test_scripted_coding_goes_through_the_service_with_history(project_file, capsys):
    argv = [
        "code",
        str(project_file),
        "--coder",
        "alice",
        "harbor-deal#2",
        "attribution=anonymous_generic",
        "claim_type=fact",
        "--note",
        "check",
    ]
    assert main(argv) == 0
    assert "harbor-deal#2: attribution - -> anonymous_generic (saved)" in capsys.readouterr().out
    with Project.open(project_file) as project:
        unit = find_unit(project, "harbor-deal#2")
        assert coding.coder_codes(project, "alice") == {
            unit.id: {"attribution": "anonymous_generic", "claim_type": "fact"}
        }
        history = coding.unit_history(project, unit.id)
        assert {(h.target, h.origin) for h in history} == {
            ("attribution", "command line"),
            ("claim_type", "command line"),
            ("#note", "command line"),
        }
    units = run_json(
        capsys, "units", str(project_file), "--article", "harbor-deal", "--coder", "alice"
    )
    assert units[1]["codes"] == {"attribution": "anonymous_generic", "claim_type": "fact"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["code", "{p}", "--coder", "a", "harbor-deal#2", "attribution=famous"],
            "field 'attribution' has no code 'famous'",
        ),
        (
            ["code", "{p}", "--coder", "a", "harbor-deal#99", "claim_type=fact"],
            "no unit 'harbor-deal#99'",
        ),
        (["code", "{p}", "--coder", "a", "harbor-deal#2", "claim_type"], "expected FIELD=CODE"),
        (["units", "{p}", "--article", "nope"], "no article 'nope'"),
        (["info", "{missing}"], "no such project"),
        (["import", "{p}", "{missing}"], "missing.txt"),
        (["codebook", "validate", "{missing}"], "no such file"),
    ],
)
def test_user_errors_exit_2_with_one_line(project_file, tmp_path, capsys, argv, message):
    filled = [a.format(p=project_file, missing=tmp_path / "missing.txt") for a in argv]
    assert_one_line_error(capsys, filled, message)


def test_new_refuses_an_existing_project_file(tmp_path, capsys):
    path = str(tmp_path / "study.annotator")
    assert main(["new", path]) == 0
    assert_one_line_error(capsys, ["new", path], "already exists")


def assert_one_line_error(capsys, argv, message) -> None:
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_codebook_validate_and_schema(capsys):
    book = (
        Path(__file__).resolve().parents[2]
        / "annotator"
        / "resources"
        / "codebooks"
        / "admiralty.json"
    )
    assert main(["codebook", "validate", str(book)]) == 0
    assert "valid codebook 'Admiralty (NATO) grading'" in capsys.readouterr().out
    assert main(["codebook", "schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "annotator codebook"


def test_new_with_the_admiralty_codebook(project_location, capsys):
    location = str(project_location("nato.annotator"))
    assert main(["new", location, "--codebook", "admiralty"]) == 0
    info = run_json(capsys, "info", location)
    assert info["fields"] == ["source_reliability", "information_credibility"]


def test_a_long_import_says_how_far_it_got_when_stderr_is_not_a_terminal(tmp_path, capsys):
    """Issue 17: piped or logged, a long import printed nothing until the end."""
    from tests.conftest import SAMPLE_TEXTS

    project = tmp_path / "p.annotator"
    assert main(["new", str(project)]) == 0
    assert main(["import", str(project), *map(str, SAMPLE_TEXTS)]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("importing:")]
    assert len(lines) >= len(SAMPLE_TEXTS) - 1
    assert any(SAMPLE_TEXTS[-1].name in line for line in lines)
