"""`annotator code` takes a category by its key or value as well as its code."""

from __future__ import annotations

import json

import pytest

from annotator.cli import main
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import find_unit
from annotator.core.store.project import Project
from tests.core.test_cli import DATA, assert_one_line_error


@pytest.fixture
def project_file(project_location) -> str:
    location = str(project_location("study.annotator"))
    assert main(["new", location]) == 0
    assert main(["import", location, str(DATA / "harbor-deal.txt")]) == 0
    return location


def stored(location: str) -> dict[str, str]:
    with Project.open(location) as project:
        unit = find_unit(project, "harbor-deal#2")
        return coding.coder_codes(project, "alice").get(unit.id, {})


def test_a_key_or_a_value_codes_as_the_code_does(project_file, capsys):
    argv = ["code", project_file, "--coder", "alice", "harbor-deal#2"]
    assert main([*argv, "attribution=3", "claim_type=p", "confidence=9"]) == 0
    assert "attribution - -> anonymous_specific (saved)" in capsys.readouterr().out
    assert stored(project_file) == {
        "attribution": "anonymous_specific",  # key 3 (and value 3)
        "claim_type": "prediction",  # key p
        "confidence": "high",  # key 9
    }
    assert main([*argv, "confidence=1"]) == 0  # value 1: low (no key 1 in this field)
    assert stored(project_file)["confidence"] == "low"


def test_a_key_and_a_value_naming_two_categories_are_refused(tmp_path, capsys):
    book = {
        "name": "Tricky",
        "version": "1",
        "fields": [
            {
                "key": "tone",
                "label": "Tone",
                "level": "nominal",
                "categories": [
                    {"code": "warm", "label": "Warm", "value": 2, "shortcut": "1"},
                    {"code": "cold", "label": "Cold", "value": 1, "shortcut": "2"},
                ],
            }
        ],
    }
    (tmp_path / "tricky.json").write_text(json.dumps(book), encoding="utf-8")
    location = str(tmp_path / "tricky.annotator")
    assert main(["new", location, "--codebook", str(tmp_path / "tricky.json")]) == 0
    assert main(["import", location, str(DATA / "harbor-deal.txt")]) == 0
    argv = ["code", location, "--coder", "alice", "harbor-deal#2", "tone=1"]
    assert_one_line_error(capsys, argv, "ambiguous")
