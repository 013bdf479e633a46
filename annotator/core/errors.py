"""Errors that reach the user as one clear line, never as a traceback."""

from __future__ import annotations


class AnnotatorError(Exception):
    """A problem the user can act on; its message is shown as it is, on one line."""


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
