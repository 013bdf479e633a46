"""Who a coder is in a project: the roles stored in `coder.role`, defined once.

A coder codes blind; a supervisor reviews and adjudicates; the consensus is a coder
of its own (named `CONSENSUS`, with the role `Role.CONSENSUS`) whose codes are the
adjudicated version, kept beside the coders' codes and out of agreement statistics.
The suggester is a coder of its own too (`SUGGESTER`, role `Role.MACHINE`): a machine,
measured against the humans like any coder.
The same strings name the PostgreSQL roles' kind in team projects (`core.team`).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The value of `coder.role` (and the kind of a team member)."""

    CODER = "coder"
    SUPERVISOR = "supervisor"
    CONSENSUS = "consensus"
    MACHINE = "machine"


CONSENSUS = "consensus"
"""The consensus coder's name."""

SUGGESTER = "suggester"
"""The machine coder's name: `annotator suggest` stores its suggestions as this coder's
codes (role `Role.MACHINE`), so agreement compares it with the human coders."""
