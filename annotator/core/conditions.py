"""`when`: a codebook field that is asked only after certain answers to other fields.

A condition is a tree: a leaf names a choice field and the codes that make it hold
(`{"field": "attribution", "in": ["anonymous_specific", "anonymous_generic"]}`), and
`{"all": [...]}` / `{"any": [...]}` combine conditions. It looks only at fields of the
same scope (a unit field's condition at the same unit's codes, an article field's at
the article's), so whether a field applies is decided by one set of codes, the same
in the window, the write path, the exports and agreement.

A field whose condition does not hold is not asked and not required, and its code is
"not applicable", kept apart from "not coded" in every export. A leaf on a field that
itself does not apply does not hold: a chain of conditions switches off together.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from annotator.core.field_values import choices

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"


class FieldIn(BaseModel):
    """Holds when the field's code (or one of a multiple choice's codes) is listed."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    field: Annotated[str, Field(pattern=KEY_PATTERN)]
    codes: Annotated[list[str], Field(alias="in", min_length=1)]

    def holds(self, codes: Mapping[str, str]) -> bool:
        return bool(set(choices(codes.get(self.field))) & set(self.codes))


class AllOf(BaseModel):
    """Holds when every condition listed holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    all: Annotated[list[Condition], Field(min_length=1)]

    def holds(self, codes: Mapping[str, str]) -> bool:
        return all(condition.holds(codes) for condition in self.all)


class AnyOf(BaseModel):
    """Holds when at least one condition listed holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    any: Annotated[list[Condition], Field(min_length=1)]

    def holds(self, codes: Mapping[str, str]) -> bool:
        return any(condition.holds(codes) for condition in self.any)


Condition = FieldIn | AllOf | AnyOf
AllOf.model_rebuild()
AnyOf.model_rebuild()


def leaves(condition: Condition) -> Iterator[FieldIn]:
    """Every `field in codes` test of a condition."""
    if isinstance(condition, FieldIn):
        yield condition
        return
    for part in condition.all if isinstance(condition, AllOf) else condition.any:
        yield from leaves(part)


def describe(condition: Condition, labels: Mapping[str, str] | None = None) -> str:
    """The condition in words, for the coding panel and the codebook reference."""
    labels = labels or {}
    if isinstance(condition, FieldIn):
        name = labels.get(condition.field, condition.field)
        return f"{name} is {' or '.join(condition.codes)}"
    parts = condition.all if isinstance(condition, AllOf) else condition.any
    joiner = " and " if isinstance(condition, AllOf) else " or "
    return joiner.join(f"({describe(part, labels)})" for part in parts)
