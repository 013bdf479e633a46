"""The suggester's data files (lexicon and rule sets), read from the installed package.

They sit in `data/` next to this module and are read with importlib.resources, so they
are found the same way from a source checkout, a wheel or a zipped install.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from annotator.core.errors import AnnotatorError

_DATA = "data"


@cache
def load_data_file(name: str) -> dict:
    """The decoded JSON of `data/NAME.json`; a missing or broken file is one clear line."""
    resource = files(__package__).joinpath(_DATA).joinpath(f"{name}.json")
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnnotatorError(f"suggester data file {name}.json is missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        first = str(error).splitlines()[0]
        raise AnnotatorError(f"suggester data file {name}.json: not valid JSON ({first})") from None
    if not isinstance(data, dict):
        raise AnnotatorError(f"suggester data file {name}.json: expected a JSON object")
    return data


def bundled_names(prefix: str) -> list[str]:
    """Names of the bundled data files that start with `prefix` (the rule sets)."""
    folder = files(__package__).joinpath(_DATA)
    return sorted(
        entry.name.removesuffix(".json")
        for entry in folder.iterdir()
        if entry.name.startswith(prefix) and entry.name.endswith(".json")
    )
