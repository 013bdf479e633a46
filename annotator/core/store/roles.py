"""Who a coder is in a project: the roles stored in `coder.role`, defined once.

A coder codes blind; a supervisor reviews and adjudicates; the consensus is a coder
of its own (named `CONSENSUS`, with the role `Role.CONSENSUS`) whose codes are the
adjudicated version, kept beside the coders' codes and out of agreement statistics.
The suggester is a coder of its own too (`SUGGESTER`, role `Role.MACHINE`): a machine,
measured against the humans like any coder.
Training against a gold standard stays outside the study: the gold is a coder of its
own (`GOLD`, role `Role.GOLD`), and a coder's training codes are stored under a derived
name (`alice~training`, role `Role.TRAINING`), so agreement, adjudication, progress and
exports leave both out by role (`OUTSIDE_THE_STUDY`) and no migration was needed.
A drift re-check is kept out the same way: a coder's re-check codes of units they coded
before are stored under `alice~recheck` (role `Role.RECHECK`), compared with her
original codes by `study.drift`, never counted as a second coder of the study.
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
    GOLD = "gold"
    TRAINING = "training"
    RECHECK = "recheck"


CONSENSUS = "consensus"
"""The consensus coder's name."""

SUGGESTER = "suggester"
"""The machine coder's name: `annotator suggest` stores its suggestions as this coder's
codes (role `Role.MACHINE`), so agreement compares it with the human coders."""

GOLD = "gold"
"""The gold standard's name: `annotator gold` copies the consensus's or a supervisor's
codes of the gold articles to it (role `Role.GOLD`)."""

TRAINING_SUFFIX = "~training"
"""What a coder's name takes to name their training codes: `alice~training`."""

RECHECK_SUFFIX = "~recheck"
"""What a coder's name takes to name their drift re-check codes: `alice~recheck`."""

DERIVED_SUFFIXES = {TRAINING_SUFFIX: Role.TRAINING, RECHECK_SUFFIX: Role.RECHECK}
"""The suffixes that make a coder's second identity, with that identity's role."""

OUTSIDE_THE_STUDY = frozenset({Role.GOLD, Role.TRAINING, Role.RECHECK})
"""The roles whose codes never count in agreement, adjudication, progress or exports."""


def training_name(coder: str) -> str:
    """The coder name a coder's training codes are stored under."""
    return f"{coder.strip()}{TRAINING_SUFFIX}"


def recheck_name(coder: str) -> str:
    """The coder name a coder's drift re-check codes are stored under."""
    return f"{coder.strip()}{RECHECK_SUFFIX}"


def derived_suffix(name: str) -> str | None:
    """The suffix (`~training`, `~recheck`) that makes `name` a second identity, or None."""
    return next((suffix for suffix in DERIVED_SUFFIXES if name.endswith(suffix)), None)


def reserved_role(name: str) -> Role | None:
    """The role a reserved name must have (the consensus, the suggester, the gold, a
    training or re-check identity), or None for a name anyone may take."""
    if (suffix := derived_suffix(name)) is not None:
        return DERIVED_SUFFIXES[suffix]
    return {CONSENSUS: Role.CONSENSUS, SUGGESTER: Role.MACHINE, GOLD: Role.GOLD}.get(name)
