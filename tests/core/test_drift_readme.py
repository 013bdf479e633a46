"""The README's drift commands, run literally on the demo project after the training
README's pilot (alice and bob code `vaccine-plant` alike and `harbor-deal` differently);
alice codes the rest of her re-check through the core (one unit differently from her
first codes) before `drift` runs."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.coding import service as coding
from annotator.core.store.project import Project
from annotator.core.study.recheck import code_recheck_unit, pending_units
from tests.core.test_training_readme import SOURCES, pilot, readme_commands


def _drift_commands() -> list[str]:
    return readme_commands("### Drift re-checks")


def _recode_the_rest(path: Path) -> None:
    """What alice codes again: her first codes, but one claim type differs."""
    with Project.open(path) as project:
        first = coding.coder_codes(project, "alice")
        for n, unit in enumerate(pending_units(project, "alice")):
            codes = dict(first[unit])
            if n == 0:
                codes["claim_type"] = (
                    "evaluation" if codes["claim_type"] != "evaluation" else "fact"
                )
            code_recheck_unit(project, "alice", unit, codes)


def test_the_readme_drift_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.chdir(tmp_path)
    pilot(tmp_path / "study.annotator")
    commands = _drift_commands()
    assert [c.split()[1] for c in commands] == ["recheck", "recheck", "gui", "code", "drift"]
    outputs = []
    for command in commands:
        if command.split()[1] == "gui":  # tests/ui/test_recheck_window.py drives the window
            continue
        if command.split()[1] == "drift":
            _recode_the_rest(tmp_path / "study.annotator")
        assert main(shlex.split(command)[1:]) == 0, command
        outputs.append(capsys.readouterr().out)
    scheduled, pending, coded, figures = outputs
    assert "re-check of 'alice' scheduled" in scheduled and "4 units (seed 7)" in scheduled
    assert "harbor-deal#7" in pending and not any(code in pending for code in SOURCES)
    assert "saved as a re-check" in coded
    assert "4 of 4 units coded again" in figures
    claim = next(line for line in figures.splitlines() if "claim_type" in line)
    assert "intra-coder alpha 0." in claim and "inter-coder alpha" in claim  # one changed
    assert "(4 units)" in claim


@pytest.mark.parametrize(
    "arguments",
    [
        ["recheck", "study.annotator", "--coder", "alice", "--units", "0"],
        ["recheck", "study.annotator", "--coder", "alice", "--units", "99"],
        ["recheck", "study.annotator", "--coder", "alice", "--units", "2", "--older-than", "30"],
        ["recheck", "study.annotator", "--coder", "consensus", "--units", "2"],
        ["recheck", "study.annotator", "--coder", "alice", "--seed", "3"],
        ["code", "study.annotator", "--coder", "alice", "--recheck", "harbor-deal#7",
         "claim_type=fact"],
        ["drift", "study.annotator", "--bootstrap", "-1"],
    ],
)  # fmt: skip
def test_bad_input_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, arguments):
    monkeypatch.chdir(tmp_path)
    pilot(tmp_path / "study.annotator")
    assert main(arguments) != 0
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
