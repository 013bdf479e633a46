"""The project's coder names, and names that only look new.

"Bob" and "bob" are one person to the people on a team and two coders to the
database: their codes would be split, and agreement would count one person twice.
Whoever asks for a coder's name (the window's prompt) offers the existing names and,
with `lookalike`, warns about a typed name that differs from one of them only by
letter case or spaces.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import col, select

from annotator.core.store.models import Coder
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, SUGGESTER, Role


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
