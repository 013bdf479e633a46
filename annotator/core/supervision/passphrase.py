"""The supervisor passphrase: keeps coders from entering supervisor mode by accident.

In a shared file project everyone who codes can read (and write) the project file, so
this is a guard against accidents, not access control: anyone who can read the file
can copy it, and anyone who can write it can remove the passphrase. Real access control
comes with the PostgreSQL team set-up, where the database server checks who may do what.

Only a scrypt hash is stored (in `project_setting`), as
"scrypt$n$r$p$salt_b64$hash_b64", so the passphrase itself never sits in the file and a
passphrase reused elsewhere is not given away by a glance at the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.store.models import ProjectSetting
from annotator.core.store.project import Project

SETTING_KEY = "supervisor_passphrase"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_LENGTH = 4
# Bounds on parameters read back from a file, so a tampered file cannot make a check hang
# or ask for gigabytes of memory.
_MAX_MEMORY = 2**28
_MAX_P = 16


class PassphraseError(AnnotatorError):
    """A passphrase that cannot be set (too short) or a wrong current passphrase."""


def set_supervisor_passphrase(project: Project, passphrase: str) -> None:
    """Store a new passphrase's hash, replacing any earlier one."""
    if len(passphrase) < MIN_LENGTH:
        raise PassphraseError(f"the passphrase must have at least {MIN_LENGTH} characters")
    salt = os.urandom(SALT_BYTES)
    digest = _scrypt(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    value = "$".join(
        ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)]
    )
    with project.writing() as session:
        session.merge(ProjectSetting(key=SETTING_KEY, value=value))


def clear_supervisor_passphrase(project: Project) -> None:
    """Remove the passphrase; callers check the current one first."""
    with project.writing() as session:
        row = session.get(ProjectSetting, SETTING_KEY)
        if row is not None:
            session.delete(row)


def has_supervisor_passphrase(project: Project) -> bool:
    return project.setting(SETTING_KEY) is not None


def check_supervisor_passphrase(project: Project, passphrase: str) -> bool:
    """Whether `passphrase` is the supervisor's (False when none is set)."""
    stored = project.setting(SETTING_KEY)
    if stored is None:
        return False
    n, r, p, salt, expected = _parse(stored, project)
    return hmac.compare_digest(_scrypt(passphrase, salt, n, r, p, len(expected)), expected)


def _parse(stored: str, project: Project) -> tuple[int, int, int, bytes, bytes]:
    damaged = ProjectError(f"{project.path}: the supervisor passphrase setting is damaged")
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise damaged
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
    except ValueError:
        raise damaged from None
    if not (n > 1 and n & (n - 1) == 0 and r > 0 and 0 < p <= _MAX_P):
        raise damaged
    if 128 * r * (n + p + 2) > _MAX_MEMORY:
        raise damaged
    if not salt or not 16 <= len(expected) <= 64:
        raise damaged
    return n, r, p, salt, expected


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int, length: int = HASH_BYTES):
    return hashlib.scrypt(
        passphrase.encode("utf-8", "surrogatepass"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=128 * r * (n + p + 2) + 2**20,
        dklen=length,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
