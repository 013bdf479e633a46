"""The README's training commands, run literally on the demo project after a pilot.

The pilot is made through the core: alice and bob code `vaccine-plant` alike and their
unanimous codes become the consensus; they disagree on some of `harbor-deal`; carol trains
on the gold and codes one claim type differently from it. The `gui` lines open windows
(tests/ui/test_training_window.py drives them) and are not run here.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.codebook import bundled_codebook
from annotator.core.coding.lookups import find_unit, list_units
from annotator.core.coding.service import apply_codes
from annotator.core.demo import build_demo_project
from annotator.core.store.project import Project
from annotator.core.study.training import code_training_unit
from annotator.core.supervision.adjudication import accept_all_unanimous

README = Path(__file__).resolve().parents[2] / "README.md"
CLAIMS = ["fact", "intention", "prediction", "evaluation"]
SOURCES = ["named_person", "anonymous_vague", "unattributed"]
EVERY_FIELD = [f.key for f in bundled_codebook().fields]


def readme_commands(heading: str) -> list[str]:
    """The `annotator` lines of the first shell block under a README heading."""
    section = README.read_text(encoding="utf-8").split(f"{heading}\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith("annotator ")]


def _training_commands() -> list[str]:
    return readme_commands("### Training, certification and agreement where it helps to act")


def _source(i: int) -> dict[str, str]:
    """An attribution, with the reason for anonymity it then asks for."""
    codes = {"attribution": SOURCES[i % 3]}
    return codes | (
        {"anonymity_reason": "no_reason"} if SOURCES[i % 3] == "anonymous_vague" else {}
    )


def pilot(path: Path) -> None:
    with build_demo_project(path) as project:
        units = [u for u in list_units(project, "vaccine-plant") if u.kind == "sentence"]
        for i, unit in enumerate(units):
            codes = _source(i) | {"claim_type": CLAIMS[i % 4]}
            for coder in ("alice", "bob"):
                apply_codes(project, coder, unit.id, {**codes, "confidence": "high"})
        article = find_unit(project, "vaccine-plant#0").id
        for coder in ("alice", "bob"):
            apply_codes(project, coder, article, {"story_type": "news"})
        harbor = [u for u in list_units(project, "harbor-deal") if u.kind == "sentence"]
        for i, unit in enumerate(harbor):
            apply_codes(project, "alice", unit.id, {"claim_type": CLAIMS[i % 4]})
            apply_codes(project, "bob", unit.id, {"claim_type": CLAIMS[(i // 2) % 4]})
        accept_all_unanimous(project)


def _train(path: Path) -> None:
    with Project.open(path) as project:
        units = [u for u in list_units(project, "vaccine-plant") if u.kind == "sentence"]
        for i, unit in enumerate(units):
            claim = "no_claim" if i == 0 else CLAIMS[i % 4]
            codes = _source(i) | {"claim_type": claim}
            code_training_unit(project, "carol", unit.id, codes)
        article = find_unit(project, "vaccine-plant#0").id
        code_training_unit(project, "carol", article, {"story_type": "news"})


def test_the_readme_training_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.chdir(tmp_path)
    pilot(tmp_path / "study.annotator")
    commands = _training_commands()
    assert [c.split()[1] for c in commands] == [
        "study-settings", "gold", "gui", "certify", "agreement-detail", "agreement-detail",
        "agreement-detail", "gui",
    ]  # fmt: skip
    outputs = {}
    for command in commands:
        if command.split()[1] == "gui":
            if "--training" in command:
                _train(tmp_path / "study.annotator")  # what carol does in the window
            continue
        assert main(shlex.split(command)[1:]) == 0, command
        outputs[command] = capsys.readouterr().out
    certify, by_article, by_coder, by_category = (outputs[c] for c in commands[3:7])
    assert "certification of 'carol' against the gold: PASS" in certify
    assert "  attribution          alpha 1.000" in certify and "confidence" not in certify
    assert "  claim_type           alpha 0.886" in certify  # one no_claim for a fact
    assert by_article.splitlines()[1].split()[0] == "harbor-deal"  # the worst first
    assert "alice ~ consensus" in by_coder and "alice ~ bob" in by_coder
    assert "~" in by_category.splitlines()[1]


@pytest.mark.parametrize(
    "arguments",
    [
        ["gold", "study.annotator", "--articles", "no-such-article", "--from", "consensus"],
        ["gold", "study.annotator", "--articles", "vaccine-plant", "--from", "suggester"],
        ["gold", "study.annotator", "--articles", "vaccine-plant"],
        ["certify", "study.annotator", "--coder", "dave"],
        ["certify", "study.annotator", "--coder", "carol", "--threshold", "1.5"],
        ["certify", "study.annotator", "--coder", "gold"],
        ["agreement-detail", "study.annotator", "--field", "nope"],
        ["study-settings", "study.annotator", "--leave-out", "nope"],
        ["study-settings", "study.annotator", "--leave-out", ",".join(EVERY_FIELD)],
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, arguments):
    monkeypatch.chdir(tmp_path)
    pilot(tmp_path / "study.annotator")
    main(["gold", "study.annotator", "--articles", "vaccine-plant", "--from", "consensus"])
    capsys.readouterr()
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert error.startswith("annotator: ") and error.count("\n") == 1, error
