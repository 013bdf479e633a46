"""Codes are checked against the codebook by the database, and readers skip the ones that
fail, with a count (issue 14): one code written around the app must not break a field's
agreement, reach an export or turn up in adjudication."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from annotator.core.agreement.from_project import project_agreement
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.errors import ProjectError
from annotator.core.export import ExportOptions, export, export_csv_stream
from annotator.core.store.project import Project
from annotator.core.supervision.adjudication import list_disagreements
from tests.conftest import run_annotator

pytestmark = pytest.mark.sqlite_only  # raw sqlite3 on the file; the server's own test is below


def _coded(project: Project) -> list[int]:
    """Ann and Bob code the same eight sentences, disagreeing on two."""
    units = [u.id for u in list_units(project) if u.kind == "sentence"][:8]
    for i, unit_id in enumerate(units):
        coding.apply_codes(project, "ann", unit_id, {"attribution": "named_person"})
        bob = "anonymous_vague" if i in (2, 5) else "named_person"
        coding.apply_codes(project, "bob", unit_id, {"attribution": bob})
    return units


def _raw_insert(path, unit_id: int, coder: str, code: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id, coded_at)"
            " SELECT ?, id, 'attribution', ?, 1, '2026-12-01 10:00:00' FROM coder WHERE name = ?",
            (unit_id, code, coder),
        )
    connection.close()


def test_a_raw_insert_of_a_code_not_in_the_codebook_is_refused(sample_project):
    units = _coded(sample_project)
    sample_project.close()
    with pytest.raises(sqlite3.IntegrityError, match="not in the project's codebook"):
        _raw_insert(sample_project.path, units[-1] + 1, "ann", '=HYPERLINK("http://x")')
    with sqlite3.connect(sample_project.path) as connection:
        with pytest.raises(sqlite3.IntegrityError, match="not in the project's codebook"):
            connection.execute("UPDATE code SET code = 'made_up' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="not in the project's codebook"):
            connection.execute("UPDATE code SET field = 'no_such_field' WHERE id = 1")
        connection.execute("UPDATE code SET code = 'anonymous_vague' WHERE id = 1")  # valid: fine
    connection.close()


def test_the_app_cannot_store_one_either(sample_project):
    """Below the coding service's own check: a write that goes around it still fails."""
    from annotator.core.store.models import Code

    _coded(sample_project)
    with (
        pytest.raises(ProjectError, match="not in the project's codebook"),
        sample_project.writing() as session,
    ):
        code = session.get(Code, 1)
        code.code = "made_up"
        session.add(code)


@pytest.fixture
def old_project_with_a_bad_code(sample_project):
    """A project whose file holds an invalid code, as one made before the check may
    (written here with the trigger dropped)."""
    units = _coded(sample_project)
    before = project_agreement(sample_project, ["attribution"], bootstrap_samples=0)
    sample_project.close()
    with sqlite3.connect(sample_project.path) as connection:
        connection.execute("DROP TRIGGER code_in_codebook_on_insert")
    connection.close()
    with sqlite3.connect(sample_project.path) as connection:
        connection.execute(
            "INSERT INTO coder (name, role, created_at) VALUES ('cat', 'coder', '2026-12-01')"
        )
    connection.close()
    # on a unit where ann and bob agree: counted, it would be a disagreement and a third coder
    _raw_insert(sample_project.path, units[0], "cat", '=HYPERLINK("http://evil")')
    with Project.open(sample_project.path) as project:
        yield project, before


def test_agreement_skips_and_counts_the_bad_code(old_project_with_a_bad_code):
    project, before = old_project_with_a_bad_code
    after = project_agreement(project, ["attribution"], bootstrap_samples=0)
    assert after.skipped.message() == (
        "skipped 1 code not in the codebook: coder cat, field attribution"
    )
    assert after.to_dict()["skipped_codes"] == [
        {"coder": "cat", "field": "attribution", "count": 1}
    ]
    ours, theirs = after.fields["attribution"], before.fields["attribution"]
    assert ours.n_units == theirs.n_units == 8 and ours.coders == theirs.coders
    assert ours.krippendorff_alpha.value == pytest.approx(theirs.krippendorff_alpha.value)
    assert ours.percent_agreement.value == pytest.approx(0.75)


def test_the_command_line_says_what_it_skipped(old_project_with_a_bad_code):
    project, _before = old_project_with_a_bad_code
    project.close()
    result = run_annotator("agreement", str(project.path), "--field", "attribution", "--json")
    assert result.returncode == 0, result.stderr
    assert "skipped 1 code not in the codebook: coder cat, field attribution" in result.stderr
    assert json.loads(result.stdout)["skipped_codes"][0]["coder"] == "cat"
    result = run_annotator("export", str(project.path), "-o", "-")
    assert result.returncode == 0, result.stderr
    assert "skipped 1 code not in the codebook: coder cat, field attribution" in result.stderr
    assert "HYPERLINK" not in result.stdout


def test_export_leaves_the_bad_code_out_and_counts_it(old_project_with_a_bad_code, tmp_path):
    project, _before = old_project_with_a_bad_code
    stream = io.BytesIO()
    from annotator.core.coding.codebook_check import SkippedCodes

    skipped = SkippedCodes()
    export_csv_stream(project, stream, ExportOptions("long", "codes"), skipped=skipped)
    cells = [c for row in csv.reader(io.StringIO(stream.getvalue().decode())) for c in row]
    assert not any("HYPERLINK" in cell for cell in cells)
    assert skipped.total == 1
    result = export(project, tmp_path / "out.csv", ExportOptions("wide", "labels"))
    assert result.skipped.message() is not None and result.skipped.total == 1


def test_adjudication_does_not_list_the_bad_code(old_project_with_a_bad_code):
    project, _before = old_project_with_a_bad_code
    listed = list_disagreements(project, "attribution")
    assert len(listed) == 2
    assert all("HYPERLINK" not in str(d.codes) for d in listed)
