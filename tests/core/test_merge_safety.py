"""A merge only reads its sources, never changes the consensus, changes codes the target
holds only when told to, and leaves nothing in the temporary folder (issue 21)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from annotator import cli
from annotator.core.coding import service as coding
from annotator.core.store.models import Coder
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision import adjudication, merge_source
from annotator.core.supervision.merge import merge_project
from annotator.core.supervision.merge_report import KEPT_CONSENSUS, KEPT_HELD, KEPT_SOURCE
from tests.core.test_merge import HARBOR, make_project, sentences


@pytest.fixture
def target(tmp_path):
    """The project merged into (a file: these tests look at files beside the projects)."""
    with make_project(tmp_path / "target.annotator", [HARBOR]) as project:
        yield project


@pytest.fixture
def pair(target, tmp_path):
    """The target and a coder's laptop copy of the same article, both coded by ann."""
    laptop = make_project(tmp_path / "laptop.annotator", [HARBOR])
    first, first_l = sentences(target, "harbor-deal")[0], sentences(laptop, "harbor-deal")[0]
    coding.code_unit(target, "ann", first, "attribution", "named_person")
    coding.code_unit(laptop, "ann", first_l, "attribution", "anonymous_vague")  # newer
    yield target, laptop, first, first_l
    laptop.close()


def test_a_newer_change_to_a_held_code_waits_for_acceptance(pair):
    target, laptop, first, _ = pair
    report = merge_project(target, laptop.path)
    assert [(c.source_value, c.kept) for c in report.conflicts] == [("anonymous_vague", KEPT_HELD)]
    assert report.held == report.conflicts and report.codes_updated == 0
    assert coding.coder_codes(target, "ann") == {first: {"attribution": "named_person"}}
    report = merge_project(target, laptop.path, accept_changes=True)
    assert [c.kept for c in report.conflicts] == [KEPT_SOURCE]
    assert coding.coder_codes(target, "ann") == {first: {"attribution": "anonymous_vague"}}


def test_the_command_line_lists_held_changes_and_takes_them_with_a_flag(pair, capsys):
    target, laptop, first, _ = pair
    argv = ["merge", str(target.path), str(laptop.path)]
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    assert "theirs is newer (--accept-changes takes it)" in out
    assert "merge again with --accept-changes" in err
    assert coding.coder_codes(target, "ann")[first] == {"attribution": "named_person"}
    assert cli.main([*argv, "--accept-changes"]) == 0
    assert coding.coder_codes(target, "ann")[first] == {"attribution": "anonymous_vague"}


def test_a_cleared_code_is_not_removed_without_acceptance(pair):
    target, laptop, first, first_l = pair
    coding.code_unit(laptop, "ann", first_l, "attribution", None)
    report = merge_project(target, laptop.path)
    assert [(c.source_value, c.kept) for c in report.conflicts] == [(None, KEPT_HELD)]
    assert report.codes_removed == 0
    assert coding.coder_codes(target, "ann") == {first: {"attribution": "named_person"}}


