"""Variable names that both Stata and SPSS accept, made from export column names.

Stata allows at most 32 characters from [A-Za-z0-9_], not starting with a digit,
and reserves a few words; SPSS wants a letter first, compares names without case
and reserves others. One rule satisfies both, so a .sav and a .dta of the same
export have the same names:

1. accents are dropped (NFKD, then ASCII), every run of other characters becomes "_";
2. a name that does not start with a letter, or is a reserved word, gets "v_" in front;
3. names are cut to 32 characters, or fewer for a labelled column: pyreadstat names a
   Stata value-label set after its variable plus the column's position ("attribution__bob7"),
   and that name must fit in 32 characters too;
4. a name already taken (ignoring case) is cut further and numbered: `_2`, `_3`, ...

Columns keep their full meaning in the variable label ("Attribution (alice)").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set as AbstractSet

MAX_LENGTH = 32
STATA_RESERVED = {
    "_all",
    "_b",
    "byte",
    "_coef",
    "_cons",
    "double",
    "float",
    "if",
    "in",
    "int",
    "long",
    "_n",
    "_pi",
    "_pred",
    "_rc",
    "_skip",
    "strl",
    "using",
    "with",
}
SPSS_RESERVED = {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
RESERVED = STATA_RESERVED | SPSS_RESERVED


def variable_names(columns: list[str], labelled: AbstractSet[str] = frozenset()) -> dict[str, str]:
    """column name -> legal, unique variable name, in column order (see the module docstring).

    `labelled` names the columns that will carry value labels.
    """
    taken: set[str] = set()
    result: dict[str, str] = {}
    for position, column in enumerate(columns):
        limit = MAX_LENGTH - len(str(position)) if column in labelled else MAX_LENGTH
        base = _legal(column)[:limit]
        name, number = base, 1
        while name.casefold() in taken:
            number += 1
            suffix = f"_{number}"
            name = base[: limit - len(suffix)] + suffix
        taken.add(name.casefold())
        result[column] = name
    return result


def _legal(column: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", column).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_name)
    if not name or not name[0].isalpha() or name.casefold() in RESERVED or _is_str_type(name):
        name = "v_" + name
    return name[:MAX_LENGTH]


def _is_str_type(name: str) -> bool:
    """Stata also reserves str1 ... str2045."""
    return re.fullmatch(r"str[0-9]+", name, flags=re.IGNORECASE) is not None
