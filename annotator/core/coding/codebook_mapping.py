"""A codebook update's mapping: where the codes go that the new codebook has no place for.

A mapping is a small JSON object; each entry is one of

- `"field.value": "new"`: every stored `value` of `field` becomes `new`, a code (or a
  label, or a value, read as an import reads it) of the new codebook's `field`; in a
  multiple-choice field the entry maps one category inside each set (so
  `"topics.economy": "business"` turns `politics;economy` into `politics;business`);
- `"field.value": null`: those codes are dropped (in a multiple-choice field, that
  category is taken out of each set, and a set left empty is dropped);
- `"field": null`: every code of `field` is dropped.

`field` is a field of the project's codebook as it is now. A field key has no dot, so
`sources_cited.3.5` is the field `sources_cited` and the value `3.5`. Dropping is never
implied: a change that would orphan codes is refused until the mapping says where they
go, null included (see codebook_update).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError

MAX_MAPPING_BYTES = 1_000_000
MAX_ENTRIES = 10_000
MAX_TEXT = 1_000  # the longest value a mapping names (a short text field's longest)
_FIELD = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class CodeMapping:
    """The entries of a mapping file: (field, stored value) -> new text or None (drop),
    and the fields whose every code is dropped."""

    values: dict[tuple[str, str], str | None] = field(default_factory=dict)
    dropped_fields: frozenset[str] = frozenset()
    source: str = "mapping"

    @property
    def fields(self) -> set[str]:
        """Every field the mapping names."""
        return {key for key, _value in self.values} | set(self.dropped_fields)

    def entries(self) -> list[tuple[str, str | None, str | None]]:
        """(field, value or None for the whole field, target or None to drop), in order."""
        whole = [(key, None, None) for key in sorted(self.dropped_fields)]
        return whole + [(key, value, target) for (key, value), target in self.values.items()]


NO_MAPPING = CodeMapping()


def load_mapping(path: str | Path) -> CodeMapping:
    """Read a mapping file; every problem is one line naming the file."""
    path = Path(path)
    source = str(path)
    try:
        if path.exists() and not path.is_file():
            raise InputError(source, "not a regular file")
        if path.stat().st_size > MAX_MAPPING_BYTES:
            raise InputError(source, "too large for a mapping (over 1 MB)")
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(source, f"not valid JSON ({str(error).splitlines()[0]})") from None
    except RecursionError:
        raise InputError(source, "not a mapping (JSON nested too deeply)") from None
    except OSError as error:
        raise InputError(source, f"cannot read ({error.strerror})") from None
    return parse_mapping(data, source)


def parse_mapping(data: object, source: str = "mapping") -> CodeMapping:
    """A CodeMapping from decoded JSON (see the module docstring for the form)."""
    if not isinstance(data, dict):
        raise InputError(source, 'a mapping is a JSON object, e.g. {"field.old_code": "new_code"}')
    if len(data) > MAX_ENTRIES:
        raise InputError(source, f"more than {MAX_ENTRIES} entries")
    values: dict[tuple[str, str], str | None] = {}
    dropped: set[str] = set()
    for key, target in data.items():
        field_key, dot, value = key.partition(".")
        shown = json.dumps(key, ensure_ascii=False)[: MAX_TEXT // 10]
        if not _FIELD.fullmatch(field_key):
            raise InputError(source, f"{shown}: not a field key (lower-case letters, digits, _)")
        if target is not None and not isinstance(target, str):
            raise InputError(source, f"{shown}: maps to a code in quotes or to null")
        if not dot:
            if target is not None:
                raise InputError(
                    source,
                    f"{shown}: a whole field maps only to null (drop its codes); map its "
                    f'codes one by one as "{field_key}.CODE"',
                )
            dropped.add(field_key)
            continue
        if not value or len(value) > MAX_TEXT or (target is not None and len(target) > MAX_TEXT):
            raise InputError(source, f"{shown}: the value is empty or too long")
        values[(field_key, value)] = target
    return CodeMapping(values, frozenset(dropped), source)
