"""Errors that reach the user as one clear line, never as a traceback."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters shown as escapes (\\n, \\x1b),
    so a file name or a cell that holds them can neither break a message in two nor
    send terminal escape sequences."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class AnnotatorError(Exception):
    """A problem the user can act on; its message is shown on one line (see `one_line`)."""

    def __str__(self) -> str:
        return one_line(super().__str__())


class InputError(AnnotatorError):
    """Bad input: names the file (or row) and the reason, so the user knows what to fix."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class CodebookError(AnnotatorError):
    """A codebook that cannot be used; the message names the field and the problem."""


class ProjectError(AnnotatorError):
    """A project file that cannot be opened or written as asked."""


class ProjectUnavailable(ProjectError):
    """The project could not be reached for now: the server is down or unreachable, the
    connection dropped, or another process held the file's write lock too long. Nothing
    was written, and the same action may well succeed a little later, so the window keeps
    it and tries again instead of dropping it."""


class CodingError(AnnotatorError):
    """A coding action that the codebook or the unit does not allow."""
