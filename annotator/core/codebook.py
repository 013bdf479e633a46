"""Codebooks: the fields a coder fills in for each unit, and their categories.

A codebook is a JSON file. Its format is defined once, here, as pydantic models:
the published JSON Schema (`annotator/resources/schemas/codebook.schema.json`) is
generated from them and a test keeps the two in sync, so the parser and the schema
cannot drift.

The bundled codebooks are package data, read with importlib.resources, so they are
found wherever the package is installed (a wheel, a pipx venv, an editable clone).
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from annotator.core.errors import CodebookError
from annotator.core.layout_columns import FIXED_COLUMNS, WIDE_SEPARATOR

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
UNIT_KINDS = ("title", "heading", "sentence", "furniture")
NEVER_CODED_KINDS = ("furniture",)  # page furniture: kept in the units, never to be coded
RESOURCES: Traversable = files("annotator") / "resources"
"""The data shipped inside the package: codebooks/, samples/, schemas/."""
BUNDLED_CODEBOOKS = {
    "source-reliability": "source-reliability.json",
    "admiralty": "admiralty.json",
}


MAX_CODEBOOK_BYTES = 5_000_000  # the bundled ones are a few kB


class Level(StrEnum):
    """Level of measurement: decides which agreement metric and export type a field gets."""

    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"


class Category(BaseModel):
    """One possible code of a field."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Annotated[str, Field(pattern=KEY_PATTERN, description="Stable identifier used in files")]
    value: float | None = Field(
        default=None,
        allow_inf_nan=False,  # NaN and infinity have no place on a scale or in a .sav
        description="Number for ordinal/interval statistics and SPSS/Stata; default: position",
    )
    label: Annotated[str, Field(min_length=1)]
    definition: str = ""
    examples: list[str] = Field(default_factory=list)
    shortcut: str | None = Field(default=None, min_length=1, max_length=1)
    outside_scale: bool = Field(
        default=False, description="Sits outside the ordinal scale, like 'cannot be judged'"
    )

    @property
    def number(self) -> float:
        """`value` as statistics and exports use it. It is always set once the category
        belongs to a field (`CodebookField` fills a missing one from the position); only
        a category on its own may lack it."""
        assert self.value is not None, f"category {self.code!r} belongs to no field"
        return self.value


