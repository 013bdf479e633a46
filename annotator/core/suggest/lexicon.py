"""The cue lexicon (data/lexicon.json) as sets and lookup tables the cue finder uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from annotator.core.suggest.data_files import load_data_file


@dataclass(frozen=True)
class Verb:
    """A reporting verb: its lemma, the claim-type hint it carries, and its restrictions."""

    lemma: str
    hint: str | None
    needs_subject: bool = False
    needs_document: bool = False
    inverts: bool = False
    subjects: str | None = None  # a word class the source's head must be in ("the court heard")
    needs_organisation: bool = False  # an institution's act that is its statement ("voted")
    needs_that: bool = False  # a cue only before "that" ("submitted that", not "submitted a plan")


@dataclass(frozen=True)
class Phrase:
    """A fixed cue of several words ("according to", "it is understood")."""

    words: tuple[str, ...]
    lemma: str
    shape: str
    hint: str | None


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, Verb]  # word form (lower case) -> verb
    phrases: tuple[Phrase, ...]  # longest first
    hint_phrases: tuple[tuple[tuple[str, ...], str], ...]
    extensions: tuple[tuple[str, ...], ...]
    auxiliaries: frozenset[str]
    subject_stops: frozenset[str]
    object_stops: frozenset[str]
    determiners: frozenset[str]
    noun_uses_after: frozenset[str]
    quote_open: str
    quote_close: str
    classes: dict[str, frozenset[str]]
    phrase_starts: frozenset[str] = frozenset()  # first words of phrases and hint phrases
    phrase_index: dict[str, tuple[Phrase, ...]] = field(default_factory=dict)  # by first word
    hint_index: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = field(default_factory=dict)

    def is_class(self, word: str, name: str) -> bool:
        return word.lower() in self.classes[name]


@cache
def default_lexicon() -> Lexicon:
    """The bundled lexicon, read once."""
    return lexicon_from_data(load_data_file("lexicon"))


def lexicon_from_data(data: dict) -> Lexicon:
    verbs: dict[str, Verb] = {}
    for lemma, entry in data["verbs"].items():
        verb = Verb(
            lemma,
            entry.get("hint"),
            bool(entry.get("needs_subject")),
            bool(entry.get("needs_document")),
            bool(entry.get("inverts")),
            entry.get("subjects"),
            bool(entry.get("needs_organisation")),
            bool(entry.get("needs_that")),
        )
        for form in entry["forms"]:
            verbs[form.lower()] = verb
    phrases = sorted(
        (
            Phrase(tuple(p["text"].lower().split()), p["lemma"], p["shape"], p.get("hint"))
            for p in data["phrases"]
        ),
        key=lambda p: -len(p.words),
    )
    words = lambda key: frozenset(w.lower() for w in data[key])  # noqa: E731
    classes = {
        key: frozenset(w.lower() for w in value)
        for key, value in data["word_classes"].items()
        if isinstance(value, list)
    }
    hint_phrases = tuple(
        (tuple(p["text"].lower().split()), p["hint"]) for p in data["hint_only_phrases"]
    )
    return Lexicon(
        verbs=verbs,
        phrases=tuple(phrases),
        hint_phrases=hint_phrases,
        extensions=tuple(tuple(text.lower().split()) for text in data["cue_extensions"]),
        auxiliaries=words("auxiliaries"),
        subject_stops=words("subject_stops"),
        object_stops=words("object_stops"),
        determiners=words("determiners"),
        noun_uses_after=words("noun_uses_after"),
        quote_open=data["quote_open"],
        quote_close=data["quote_close"],
        classes=classes,
        phrase_starts=frozenset(p.words[0] for p in phrases)
        | frozenset(p["text"].lower().split()[0] for p in data["hint_only_phrases"]),
        phrase_index=_by_first_word(phrases, lambda p: p.words),
        hint_index=_by_first_word(hint_phrases, lambda h: h[0]),
    )


def _by_first_word(items, words_of) -> dict:
    """Items grouped by their first word, in the order given (longest phrase first), so
    the cue finder tries only the phrases that can start at a word."""
    index: dict[str, list] = {}
    for item in items:
        index.setdefault(words_of(item)[0], []).append(item)
    return {word: tuple(group) for word, group in index.items()}
