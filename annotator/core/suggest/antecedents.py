"""Who a pronoun or a title stands for: the people named so far in the article.

"She declined to give details" and "the chair said" refer back to a person the
article has named ("port authority chair Ilse Brandt"). The article is read in order;
each name is remembered with the role words around it, so "the chair" finds the last
person introduced as a chair, "she" or "he" the last person named, and a surname
alone ("Brandt said") its full name. "They" stands for the last source quoted.
Hand-written: a coreference model would need a download and a GPU to be worth it.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.suggest.lexicon import Lexicon
from annotator.core.suggest.tokens import Span, Token, tokenize

_CONTEXT_WORDS = 4  # role words before a name: "opposition lawmaker Tomas Reyer"


@dataclass(frozen=True)
class Person:
    start: int
    end: int
    text: str
    surname: str
    roles: frozenset[str]


class Mentions:
    """The people named so far in one article, and the sources quoted so far."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.people: list[Person] = []
        self.last_source: tuple[Span, Span | None] | None = None

    def add_sentence(self, text: str, tokens: list[Token]) -> None:
        """Remember the names of a sentence (after its own cues are resolved)."""
        for first, last in self._names(tokens):
            context = tokens[max(0, first - _CONTEXT_WORDS) : first]
            context += _apposition(tokens, last)
            roles = frozenset(t.lower for t in context if self.lex.is_class(t.text, "roles"))
            start, end = tokens[first].start, tokens[last].end
            self.people.append(Person(start, end, text[start:end], tokens[last].lower, roles))

    def add_source(self, source: Span, antecedent: Span | None) -> None:
        self.last_source = (source, antecedent)

    def resolve(self, source: Span, before: int) -> Span | None:
        """The earlier mention `source` stands for, or None when it names itself."""
        words = tokenize(source.text, 0, len(source.text))
        if not words:
            return None
        lower = [w.lower for w in words]
        people = [p for p in self.people if p.end <= before]
        if len(words) == 1 and lower[0] in self.lex.classes["pronouns_person"]:
            person = people[-1] if people else None
        elif len(words) == 1 and lower[0] in self.lex.classes["pronouns_group"]:
            if self.last_source is None:
                return None
            source_span, antecedent = self.last_source
            return antecedent or source_span
        elif len(words) == 1 and words[0].is_capitalised:
            person = next((p for p in reversed(people) if p.surname == lower[0]), None)
        elif lower[0] == "the" and not any(w.is_capitalised for w in words[1:]):
            head = lower[-1]
            is_role = self.lex.is_class(head, "roles") and head not in self.lex.classes["vague"]
            person = (
                next((p for p in reversed(people) if head in p.roles), None) if is_role else None
            )
        else:
            person = None
        return Span(person.start, person.end, person.text) if person else None

    def _names(self, tokens: list[Token]) -> list[tuple[int, int]]:
        """Token ranges of person names: two or more capitalised words, no organisation word."""
        names = []
        index = 0
        while index < len(tokens):
            if not self._name_word(tokens[index]):
                index += 1
                continue
            last = index
            while last + 1 < len(tokens) and (
                self._name_word(tokens[last + 1])
                or (
                    tokens[last + 1].lower in self.lex.classes["name_particles"]
                    and last + 2 < len(tokens)
                    and self._name_word(tokens[last + 2])
                )
            ):
                last += 1
            words = tokens[index : last + 1]
            capitalised = [w for w in words if w.is_capitalised]
            is_organisation = any(
                self.lex.is_class(w.text, "organisation_name_words") for w in words
            )
            if len(capitalised) >= 2 and not is_organisation:
                names.append((index, last))
            index = last + 1
        return names

    def _name_word(self, token: Token) -> bool:
        if not (token.is_word and token.is_capitalised) or token.text.isupper():
            return token.text.endswith(".") and token.text[0].isupper()
        lower = token.lower.rstrip(".")
        classes = self.lex.classes
        return not (
            lower in classes["not_names"]
            or lower in classes["roles"]
            or lower in classes["vague"]
            or lower in classes["organisations"]
            or lower in classes["documents"]
            or lower in self.lex.verbs
            or lower in self.lex.determiners
        )


def _apposition(tokens: list[Token], last: int) -> list[Token]:
    """The words of ", the port authority chair," right after a name."""
    if last + 1 >= len(tokens) or tokens[last + 1].text != ",":
        return []
    words = []
    for token in tokens[last + 2 : last + 8]:
        if not token.is_word:
            break
        words.append(token)
    return words
