"""The supervisor passphrase on the command line: reading it, and asking for it before a
command shows other coders' codes.

In a file project every coder could run `annotator export`; where a supervisor passphrase
is set, the commands that show or export other coders' codes (`units --coder`, `export`,
`agreement` and `merge` on a project) ask for it first, as the window does. It guards
against accidents, not against someone who can read the file (see
`annotator.core.supervision.passphrase`). Scripts give it in ANNOTATOR_SUPERVISOR_PASSPHRASE
or as one line on standard input.
"""

from __future__ import annotations

import getpass
import os
import sys

from annotator.core.errors import AnnotatorError
from annotator.core.store.project import Project
from annotator.core.supervision.landing import ENVIRONMENT
from annotator.core.supervision.passphrase import (
    check_supervisor_passphrase,
    has_supervisor_passphrase,
)


def require_supervisor(project: Project, what: str, *, why: str | None = None) -> str | None:
    """Go on only with the supervisor passphrase, when the project has one; the passphrase
    given (None when the project has none and none was given in the environment). `why`
    is said when asking and when refusing (default: the command shows every coder's codes)."""
    if not has_supervisor_passphrase(project):
        return os.environ.get(ENVIRONMENT)
    why = why or f"{what} shows every coder's codes"
    given = os.environ.get(ENVIRONMENT)
    if given is None:
        given = ask_passphrase(why)
    if not check_supervisor_passphrase(project, given):
        raise AnnotatorError(f"{project.label}: wrong supervisor passphrase ({why})")
    return given


def supervisor_present(project: Project) -> bool:
    """Whether other coders' codes may be shown without asking: the project has no
    passphrase, or the right one is in the environment (a wrong one is an error). Commands
    that only show them in passing (`code` printing the code it replaced) ask this rather
    than prompting, so a coder's own scripts never wait for a passphrase they lack."""
    if not has_supervisor_passphrase(project):
        return True
    given = os.environ.get(ENVIRONMENT)
    if given is None:
        return False
    if not check_supervisor_passphrase(project, given):
        raise AnnotatorError(f"{project.label}: wrong supervisor passphrase in {ENVIRONMENT}")
    return True


def ask_passphrase(why: str) -> str:
    """The passphrase from the terminal (or one line of a pipe), saying why it is asked."""
    return PassphraseReader().read(f"Supervisor passphrase ({why}): ")


class PassphraseReader:
    """Passphrases from the terminal without echo, or one per line from a pipe (scripts)."""

    def __init__(self) -> None:
        self.interactive = sys.stdin.isatty()

    def read(self, prompt: str, *, confirm: bool = False) -> str:
        if not self.interactive:
            line = sys.stdin.readline()
            if not line:
                raise AnnotatorError("expected a passphrase on standard input")
            return line.rstrip("\r\n")
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Again: ") != first:
            raise AnnotatorError("the two passphrases differ; nothing changed")
        return first
