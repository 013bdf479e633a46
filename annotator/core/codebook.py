"""Codebooks: the fields a coder fills in for each unit or article, and their answers.

Format 1 (no `format` key) asks single-choice questions of each unit. Format 2
(`"format": 2`) adds what a study's codebook holds: a field's `scope` (each unit, or
once per article), its `type` (single or multiple choice, number, short text, date;
see field_values), a `when` condition on other fields of the same scope (conditions),
and `groups` that gather fields under a label in the coding panel. A format 1 file is
read as it always was: every default is format 1's meaning.

A codebook is a JSON file. Its format is defined once, here, as pydantic models:
the published JSON Schema (`annotator/resources/schemas/codebook.schema.json`) is
generated from them and a test keeps the two in sync, so the parser and the schema
cannot drift.

The bundled codebooks are package data, read with importlib.resources, so they are
found wherever the package is installed (a wheel, a pipx venv, an editable clone).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from functools import cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from annotator.core.conditions import Condition, leaves
from annotator.core.errors import CodebookError
from annotator.core.field_values import MAX_TEXT_LENGTH, FieldType
from annotator.core.layout_columns import FIXED_COLUMNS, WIDE_SEPARATOR

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
UNIT_KINDS = ("title", "heading", "sentence", "furniture")
ARTICLE_KIND = "article"
"""The kind of the one unit per article that carries article-level codes: an empty span
at the article's start, index `ARTICLE_UNIT_IDX` (the article's units count from 1), made
for every article when the codebook has article fields (store.article_units), so its
codes travel by the same write path, history, merge and review as a sentence's. Never
shown as text, never split."""
ARTICLE_UNIT_IDX = 0
LATEST_FORMAT = 2
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


class Scope(StrEnum):
    """What a field is coded of: each unit, once per article, or once per source (a
    coder's source of an article; coding/sources_service.py writes its codes)."""

    UNIT = "unit"
    ARTICLE = "article"
    SOURCE = "source"


class FieldGroup(BaseModel):
    """A labelled section of the coding panel; fields name it in `group`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, Field(pattern=KEY_PATTERN)]
    label: Annotated[str, Field(min_length=1)]
    description: str = ""


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


_INTERVAL_TYPES = (FieldType.NUMBER.value, FieldType.DATE.value)
DEFAULT_TEXT_LENGTH = 200


class CodebookField(BaseModel):
    """A question asked of every unit (or once per article), answered by its type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, Field(pattern=KEY_PATTERN)]
    label: Annotated[str, Field(min_length=1)]
    description: str = ""
    type: FieldType = Field(
        default=FieldType.SINGLE,
        description="single or multiple choice, number, text (short) or date; format 2",
    )
    scope: Scope = Field(default=Scope.UNIT, description="unit, article or source; format 2")
    level: Level = Field(
        default=Level.NOMINAL,
        description="Level of measurement; default: nominal for choices and text, "
        "interval for numbers and dates",
    )
    required: bool = True
    group: str | None = Field(default=None, description="key of a group; format 2")
    when: Condition | None = Field(
        default=None,
        description="Asked only when this holds of the same unit's (or article's) codes; format 2",
    )
    categories: list[Category] = Field(
        default_factory=list, description="At least two for choices; none for other types"
    )
    minimum: float | None = Field(default=None, allow_inf_nan=False)
    maximum: float | None = Field(default=None, allow_inf_nan=False)
    integer: bool = Field(default=False, description="number: whole numbers only")
    max_length: int = Field(
        default=DEFAULT_TEXT_LENGTH,
        ge=1,
        le=MAX_TEXT_LENGTH,
        description="text: the longest answer",
    )

    @model_validator(mode="before")
    @classmethod
    def _level_from_type(cls, data: Any) -> Any:
        """A number or a date is measured at interval level unless the codebook says."""
        if isinstance(data, dict) and "level" not in data and data.get("type") in _INTERVAL_TYPES:
            return data | {"level": Level.INTERVAL.value}
        return data

    @model_validator(mode="after")
    def _fill_values_and_check(self) -> CodebookField:
        _refuse_column_names(self.key)
        _check_type_settings(self)
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

    @property
    def has_categories(self) -> bool:
        """Single and multiple choice: answered by categories (and their keys)."""
        return self.type.has_categories


