"""The supervisor passphrase: stored as a scrypt hash, checked in constant time (issue 7)."""

from __future__ import annotations

import base64
import hashlib
import io

import pytest

from annotator import cli
from annotator.core.errors import ProjectError
from annotator.core.store.models import ProjectSetting
from annotator.core.store.project import Project
from annotator.core.supervision import passphrase

PASSPHRASE = "harbour lights 42"


def stored(project: Project) -> str:
    return project.setting(passphrase.SETTING_KEY)


def test_set_and_check(empty_project):
    assert not passphrase.has_supervisor_passphrase(empty_project)
    assert not passphrase.check_supervisor_passphrase(empty_project, PASSPHRASE)
    passphrase.set_supervisor_passphrase(empty_project, PASSPHRASE)
    assert passphrase.has_supervisor_passphrase(empty_project)
    assert passphrase.check_supervisor_passphrase(empty_project, PASSPHRASE)
    assert not passphrase.check_supervisor_passphrase(empty_project, PASSPHRASE + " ")
    assert not passphrase.check_supervisor_passphrase(empty_project, "")


@pytest.mark.sqlite_only  # reads the file bytes
def test_stored_as_a_salted_scrypt_hash_and_never_in_clear(empty_project):
    passphrase.set_supervisor_passphrase(empty_project, PASSPHRASE)
    first = stored(empty_project)
    name, n, r, p, salt, digest = first.split("$")
    assert (name, n, r, p) == ("scrypt", "16384", "8", "1")
    expected = hashlib.scrypt(
        PASSPHRASE.encode(), salt=base64.b64decode(salt), n=16384, r=8, p=1, dklen=32
    )
    assert base64.b64decode(digest) == expected
    passphrase.set_supervisor_passphrase(empty_project, PASSPHRASE)
    assert stored(empty_project) != first  # a fresh random salt each time
    empty_project.close()
    assert PASSPHRASE.encode() not in empty_project.path.read_bytes()


def test_too_short_is_refused(empty_project):
    with pytest.raises(passphrase.PassphraseError, match="at least 4 characters"):
        passphrase.set_supervisor_passphrase(empty_project, "abc")
    assert not passphrase.has_supervisor_passphrase(empty_project)


@pytest.mark.parametrize(
    "value",
    [
        "plain-text-passphrase",
        "scrypt$16384$8$1$not base64$AAAA",
        "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,  # would need 1 TiB
        "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,  # n not a power of two
    ],
)
def test_a_tampered_setting_is_a_clear_error(empty_project, value):
    with empty_project.writing() as session:
        session.merge(ProjectSetting(key=passphrase.SETTING_KEY, value=value))
    with pytest.raises(ProjectError, match="supervisor passphrase setting is damaged"):
        passphrase.check_supervisor_passphrase(empty_project, PASSPHRASE)


def test_clear(empty_project):
    passphrase.set_supervisor_passphrase(empty_project, PASSPHRASE)
    passphrase.clear_supervisor_passphrase(empty_project)
    assert not passphrase.has_supervisor_passphrase(empty_project)


def run(monkeypatch, capsys, stdin: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_command_line(empty_project, monkeypatch, capsys):
    path = str(empty_project.path)
    empty_project.close()
    assert run(monkeypatch, capsys, "first one\n", "supervisor", "set-passphrase", path)[0] == 0
    assert run(monkeypatch, capsys, "first one\n", "supervisor", "check-passphrase", path)[:2] == (
        0,
        "right\n",
    )
    assert run(monkeypatch, capsys, "First one\n", "supervisor", "check-passphrase", path)[0] == 1
    # Changing it needs the current one.
    code, _, err = run(
        monkeypatch, capsys, "guess\nmine now\n", "supervisor", "set-passphrase", path
    )
    assert code == cli.EXIT_USER_ERROR and "wrong supervisor passphrase" in err
    assert run(monkeypatch, capsys, "first one\n", "supervisor", "check-passphrase", path)[0] == 0
    code = run(monkeypatch, capsys, "first one\nsecond\n", "supervisor", "set-passphrase", path)[0]
    assert code == 0
    assert run(monkeypatch, capsys, "second\n", "supervisor", "check-passphrase", path)[0] == 0
    assert run(monkeypatch, capsys, "second\n", "supervisor", "clear-passphrase", path)[0] == 0
    code, _, err = run(monkeypatch, capsys, "", "supervisor", "check-passphrase", path)
    assert code == cli.EXIT_USER_ERROR and "no supervisor passphrase is set" in err
