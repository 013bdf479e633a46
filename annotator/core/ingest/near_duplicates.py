"""Near-duplicate articles: the same story twice, both kept and flagged.

Archive searches bring the same wire story in two outlets of one group, or an article
and its updated version of the same day (LexisNexisTools' `lnt_similarity` looks for
exactly these). The rule here: two articles are near-duplicates when they were
published on the same day and at least `SHARED_SHARE` of the shorter one's five-word
sequences (lower-cased words) are also in the other. Containment of the shorter one,
not overlap of both, so that a version with a paragraph added or cut still counts;
five-word sequences, so that shared phrases alone ("said on Tuesday that the") do not.
Articles without a date are never compared: without one the rule has nothing to go on.
"""

from __future__ import annotations

import re

SHARED_SHARE = 0.8
SHINGLE_WORDS = 5
NEAR_DUPLICATE_OF = "near_duplicate_of"  # the metadata key that flags an article
_WORD = re.compile(r"\w+")


def shingles(text: str) -> frozenset[int]:
    """The hashes of a text's five-word sequences (its words alone if it is shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return frozenset({hash(tuple(words))}) if words else frozenset()
    return frozenset(
        hash(tuple(words[i : i + SHINGLE_WORDS])) for i in range(len(words) - SHINGLE_WORDS + 1)
    )


def shared_share(first: frozenset[int], second: frozenset[int]) -> float:
    """The share of the smaller set that the other also has (0 for an empty one)."""
    smaller, larger = sorted((first, second), key=len)
    return len(smaller & larger) / len(smaller) if smaller else 0.0


class SameDayIndex:
    """Articles seen so far, by publication date, to find a new one's near-duplicate."""

    def __init__(self) -> None:
        self.by_date: dict[str, list[tuple[str, frozenset[int]]]] = {}

    def add(self, key: str, published: str | None, text: str) -> None:
        if published:
            self.by_date.setdefault(published[:10], []).append((key, shingles(text)))

    def match_and_add(self, key: str, published: str | None, text: str) -> tuple[str, float] | None:
        """The first article of the same day this text nearly duplicates, and the share
        shared; then the text is remembered under `key` for the articles after it."""
        if not published:
            return None
        own = shingles(text)
        same_day = self.by_date.setdefault(published[:10], [])
        found = None
        for other_key, other in same_day:
            share = shared_share(own, other)
            if share >= SHARED_SHARE:
                found = other_key, share
                break
        same_day.append((key, own))
        return found