def _check_type_settings(field: CodebookField) -> None:
    """Each type takes its own settings and no other type's."""
    if field.type.has_categories and len(field.categories) < 2:
        raise ValueError(f"a {field.type} field needs at least two categories")
    if not field.type.has_categories and field.categories:
        raise ValueError(f"a {field.type} field has no categories")
    if field.type is not FieldType.NUMBER:
        if field.minimum is not None or field.maximum is not None or field.integer:
            raise ValueError("minimum, maximum and integer belong to number fields")
    elif field.minimum is not None and field.maximum is not None and field.minimum > field.maximum:
        raise ValueError("minimum is above maximum")
    if field.type is not FieldType.TEXT and field.max_length != DEFAULT_TEXT_LENGTH:
        raise ValueError("max_length belongs to text fields")
    allowed = {
        FieldType.SINGLE: (Level.NOMINAL, Level.ORDINAL),
        FieldType.MULTIPLE: (Level.NOMINAL,),
        FieldType.NUMBER: (Level.INTERVAL, Level.RATIO, Level.ORDINAL),
        FieldType.TEXT: (Level.NOMINAL,),
        FieldType.DATE: (Level.INTERVAL,),
    }[field.type]
    if field.level not in allowed:
        names = " or ".join(level.value for level in allowed)
        raise ValueError(f"a {field.type} field is measured at {names} level")


class Codebook(BaseModel):
    """A named, versioned set of fields. Any codebook works without a schema change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int = Field(
        default=1, ge=1, le=LATEST_FORMAT, description="1 (unit questions only) or 2"
    )
    name: Annotated[str, Field(min_length=1)]
    version: Annotated[str, Field(min_length=1)]
    description: str = ""
    groups: list[FieldGroup] = Field(
        default_factory=list, description="Sections of the coding panel; format 2"
    )
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
        _refuse_repeats([g.key for g in self.groups], "group key")
        _check_format(self)
        _check_groups(self)
        _check_conditions(self.fields)
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
        """Unit fields a unit needs (where their condition holds) before it is complete."""
        return tuple(f.key for f in self.unit_fields if f.required)

    def fields_of(self, scope: Scope) -> list[CodebookField]:
        """The fields coded at this scope, in the codebook's order."""
        return [f for f in self.fields if f.scope is scope]

    @cached_property
    def unit_fields(self) -> list[CodebookField]:
        return self.fields_of(Scope.UNIT)

    @cached_property
    def article_fields(self) -> list[CodebookField]:
        return self.fields_of(Scope.ARTICLE)

    @cached_property
    def source_fields(self) -> list[CodebookField]:
        """Fields coded once per source, never on a unit (coding/sources_service.py)."""
        return self.fields_of(Scope.SOURCE)

    @cached_property
    def coded_fields(self) -> list[CodebookField]:
        """The fields whose codes sit on units (unit and article scope), in order: what
        the code table, its exports, imports and agreement hold. Source fields are not."""
        return [f for f in self.fields if f.scope is not Scope.SOURCE]

    def fields_for_kind(self, kind: str) -> list[CodebookField]:
        """The fields coded on a unit of this kind (the article unit takes article fields)."""
        return self.article_fields if kind == ARTICLE_KIND else self.unit_fields

    def needs_coding(self, kind: str) -> bool:
        """Whether units of this kind are part of the coding task (the article unit is,
        when the codebook asks anything of the article)."""
        if kind == ARTICLE_KIND:
            return bool(self.article_fields)
        return kind in self.coded_kinds

    @cached_property
    def progress_kinds(self) -> tuple[str, ...]:
        """Every unit kind that counts towards an article's progress."""
        extra = (ARTICLE_KIND,) if self.article_fields else ()
        return (*self.coded_kinds, *extra)

    def applicable(self, scope: Scope, codes: Mapping[str, str]) -> set[str]:
        """The keys of the fields of `scope` asked, given one unit's (or article's) codes:
        those without a condition and those whose condition holds, a condition seeing
        only the codes of fields that are themselves asked (see conditions)."""
        asked: set[str] = set()
        seen: dict[str, str] = {}
        for field in self.fields_of(scope):
            if field.when is None or field.when.holds(seen):
                asked.add(field.key)
                if field.key in codes:
                    seen[field.key] = codes[field.key]
        return asked

    def is_complete(self, kind: str, codes: Mapping[str, str]) -> bool:
        """Whether a unit of this kind has every required field that is asked of it."""
        scope = Scope.ARTICLE if kind == ARTICLE_KIND else Scope.UNIT
        asked = self.applicable(scope, codes)
        return all(f.key in codes for f in self.fields_of(scope) if f.required and f.key in asked)

    def dependents(self, key: str) -> list[CodebookField]:
        """Fields whose condition mentions `key`, directly or through another such field."""
        found: list[CodebookField] = []
        names = {key}
        for field in self.fields:
            if field.when is not None and {leaf.field for leaf in leaves(field.when)} & names:
                found.append(field)
                names.add(field.key)
        return found

    def group(self, key: str | None) -> FieldGroup | None:
        return next((g for g in self.groups if g.key == key), None)

    @cached_property
    def shortcuts(self) -> dict[str, tuple[str, str]]:
        """Shortcut key -> (field key, category code)."""
        return {
            c.shortcut: (f.key, c.code) for f in self.fields for c in f.categories if c.shortcut
        }

    def to_json(self) -> str:
        """Canonical JSON, as stored in a project (an unset `suggestion_rules` left out, so
        codebooks that say nothing of suggestions are stored as they always were)."""
        data = self.model_dump(mode="json", by_alias=True)
        if data.get("suggestion_rules") is None:
            data.pop("suggestion_rules", None)
        if self.format == 1:  # stored exactly as before format 2 existed
            data.pop("format")
            data.pop("groups")
        for field in data["fields"]:
            unset = [k for k, v in field.items() if v is None]
            for key in unset + (list(_FORMAT_2_SETTINGS) if self.format == 1 else []):
                field.pop(key, None)
            if field.get("type", "single") not in ("number",):
                for key in ("integer",):
                    field.pop(key, None)
            if field.get("type", "single") != "text":
                field.pop("max_length", None)
        return json.dumps(_ordered(data), ensure_ascii=False, indent=2)


