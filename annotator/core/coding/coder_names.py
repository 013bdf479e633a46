"""The project's coder names, names that only look new, and names that cannot be new.

"Bob" and "bob" are one person to the people on a team and two coders to the
database: their codes would be split, and agreement would count one person twice.
Whoever asks for a coder's name (the window's prompt) offers the existing names and,
with `lookalike`, warns about a typed name that differs from one of them only by
letter case or spaces.

Three names are reserved (`RESERVED_NAMES`): the consensus, written only by the supervisor's
adjudication, the suggester, written only by `annotator suggest`, and the gold standard,
written only by `annotator gold`; so is every name ending in `~training` (a coder's training
codes, written only by training mode) or `~recheck` (a coder's drift re-check codes). The
coding service refuses everyone else (`reserved_why`). A new name may not hold control,
bidi or zero-width characters (`new_name_problem`): printed, they would hide or reorder what
a report or a terminal shows. Names stored before that rule are escaped wherever they are printed
(`printable_name`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sqlmodel import col, select

from annotator.core.store.models import Coder
from annotator.core.store.project import Project
from annotator.core.store.roles import (
    CONSENSUS,
    GOLD,
    OUTSIDE_THE_STUDY,
    RECHECK_SUFFIX,
    SUGGESTER,
    TRAINING_SUFFIX,
    Role,
    derived_suffix,
)

RESERVED_NAMES = {
    CONSENSUS: "the consensus is written only by the supervisor's adjudication",
    SUGGESTER: "the suggester's codes are written only by `annotator suggest`",
    GOLD: "the gold standard is written only by `annotator gold`",
}
TRAINING_WHY = "training codes are written only in training mode"
RECHECK_WHY = "re-check codes are written only when a coder codes a scheduled re-check"
DERIVED_WHY = {TRAINING_SUFFIX: TRAINING_WHY, RECHECK_SUFFIX: RECHECK_WHY}
# Unicode categories that print as nothing, or change how what follows prints: controls
# (Cc: new lines, escapes), formats (Cf: bidi overrides and isolates, zero-width spaces and
# joiners, the byte order mark), line and paragraph separators, surrogates and unassigned.
_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def known_coders(project: Project) -> list[str]:
    """The names of the project's people (coders and supervisors), sorted case-blind;
    the consensus and the machine coder are not people to code as."""
    with project.reading() as session:
        names = session.exec(
            select(Coder.name).where(
                col(Coder.role).in_([Role.CODER, Role.SUPERVISOR]),
                col(Coder.name).not_in([CONSENSUS, SUGGESTER]),
            )
        ).all()
    return sorted(names, key=lambda name: (name.casefold(), name))


def study_coders(project: Project) -> list[str]:
    """Every coder whose codes an export may hold (the consensus and the machine included),
    sorted: the gold and training identities are not the study's."""
    with project.reading() as session:
        names = session.exec(
            select(Coder.name).where(col(Coder.role).not_in(list(OUTSIDE_THE_STUDY)))
        ).all()
    return sorted(names)


def name_key(name: str) -> str:
    """What two names must share to be taken for the same person: their letters, with
    case and all white space ignored ("Mary Ann", "maryann " and "MARY  ANN" share one)."""
    return "".join(name.split()).casefold()


def lookalike(name: str, known: Iterable[str]) -> str | None:
    """The existing name that ``name`` differs from only by case or spaces, or None (also
    when ``name`` is itself an existing name, exactly as typed once trimmed)."""
    typed = name.strip()
    names = list(known)
    if not typed or typed in names:
        return None
    key = name_key(typed)
    return next((existing for existing in names if name_key(existing) == key), None)


def lookalike_warning(name: str, known: Iterable[str]) -> str | None:
    """One line for the prompt: "'bob' looks like existing coder 'Bob': use 'Bob'?"."""
    existing = lookalike(name, known)
    if existing is None:
        return None
    return f"'{name.strip()}' looks like existing coder '{existing}': use '{existing}'?"


def new_name_problem(name: str) -> str | None:
    """Why `name` cannot be a new coder's name, or None: hidden characters, or a name that
    passes for a reserved one ("Consensus ")."""
    if any(unicodedata.category(char) in _HIDDEN for char in name):
        return "has control, bidi or zero-width characters"
    key = name_key(name)
    if (suffix := derived_suffix(key)) is not None:
        return f"ends in {suffix!r} ({DERIVED_WHY[suffix]})"
    for reserved, why in RESERVED_NAMES.items():
        if key == name_key(reserved):
            return f"looks like the reserved name {reserved!r} ({why})"
    return None


def reserved_why(name: str) -> str | None:
    """Why only a writer made for `name` may write as it (a reserved name, a training
    or re-check identity), or None for an ordinary name."""
    if (suffix := derived_suffix(name)) is not None:
        return DERIVED_WHY[suffix]
    return RESERVED_NAMES.get(name)


def printable_name(text: str) -> str:
    """`text` with every hidden character written as its escape (\\u202e), so a name stored
    before the rule prints as what it is; other text is returned as it is."""
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    if unicodedata.category(char) not in _HIDDEN:
        return char
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"
