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
from annotator.core.supervision.passphrase import (
    check_supervisor_passphrase,
    has_supervisor_passphrase,
)

ENVIRONMENT = "ANNOTATOR_SUPERVISOR_PASSPHRASE"


def require_supervisor(project: Project, what: str) -> None:
    """Go on only with the supervisor passphrase, when the project has one."""
    if not has_supervisor_passphrase(project):
        return
    given = os.environ.get(ENVIRONMENT)
    if given is None:
        given = PassphraseReader().read(
            f"Supervisor passphrase ({what} shows every coder's codes): "
        )
    if not check_supervisor_passphrase(project, given):
        raise AnnotatorError(
            f"{project.label}: wrong supervisor passphrase ({what} shows every coder's codes)"
        )


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
