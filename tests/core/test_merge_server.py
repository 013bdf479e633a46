"""Merging from a team server (issue 6): a server project is a merge source like a file,
read in one consistent transaction, and a project is never merged into itself."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from annotator.cli import main
from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store import transfer
from annotator.core.store.location import display_location
from annotator.core.store.project import Project
from annotator.core.supervision.merge import merge_project
from annotator.core.supervision.merge_source import MergeRefused
from annotator.core.team import roles
from tests.conftest import SAMPLE_TEXTS
from tests.core.test_team import as_role, drop_database_and_roles

pytestmark = pytest.mark.postgres


def server_source(url: str) -> dict[int, dict[str, str]]:
    """The samples on the server, with some of ana's codes and a note; her codes by unit key."""
    with Project.create(url, bundled_codebook()) as project:
        assert not import_paths(project, SAMPLE_TEXTS).failures
        units = [u for u in list_units(project) if project.codebook.needs_coding(u.kind)][:4]
        for unit in units:
            coding.apply_codes(project, "ana", unit.id, {"attribution": "unattributed"})
        coding.apply_codes(project, "ana", units[0].id, {"attribution": "named_person"})
        coding.set_note(project, "ana", units[1].id, "check the wire copy")
        return {u.key: coding.coder_codes(project, "ana")[u.id] for u in units}


def codes_by_key(project: Project, coder: str) -> dict[str, dict[str, str]]:
    keys = {u.id: u.key for u in list_units(project)}
    return {keys[unit]: codes for unit, codes in coding.coder_codes(project, coder).items()}


def test_a_server_project_merges_into_a_file_with_its_history(new_database, tmp_path):
    expected = server_source(new_database)
    target_path = tmp_path / "supervisor.annotator"
    with Project.create(target_path, bundled_codebook()) as target:
        report = merge_project(target, new_database)
        assert codes_by_key(target, "ana") == expected
        assert sorted(coding.coder_notes(target, "ana").values()) == ["check the wire copy"]
        first = next(u for u in list_units(target) if u.key == next(iter(expected)))
        assert [h.new for h in coding.unit_history(target, first.id)] == [
            "unattributed",
            "named_person",
        ]
    assert report.changed and not report.conflicts
    assert report.source == display_location(new_database)


def test_the_command_line_merges_from_a_url(new_database, tmp_path, capsys):
    expected = server_source(new_database)
    target_path = tmp_path / "supervisor.annotator"
    Project.create(target_path, bundled_codebook()).close()
    assert main(["merge", str(target_path), new_database]) == 0
    assert "merged" in capsys.readouterr().out
    with Project.open(target_path) as target:
        assert codes_by_key(target, "ana") == expected
    assert main(["merge", str(target_path), new_database]) == 0  # again: nothing new
    assert "nothing new" in capsys.readouterr().out


def test_a_server_project_is_not_merged_into_itself(new_database):
    server_source(new_database)
    with Project.open(new_database) as target, pytest.raises(MergeRefused, match="itself"):
        merge_project(target, new_database)


def test_a_coder_merges_her_offline_copy_back_into_the_team_project(new_database, tmp_path):
    """A team member may make no temporary tables on the server (team.roles), so a merge
    into a server sends the rows it joins as arrays: a coder's own work, pulled and coded
    offline, merges back under her own role."""
    with Project.create(new_database, bundled_codebook()) as project:
        assert not import_paths(project, SAMPLE_TEXTS).failures
    alice = "alice_" + make_url(new_database).database[-12:]
    roles.add_member(new_database, alice, "pw-a")
    try:
        url = as_role(new_database, alice)
        offline = tmp_path / "offline.annotator"
        transfer.pull(url, offline)
        with Project.open(offline) as copy:
            unit = list_units(copy)[1]
            coding.code_unit(copy, alice, unit.id, "attribution", "named_person")
            coding.set_note(copy, alice, unit.id, "checked on the train")
        with Project.open(url) as server:
            report = merge_project(server, offline)
            assert (report.codes_added, report.notes_added, report.skipped) == (1, 1, [])
            assert codes_by_key(server, alice) == {unit.key: {"attribution": "named_person"}}
    finally:
        drop_database_and_roles(new_database, alice)
