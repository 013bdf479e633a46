"""Categories declared for a field of a CSV file: by a codebook, or in order.

A declared field makes its categories the category set of every coefficient, gives
their order and numbers, and says which cell texts stand for which category (with a
codebook, a category's code, label in any case, or value; with an order, the text
itself, or its number when every category is a number).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.agreement.reliability_data import as_number
from annotator.core.errors import AnnotatorError

if TYPE_CHECKING:  # pydantic, imported by whoever makes the codebook
    from annotator.core.codebook import CodebookField


@dataclass(frozen=True)
class Declared:
    """The categories declared for one field (by a codebook or an order)."""

    categories: dict[str, float]
    outside: frozenset[str]
    source: str
    resolve: Callable[[str], str | None]
    """The category code a cell's text stands for, or None."""


def codebook_categories(book_field: CodebookField) -> Declared:
    """A codebook field's scale, values and outside-scale codes."""

    def resolve(text: str) -> str | None:
        category = book_field.resolve(text)
        return category.code if category is not None else None

    return Declared(
        {c.code: float(c.value) for c in book_field.scale if c.value is not None},
        frozenset(c.code for c in book_field.categories if c.outside_scale),
        "codebook",
        resolve,
    )


def order_categories(order: Sequence[str], outside_scale: Iterable[str] = ()) -> Declared:
    """Categories from their order: their numbers if every one is a number, else
    positions 1, 2, ... (as a codebook gives categories without values)."""
    codes = [code.strip() for code in order]
    if not codes or any(not code for code in codes):
        raise AnnotatorError("--order needs the categories in order, comma-separated")
    if len(set(codes)) != len(codes):
        twice = next(code for code in codes if codes.count(code) > 1)
        raise AnnotatorError(f"--order names {twice!r} twice")
    numbers = [as_number(code) for code in codes]
    if all(n is not None for n in numbers):
        values = [float(n) for n in numbers if n is not None]
    else:
        values = [float(position) for position in range(1, len(codes) + 1)]
    outside = frozenset(outside_scale)
    exact = {code: code for code in [*codes, *outside]}
    folded = {code.casefold(): code for code in exact}
    by_number = {}
    if all(n is not None for n in numbers):
        by_number = {n: code for n, code in zip(numbers, codes, strict=True)}

    def resolve(text: str) -> str | None:
        if text in exact:
            return exact[text]
        number = as_number(text)
        if number is not None and number in by_number:
            return by_number[number]
        return folded.get(text.casefold())

    return Declared(dict(zip(codes, values, strict=True)), outside, "order", resolve)
