"""A codebook change in words: what differs between two codebooks, one line each.

The lines a codebook update lists before it writes anything (coding.codebook_update,
`annotator codebook update`, File > Update codebook…): fields added or removed,
categories added, removed or renamed (same code, new label), and each field's type,
scope, level, condition, limits and keys. Pure: it reads the two codebooks only.
"""

from __future__ import annotations

from collections.abc import Iterator

from annotator.core.codebook import Codebook, CodebookField
from annotator.core.conditions import describe
from annotator.core.field_values import FieldType


def codebook_changes(current: Codebook, new: Codebook) -> list[str]:
    """Every change from `current` to `new` that matters to codes and coders, one line each."""
    lines = [
        f"{what}: {getattr(current, what)} → {getattr(new, what)}"
        for what in ("name", "version", "format")
        if getattr(current, what) != getattr(new, what)
    ]
    old_fields = {f.key: f for f in current.fields}
    new_keys = {f.key for f in new.fields}
    lines += [
        f"field added: {f.key} ({_described(f)})" for f in new.fields if f.key not in old_fields
    ]
    lines += [f"field removed: {f.key}" for f in current.fields if f.key not in new_keys]
    for field_ in new.fields:
        if field_.key in old_fields:
            lines += _field_changes(old_fields[field_.key], field_, new)
    if current.to_json() != new.to_json() and len(lines) == sum(
        line.startswith(("name:", "version:")) for line in lines
    ):
        lines.append("texts changed (descriptions, definitions or examples)")
    return lines


def _described(field_: CodebookField) -> str:
    parts = [field_.scope.value, field_.type.value]
    if field_.has_categories:
        parts.append(f"{len(field_.categories)} codes")
    if field_.when is not None:
        parts.append(f"when {describe(field_.when)}")
    return ", ".join(parts)


def _field_changes(old: CodebookField, new: CodebookField, book: Codebook) -> Iterator[str]:
    key = new.key
    for what in ("type", "scope", "level", "required", "group", "minimum", "maximum", "integer"):
        before, after = getattr(old, what), getattr(new, what)
        if before != after:
            yield f"{what} changed: {key} {_shown(before)} → {_shown(after)}"
    if (old.type is FieldType.TEXT or new.type is FieldType.TEXT) and (
        old.max_length != new.max_length
    ):
        yield f"max_length changed: {key} {old.max_length} → {new.max_length}"
    if old.when != new.when:
        labels = {f.key: f.label for f in book.fields}
        before = describe(old.when, labels) if old.when else "always asked"
        after = describe(new.when, labels) if new.when else "always asked"
        yield f"condition changed: {key}: {before} → {after}"
    if old.label != new.label:
        yield f"field renamed: {key} {old.label!r} → {new.label!r}"
    yield from _category_changes(old, new)


def _category_changes(old: CodebookField, new: CodebookField) -> Iterator[str]:
    key = new.key
    for category in new.categories:
        before = old.category(category.code)
        if before is None:
            yield f"category added: {key}.{category.code} {category.label!r}"
            continue
        if before.label != category.label:
            yield f"category renamed: {key}.{category.code} {before.label!r} → {category.label!r}"
        name = f"{key}.{category.code}"
        if before.value != category.value and new.type is FieldType.SINGLE:
            yield f"category value changed: {name} {before.number:g} → {category.number:g}"
        if before.shortcut != category.shortcut:
            yield f"key changed: {name} {_shown(before.shortcut)} → {_shown(category.shortcut)}"
    for category in old.categories:
        if new.category(category.code) is None:
            yield f"category removed: {key}.{category.code} {category.label!r}"


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
