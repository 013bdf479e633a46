"""Who a coder is in a project: the roles stored in `coder.role`, defined once.

A coder codes blind; a supervisor reviews and adjudicates; the consensus is a coder
of its own (named `CONSENSUS`, with the role `Role.CONSENSUS`) whose codes are the
adjudicated version, kept beside the coders' codes and out of agreement statistics.
The same strings name the PostgreSQL roles' kind in team projects (`core.team`).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The value of `coder.role` (and the kind of a team member)."""

    CODER = "coder"
    SUPERVISOR = "supervisor"
    CONSENSUS = "consensus"


CONSENSUS = "consensus"
"""The consensus coder's name."""