class CodebookField(BaseModel):
    """A question asked of every unit, answered by choosing one category."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, Field(pattern=KEY_PATTERN)]
    label: Annotated[str, Field(min_length=1)]
    description: str = ""
    level: Level = Level.NOMINAL
    required: bool = True
    categories: Annotated[list[Category], Field(min_length=2)]

    @model_validator(mode="after")
    def _fill_values_and_check(self) -> CodebookField:
        _refuse_column_names(self.key)
        codes = [c.code for c in self.categories]
        _refuse_repeats(codes, "category code")
        _refuse_repeats([c.shortcut for c in self.categories if c.shortcut], "shortcut")
        filled = [
            c if c.value is not None else c.model_copy(update={"value": float(position)})
            for position, c in enumerate(self.categories, start=1)
        ]
        object.__setattr__(self, "categories", filled)
        _refuse_ambiguous_labels(filled)
        return self

    def category(self, code: str) -> Category | None:
        """The category with this code, or None."""
        return next((c for c in self.categories if c.code == code), None)

    def resolve(self, text: str) -> Category | None:
        """A category from its code, its label (any case) or its numeric value."""
        text = text.strip()
        for category in self.categories:
            if text == category.code or text.casefold() == category.label.casefold():
                return category
        try:
            number = float(text)
        except ValueError:
            return None
        return next((c for c in self.categories if c.value == number), None)

    def typed(self, text: str) -> Category | None:
        """A category from what a person types for it: its code, its key (the shortcut) or
        its value; None when nothing matches. A key and a value naming two different
        categories are refused rather than guessed."""
        text = text.strip()
        by_code = self.category(text)
        if by_code is not None:
            return by_code
        by_key = next((c for c in self.categories if c.shortcut == text), None)
        by_value = self.resolve(text) if _is_number(text) else None
        if by_key is not None and by_value is not None and by_key is not by_value:
            raise CodebookError(
                f"{self.key}={text}: ambiguous, key {text} is {by_key.code!r} but value "
                f"{text} is {by_value.code!r}; give the code"
            )
        return by_key or by_value

    @property
    def scale(self) -> list[Category]:
        """The categories on the ordinal scale, in order."""
        return [c for c in self.categories if not c.outside_scale]


class Codebook(BaseModel):
    """A named, versioned set of fields. Any codebook works without a schema change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1)]
    version: Annotated[str, Field(min_length=1)]
    description: str = ""
    coded_kinds: list[str] = Field(
        default_factory=lambda: ["sentence"],
        description="Unit kinds that must be coded; titles and headings are optional by default",
    )
    fields: Annotated[list[CodebookField], Field(min_length=1)]
    suggestion_rules: str | dict[str, Any] | None = Field(
        default=None,
        description="Machine suggestions: a bundled rule set's name, 'none' for no "
        "suggestions, or a rule set of its own; default: the bundled set that fits",
    )

    @model_validator(mode="after")
    def _check_across_fields(self) -> Codebook:
        _refuse_repeats([f.key for f in self.fields], "field key")
        _refuse_count_column_clashes(self.fields)
        shortcuts = [c.shortcut for f in self.fields for c in f.categories if c.shortcut]
        _refuse_repeats(shortcuts, "shortcut (across fields)")
        unknown = sorted(set(self.coded_kinds) - set(UNIT_KINDS))
        if unknown:
            raise ValueError(f"coded_kinds: unknown unit kind {unknown[0]!r}")
        never = sorted(set(self.coded_kinds) & set(NEVER_CODED_KINDS))
        if never:
            raise ValueError(f"coded_kinds: {never[0]!r} is page furniture and is never coded")
        return self

    def field(self, key: str) -> CodebookField:
        """The field with this key; a CodebookError names the missing key."""
        for candidate in self.fields:
            if candidate.key == key:
                return candidate
        known = ", ".join(f.key for f in self.fields)
        raise CodebookError(f"codebook {self.name!r} has no field {key!r} (fields: {known})")

    @cached_property
    def required_keys(self) -> tuple[str, ...]:
        """Fields a unit needs before it counts as complete."""
        return tuple(f.key for f in self.fields if f.required)

    def needs_coding(self, kind: str) -> bool:
        """Whether units of this kind are part of the coding task."""
        return kind in self.coded_kinds

    @cached_property
    def shortcuts(self) -> dict[str, tuple[str, str]]:
        """Shortcut key -> (field key, category code)."""
        return {
            c.shortcut: (f.key, c.code) for f in self.fields for c in f.categories if c.shortcut
        }

    def to_json(self) -> str:
        """Canonical JSON, as stored in a project (an unset `suggestion_rules` left out, so
        codebooks that say nothing of suggestions are stored as they always were)."""
        data = self.model_dump(mode="json")
        if data.get("suggestion_rules") is None:
            data.pop("suggestion_rules", None)
        return json.dumps(data, ensure_ascii=False, indent=2)


def _refuse_repeats(items: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"{what} {item!r} is used twice")
        seen.add(item)


def _refuse_column_names(key: str) -> None:
    """A field key makes export columns (`key`, `key__coder`, `key_code`): it may not be
    one of the export's own columns, nor leave `field__coder` open to two readings."""
    if key in FIXED_COLUMNS:
        raise ValueError(f"field key {key!r} is the name of an export column; choose another")
    if WIDE_SEPARATOR in key or key.endswith("_"):
        raise ValueError(
            f"field key {key!r} may not contain {WIDE_SEPARATOR!r} or end with '_' "
            f"(the wide export names its columns field{WIDE_SEPARATOR}coder)"
        )


