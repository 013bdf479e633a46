"""`annotator sources --coder consensus`: the supervisor's adjudication of sources on the
command line, behind the passphrase."""

from __future__ import annotations

import pytest

from annotator.cli import main
from annotator.core.codebook import bundled_codebook
from annotator.core.coding import sources_service as sources
from annotator.core.coding.lookups import find_unit
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision.landing import ENVIRONMENT
from annotator.core.supervision.passphrase import set_supervisor_passphrase
from tests.conftest import SAMPLE_TEXTS
from tests.core.test_source_agreement import HAND_WORKED, write_lists


@pytest.fixture
def coded(project_location):
    location = project_location("sources.annotator")
    with Project.create(location, bundled_codebook()) as project:
        assert not import_paths(project, SAMPLE_TEXTS).failures
        write_lists(project, HAND_WORKED)
    return str(location)


def consensus(location) -> list[tuple[str, dict[str, str]]]:
    with Project.open(location) as project:
        article = find_unit(project, "border-talks#1").article_id
        return [(s.label, s.codes) for s in sources.read_list(project, article, CONSENSUS).sources]


def run(capsys, *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["sources", *argv])
    return code, capsys.readouterr().err


def test_the_consensus_is_taken_coded_and_replaced_on_the_command_line(coded, capsys):
    base = [coded, "--article", "border-talks", "--coder", CONSENSUS]
    assert run(capsys, *base, "--take", "bob", "An aide") == (0, "")
    assert consensus(coded) == [("An aide", {"named_or_anonymous": "named"})]
    assert run(capsys, *base, "--code", "An aide", "named_or_anonymous=anonymous")[0] == 0
    assert consensus(coded) == [("An aide", {"named_or_anonymous": "anonymous"})]
    assert run(capsys, *base, "--take", "alice", "Aide")[0] == 0  # same row: replaced
    assert consensus(coded) == [("Aide", {"named_or_anonymous": "anonymous"})]
    code, err = run(
        capsys, coded, "--article", "border-talks", "--coder", "alice", "--take", "bob", "Observers"
    )
    assert code != 0 and "--take writes the consensus" in err


def test_a_wrong_passphrase_changes_nothing(coded, capsys, monkeypatch):
    with Project.open(coded) as project:
        set_supervisor_passphrase(project, "harbour lights")
    monkeypatch.setenv(ENVIRONMENT, "guess")
    argv = [coded, "--article", "border-talks", "--coder", CONSENSUS, "--take", "bob", "An aide"]
    code, err = run(capsys, *argv)
    assert code != 0 and "wrong supervisor passphrase" in err
    assert consensus(coded) == []
    monkeypatch.setenv(ENVIRONMENT, "harbour lights")
    assert run(capsys, *argv)[0] == 0
    assert [label for label, _ in consensus(coded)] == ["An aide"]
