"""Who opens a project as the supervisor, so the window lands in the review, not in coding.

A supervisor who opened a merged project used to get the coding window asking for a
coder name; a word typed there for a filter coded a unit, and the supervisor ("sue")
appeared in the agreement figures and the exports as a fourth coder. A supervisor is
recognised, without any name typed, by what only the supervisor has:
- in a file project, the supervisor passphrase: set in the project and given (in
  `ENVIRONMENT`, as the commands take it, or in the window's gate);
- in a team project, a database role whose coder row has the supervisor role
  (row-level security already keeps that role from writing anyone's codes but the
  consensus).
Such a supervisor lands in the review window and gets no coding window at all.
"""

from __future__ import annotations

from sqlmodel import select

from annotator.core.store.models import Coder
from annotator.core.store.project import Project
from annotator.core.store.roles import Role
from annotator.core.supervision import ENVIRONMENT
from annotator.core.supervision.passphrase import (
    check_supervisor_passphrase,
    has_supervisor_passphrase,
)

__all__ = ["ENVIRONMENT", "recognised_supervisor"]


def recognised_supervisor(project: Project, passphrase: str | None, user: str | None) -> bool:
    """Whether whoever opens `project` is its supervisor: the right passphrase given for a
    project that has one, or a team member (`user`, the database role) who is a supervisor."""
    if user is not None:
        with project.reading() as session:
            role = session.exec(select(Coder.role).where(Coder.name == user)).first()
        if role == Role.SUPERVISOR:
            return True
    if passphrase is None or not has_supervisor_passphrase(project):
        return False
    return check_supervisor_passphrase(project, passphrase)