def test_a_merge_never_changes_the_targets_consensus(target, tmp_path):
    """Neither a coder's file with a made-up `consensus` coder nor a newer genuine
    consensus in another file replaces the supervisor's adjudication."""
    first = sentences(target, "harbor-deal")[0]
    adjudication.adjudicate(target, first, "attribution", "named_person")
    faked = make_project(tmp_path / "faked.annotator", [HARBOR])
    with faked.writing() as session:  # as an older version let `code --coder consensus` do
        session.add(Coder(name=CONSENSUS, role="coder"))
    unit = sentences(faked, "harbor-deal")[0]
    with coding.writing(faked, origin="command line", reserved=CONSENSUS) as writer:
        writer.set_codes(CONSENSUS, unit, {"attribution": "unattributed", "claim_type": "fact"})
    report = merge_project(target, faked.path, accept_changes=True)
    assert {(s.coder, s.value) for s in report.skipped} == {
        (CONSENSUS, "unattributed"),
        (CONSENSUS, "fact"),
    }
    assert "is not the reserved coder" in report.skipped[0].reason
    genuine = make_project(tmp_path / "genuine.annotator", [HARBOR])
    adjudication.adjudicate(
        genuine, sentences(genuine, "harbor-deal")[0], "attribution", "unattributed"
    )
    report = merge_project(target, genuine.path, accept_changes=True)
    assert [c.kept for c in report.conflicts] == [KEPT_CONSENSUS]
    assert coding.coder_codes(target, CONSENSUS) == {first: {"attribution": "named_person"}}
    faked.close()
    genuine.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_source_with_a_left_over_wal_is_only_read(target, tmp_path):
    """A coder's program that died left codes in the source's -wal: the merge reads them
    without checkpointing the -wal into the file or deleting it."""
    source = tmp_path / "coder.annotator"
    make_project(source, [HARBOR]).close()
    unit = sentences(target, "harbor-deal")[0]
    crash = f"""
import os, sqlite3
db = sqlite3.connect({str(source)!r}, isolation_level=None)
db.execute("PRAGMA wal_autocheckpoint = 0")
db.execute("INSERT INTO coder (name, role, created_at) VALUES ('zed', 'coder', '2026-01-01')")
db.execute("INSERT INTO code (unit_id, coder_id, field, code, coded_at, codebook_version_id) "
           "SELECT {unit}, id, 'claim_type', 'fact', '2026-01-01', 1 FROM coder WHERE name = 'zed'")
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", crash], check=True)
    wal = Path(f"{source}-wal")
    assert wal.stat().st_size > 0
    before = (_digest(source), _digest(wal))
    report = merge_project(target, source)
    assert report.coders_added == ["zed"]
    assert coding.coder_codes(target, "zed") == {unit: {"claim_type": "fact"}}
    assert (_digest(source), _digest(wal)) == before


def test_snapshots_of_killed_merges_are_removed_and_running_ones_kept(tmp_path):
    stale = tmp_path / f"{merge_source.SNAPSHOT_PREFIX}killed"
    stale.mkdir()
    (stale / "in-use").touch()
    (stale / "source.annotator").write_bytes(b"a full copy of a coder's project")
    bare = tmp_path / f"{merge_source.SNAPSHOT_PREFIX}killed-before-marking"
    bare.mkdir()
    os.utime(bare, (1, 1))  # long ago
    being_made = tmp_path / f"{merge_source.SNAPSHOT_PREFIX}just-made"
    being_made.mkdir()  # by a merge that has not marked it yet
    running = tmp_path / f"{merge_source.SNAPSHOT_PREFIX}running"
    running.mkdir()
    unrelated = tmp_path / "annotator-other"
    unrelated.mkdir()
    with (running / "in-use").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        removed = merge_source.remove_stale_snapshots(tmp_path)
    assert sorted(removed) == sorted([stale, bare])
    assert not stale.exists() and not bare.exists()
    assert running.exists() and unrelated.exists() and being_made.exists()


def test_a_merge_cleans_up_after_a_killed_one_and_after_itself(pair, tmp_path, monkeypatch):
    target, laptop, _, _ = pair
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    killed = temp / f"{merge_source.SNAPSHOT_PREFIX}abc123"
    killed.mkdir()
    (killed / "in-use").touch()
    (killed / "source.annotator").write_bytes(b"left by a merge that was killed")
    merge_project(target, laptop.path)
    assert list(temp.iterdir()) == []


def test_the_folder_of_a_merge_killed_while_copying_is_removed(target, tmp_path):
    """A merge process killed (SIGKILL) with its copy made: the lock dies with it."""
    source = tmp_path / "coder.annotator"
    make_project(source, [HARBOR]).close()
    temp = tmp_path / "temp"
    temp.mkdir()
    killed = f"""
import os, signal, tempfile
tempfile.tempdir = {str(temp)!r}
from annotator.core.supervision import merge_source
with merge_source.snapshot(__import__("pathlib").Path({str(source)!r})):
    os.kill(os.getpid(), signal.SIGKILL)
"""
    done = subprocess.run([sys.executable, "-c", killed], check=False)
    assert done.returncode == -9
    (left,) = temp.iterdir()
    assert (left / "source.annotator").stat().st_size > 0  # a full copy was left
    assert merge_source.remove_stale_snapshots(temp) == [left]
    assert list(temp.iterdir()) == []
