"""The README's "Running a study" commands, run literally on the demo project."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.demo import build_demo_project
from annotator.core.store.project import Project
from annotator.core.study.assign import recorded_assignment

README = Path(__file__).resolve().parents[2] / "README.md"


def _study_commands() -> list[str]:
    """The lines of the first shell block after the heading "## Running a study"."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Running a study\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith("annotator ")]


def test_the_readme_study_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.chdir(tmp_path)
    build_demo_project(tmp_path / "study.annotator").close()
    commands = _study_commands()
    assert [c.split()[1] for c in commands] == [
        "plan", "plan", "assign", "code", "code", "merge", "progress", "progress", "assign",
        "agreement",
    ]  # fmt: skip
    outputs = {}
    for command in commands:
        assert main(shlex.split(command)[1:]) == 0, command
        outputs[command] = capsys.readouterr().out
    progress_json = json.loads(outputs[next(c for c in commands if "--json" in c)])
    by_coder = {c["coder"]: c for c in progress_json["coders"]}
    assert by_coder["alice"]["units_done"] == by_coder["bob"]["units_done"] == 1
    assert by_coder["carol"]["units_done"] == 0
    assert "units needed           215" in outputs[commands[0]]
    assert "units needed           139" in outputs[commands[1]]
    assert (tmp_path / "coders" / "study-dave-harbor-deal.annotator").exists()
    with Project.open(tmp_path / "study.annotator") as project:
        record = recorded_assignment(project)
    assert record is not None
    harbor = next(e for e in record["articles"].values() if e["key"] == "harbor-deal")
    assert sorted(harbor["coders"]) == ["alice", "bob", "dave"]


@pytest.mark.parametrize(
    "arguments",
    [
        ["plan", "study.annotator", "--alpha", "1.5"],
        ["plan", "study.annotator", "--smallest-share", "1e-320"],
        ["plan", "study.annotator", "--categories", "1"],
        ["assign", "study.annotator", "--coders", "alice,bob", "--out", "coders"],  # no plan
        ["assign", "study.annotator", "--coders", "alice"],
        ["assign", "study.annotator", "--reassign", "harbor-deal"],
        ["progress", "study.annotator", "--stalled-days", "99999999999"],
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, arguments):
    monkeypatch.chdir(tmp_path)
    build_demo_project(tmp_path / "study.annotator").close()
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert error.startswith("annotator: ") and error.count("\n") == 1, error
    assert not (tmp_path / "coders").exists()
