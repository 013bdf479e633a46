"""The README's codebook section (issue 23), run as it stands: the format 2 example is a
valid codebook with a field of every type and scope, and the `codebook update` lines,
with the mapping beside them, take a project coded with the default codebook to it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from annotator.core.codebook import Scope, bundled_codebook, parse_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import article_unit_id, find_unit
from annotator.core.field_values import FieldType
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from tests.core.test_readme_snippets import readme_block

DATA = Path(__file__).resolve().parents[1] / "data"


def test_the_format_2_example_is_a_codebook_with_every_type_and_scope():
    codebook = parse_codebook(json.loads(readme_block("codebook-format-2")))
    assert codebook.format == 2
    assert {f.type for f in codebook.fields} == set(FieldType)
    assert {f.scope for f in codebook.fields} == set(Scope)
    assert any(f.when is not None for f in codebook.fields)


def test_the_update_lines_take_a_default_project_to_the_example(tmp_path):
    (tmp_path / "sourcing-study.json").write_text(readme_block("codebook-format-2"), "utf-8")
    (tmp_path / "map.json").write_text(readme_block("codebook-mapping"), "utf-8")
    with Project.create(tmp_path / "study.annotator", bundled_codebook()) as project:
        import_paths(project, [DATA / "harbor-deal.txt"])
        sentence = find_unit(project, "harbor-deal#2").id
        article = article_unit_id(project, find_unit(project, "harbor-deal#2").article_id)
        coding.apply_codes(
            project,
            "alice",
            sentence,
            {
                "attribution": "anonymous_vague",
                "anonymity_reason": "reason_given",
                "claim_type": "fact",
                "confidence": "high",
            },
        )
        coding.apply_codes(
            project,
            "alice",
            article,
            {"story_type": "news", "anonymity_policy": "policy_explained"},
        )
    bin_dir = str(Path(sys.executable).parent)  # where `annotator` is installed with Python
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    refused = subprocess.run(
        ["annotator", "codebook", "update", "study.annotator", "sourcing-study.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2 and "refused" in refused.stderr

    script = "set -e\n" + readme_block("codebook-update")
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "dry run: nothing written" in result.stdout
    assert "now Sourcing study 1" in result.stdout
    with Project.open(tmp_path / "study.annotator") as project:
        assert project.codebook.name == "Sourcing study"
        assert coding.unit_codes(project, "alice", sentence) == {
            "attribution": "anonymous_generic",
            "anonymity_reason": "reason_given",
        }
        assert coding.unit_codes(project, "alice", article) == {"story_type": "news"}