def _refuse_ambiguous_labels(categories: list[Category]) -> None:
    """Imports read a cell as a code, a label (any case) or a value (`resolve`): a label
    that is another category's code, label or value would be read as the wrong category."""
    for category in categories:
        label = category.label.strip()
        for other in categories:
            if other is category:
                continue
            if label.casefold() in (other.code.casefold(), other.label.strip().casefold()):
                raise ValueError(
                    f"category {category.code!r}: label {category.label!r} is also "
                    f"category {other.code!r}'s code or label"
                )
            if _number(label) == other.value:
                raise ValueError(
                    f"category {category.code!r}: label {category.label!r} is also "
                    f"category {other.code!r}'s value"
                )


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _refuse_count_column_clashes(fields: list[CodebookField]) -> None:
    """The articles export counts each category in a column `field_code`: two categories
    of different fields may not make the same one, nor one of the export's own."""
    seen: dict[str, str] = {}
    for field in fields:
        for category in field.categories:
            name = f"{field.key}_{category.code}"
            if name in FIXED_COLUMNS:
                raise ValueError(
                    f"field {field.key!r}, category {category.code!r}: its count column "
                    f"{name!r} is the name of an export column"
                )
            if name in seen:
                raise ValueError(
                    f"field {field.key!r}, category {category.code!r}: its count column "
                    f"{name!r} is also {seen[name]}'s"
                )
            seen[name] = f"field {field.key!r}, category {category.code!r}"


def parse_codebook(data: object, source: str = "codebook") -> Codebook:
    """A Codebook from decoded JSON; errors name the field and the problem in one line."""
    try:
        return Codebook.model_validate(data)
    except ValidationError as error:
        raise CodebookError(f"{source}: {_first_problem(error, data)}") from None


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file():  # a folder, a FIFO, a device: never block
            raise CodebookError(f"{path}: not a regular file")
        if path.stat().st_size > MAX_CODEBOOK_BYTES:
            raise CodebookError(f"{path}: too large for a codebook (over 5 MB)")
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise CodebookError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CodebookError(f"{path}: not valid JSON ({_short(error)})") from None
    except RecursionError:
        raise CodebookError(f"{path}: not a codebook (JSON nested too deeply)") from None
    except OSError as error:
        raise CodebookError(f"{path}: cannot read ({error.strerror})") from None
    return parse_codebook(data, str(path))


def bundled_codebook(name: str = "source-reliability") -> Codebook:
    """One of the codebooks shipped in annotator/resources/codebooks."""
    resource = bundled_codebook_path(name)
    return parse_codebook(json.loads(resource.read_text(encoding="utf-8")), resource.name)


def bundled_codebook_path(name: str) -> Traversable:
    """The package resource of a bundled codebook by its short name (read it with
    `read_text`; it need not be a file on disk)."""
    try:
        return RESOURCES / "codebooks" / BUNDLED_CODEBOOKS[name]
    except KeyError:
        known = ", ".join(BUNDLED_CODEBOOKS)
        raise CodebookError(f"no bundled codebook {name!r} (bundled: {known})") from None


def resolve_codebook(spec: str | None) -> Codebook:
    """A codebook from a bundled name or a file path; the default when nothing is given."""
    if spec is None:
        return bundled_codebook()
    if spec in BUNDLED_CODEBOOKS:
        return bundled_codebook(spec)
    return load_codebook(spec)


def codebook_json_schema() -> dict:
    """The JSON Schema of the codebook format, generated from the models above."""
    schema = Codebook.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://annotator.example/schemas/codebook.schema.json"
    schema["title"] = "annotator codebook"
    return schema


def _first_problem(error: ValidationError, data: object) -> str:
    problem = error.errors()[0]
    where = _describe_location(problem["loc"], data)
    message = problem["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _describe_location(loc: tuple, data: object) -> str:
    """Turn ('fields', 0, 'categories', 2, 'shortcut') into "field 'attribution', category 3"."""
    parts: list[str] = []
    node = data
    index = 0
    while index < len(loc):
        name = loc[index]
        child = node.get(name) if isinstance(node, dict) else None
        if name in ("fields", "categories") and index + 1 < len(loc):
            position = loc[index + 1]
            item = child[position] if isinstance(child, list) and position < len(child) else None
            parts.append(_describe_item(name, position, item))
            node = item
            index += 2
            continue
        parts.append(str(name))
        node = child
        index += 1
    return ", ".join(parts)


def _describe_item(collection: str, position: int, item: object) -> str:
    noun = "field" if collection == "fields" else "category"
    identifier = item.get("key" if noun == "field" else "code") if isinstance(item, dict) else None
    return f"{noun} {identifier!r}" if identifier else f"{noun} {position + 1}"


def _short(error: Exception) -> str:
    return str(error).splitlines()[0]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
