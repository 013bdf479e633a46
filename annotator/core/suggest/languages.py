"""Which articles the suggester may make suggestions for: those in its lexicon's language.

The cue lexicon and the rules in `data/` are English; run over German or Dutch they
would find English words by chance and suggest nonsense with confidence. An article
whose language nobody stated (a pasted text, a web page) is taken to be English, as
nearly every import is.
"""

from __future__ import annotations

SUGGESTION_LANGUAGES = frozenset({"en"})


def suggests_for(language: str | None) -> bool:
    """Whether an article in `language` (an ISO code, or None if unknown) gets suggestions."""
    return not language or language in SUGGESTION_LANGUAGES