_FORMAT_2_FIELD_KEYS = ("type", "scope", "group", "when")
_FORMAT_2_SETTINGS = (*_FORMAT_2_FIELD_KEYS, "minimum", "maximum", "integer", "max_length")


def _check_format(codebook: Codebook) -> None:
    """A format 1 codebook may not use what format 2 added: a misplaced key would
    otherwise be read as format 1 meant it, silently."""
    if codebook.format >= 2:
        return
    if codebook.groups:
        raise ValueError('groups need "format": 2')
    for field in codebook.fields:
        defaults = {"type": FieldType.SINGLE, "scope": Scope.UNIT, "group": None, "when": None}
        used = [key for key in _FORMAT_2_FIELD_KEYS if getattr(field, key) != defaults[key]]
        if used:
            raise ValueError(f'field {field.key!r}: {used[0]} needs "format": 2')


def _check_groups(codebook: Codebook) -> None:
    known = {g.key for g in codebook.groups}
    for field in codebook.fields:
        if field.group is not None and field.group not in known:
            raise ValueError(f"field {field.key!r}: no group {field.group!r}")


def _check_conditions(fields: list[CodebookField]) -> None:
    """A condition names an earlier choice field of the same scope and codes it has (so
    conditions can never loop, and one pass in codebook order decides them)."""
    earlier: dict[str, CodebookField] = {}
    for field in fields:
        for leaf in leaves(field.when) if field.when is not None else ():
            named = earlier.get(leaf.field)
            where = f"field {field.key!r}, when"
            if named is None:
                raise ValueError(f"{where}: {leaf.field!r} is not a field before this one")
            if named.scope is not field.scope:
                raise ValueError(f"{where}: {leaf.field!r} is coded at another scope")
            if not named.has_categories:
                raise ValueError(f"{where}: {leaf.field!r} is not a choice field")
            unknown = [code for code in leaf.codes if named.category(code) is None]
            if unknown:
                raise ValueError(f"{where}: {leaf.field!r} has no code {unknown[0]!r}")
        earlier[field.key] = field


_KEY_ORDER = ("format", "name", "version", "description", "coded_kinds", "groups", "fields")


def _ordered(data: dict) -> dict:
    """The stored JSON with the codebook's own keys first, as people write them."""
    return {k: data[k] for k in _KEY_ORDER if k in data} | {
        k: v for k, v in data.items() if k not in _KEY_ORDER
    }


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
