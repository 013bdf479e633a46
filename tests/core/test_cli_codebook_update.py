"""`annotator codebook update PROJECT FILE [--map MAPPING] [--dry-run]` (issue 23): the
changes one a line, an orphaning change refused in one line, a dry run that writes
nothing, and what an applied update did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import cli
from annotator.core.codebook import bundled_codebook, bundled_codebook_path, load_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from annotator.core.supervision.landing import ENVIRONMENT
from annotator.core.supervision.passphrase import set_supervisor_passphrase

DATA = Path(__file__).resolve().parents[1] / "data"
RELEASE_1 = DATA / "codebooks" / "source-reliability-1.0.json"
BUNDLED = Path(str(bundled_codebook_path("source-reliability")))


@pytest.fixture
def coded_release_1(tmp_path) -> Path:
    """A project made with the release-1 codebook; ann coded one sentence 'anonymous_vague'."""
    path = tmp_path / "study.annotator"
    with Project.create(path, load_codebook(RELEASE_1)) as project:
        assert not import_paths(project, [DATA / "harbor-deal.txt"]).failures
        unit = next(u.id for u in list_units(project) if u.kind == "sentence")
        coding.apply_codes(project, "ann", unit, {"attribution": "anonymous_vague"})
    return path


@pytest.fixture
def without_vague(tmp_path) -> Path:
    """The bundled codebook, version 2.1, without the category 'anonymous_vague'."""
    data = json.loads(bundled_codebook().to_json())
    data["version"] = "2.1"
    for field in data["fields"]:
        if field["key"] == "attribution":
            field["categories"] = [c for c in field["categories"] if c["code"] != "anonymous_vague"]
        if field["key"] == "anonymity_reason":
            field["when"]["in"].remove("anonymous_vague")
    path = tmp_path / "codebook-2.1.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def state(path: Path) -> tuple[str, dict]:
    with Project.open(path) as project:
        return project.codebook.version, coding.coder_codes(project, "ann")


def test_an_orphaning_update_is_refused_in_one_line(coded_release_1, without_vague, capsys):
    before = state(coded_release_1)
    code = cli.main(["codebook", "update", str(coded_release_1), str(without_vague)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "category removed: attribution.anonymous_vague 'Anonymous, vague'" in out.splitlines()
    assert err.count("\n") == 1
    assert "refused" in err and "attribution.anonymous_vague (1: category removed)" in err
    assert '{"attribution.anonymous_vague": "CODE"}' in err
    assert state(coded_release_1) == before


def test_a_dry_run_lists_the_changes_and_writes_nothing(
    coded_release_1, without_vague, tmp_path, capsys
):
    mapping = tmp_path / "map.json"
    mapping.write_text('{"attribution.anonymous_vague": "anonymous_generic"}', encoding="utf-8")
    before = state(coded_release_1)
    argv = ["codebook", "update", str(coded_release_1), str(without_vague), "--map", str(mapping)]
    assert cli.main([*argv, "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "format: 1 → 2" in lines
    assert (
        "merged: attribution.anonymous_vague into attribution.anonymous_generic (1 code)" in lines
    )
    assert lines[-1] == "dry run: nothing written (1 code(s) would be remapped, 0 dropped)"
    assert state(coded_release_1) == before

    assert cli.main(argv) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("codebook updated: 1 code(s) remapped, 0 dropped, 1 article units added")
    assert "now Source reliability 2.1 (version 2 in the project)" in last
    version, codes = state(coded_release_1)
    assert version == "2.1"
    assert list(codes.values()) == [{"attribution": "anonymous_generic"}]


def test_the_supervisor_passphrase_is_asked_where_the_project_has_one(
    coded_release_1, capsys, monkeypatch
):
    with Project.open(coded_release_1) as project:
        set_supervisor_passphrase(project, "right horse")
    monkeypatch.setenv(ENVIRONMENT, "wrong")
    argv = ["codebook", "update", str(coded_release_1), str(BUNDLED)]
    assert cli.main(argv) == 2
    assert "wrong supervisor passphrase" in capsys.readouterr().err
    assert state(coded_release_1)[0] == "1.0"
    monkeypatch.setenv(ENVIRONMENT, "right horse")
    assert cli.main(argv) == 0
    assert state(coded_release_1)[0] == bundled_codebook().version


def test_a_bad_mapping_file_is_one_line_naming_it(coded_release_1, without_vague, tmp_path, capsys):
    mapping = tmp_path / "map.json"
    mapping.write_text('{"attribution.anonymous_vague": "nobody"}', encoding="utf-8")
    argv = ["codebook", "update", str(coded_release_1), str(without_vague), "--map", str(mapping)]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"annotator: {mapping}: ") and err.count("\n") == 1
    assert "has no code 'nobody'" in err
