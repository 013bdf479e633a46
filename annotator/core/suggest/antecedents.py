"""Who a pronoun or a title stands for: the people and sources named so far in the article.

"She declined to give details" and "the chair said" refer back to a person the
article has named ("port authority chair Ilse Brandt"). The article is read in order;
each name is remembered with the role words around it, so "the chair" finds the last
person introduced as a chair, "she" or "he" the last person named, and a surname
alone ("Brandt said") its full name. "They", "it" and "the insider" stand for the
last source quoted (of the same kind, for "the insider": a vague one).
Hand-written: a coreference model would need a download and a GPU to be worth it.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.suggest.lexicon import Lexicon
from annotator.core.suggest.tokens import Span, Token, tokenize

_CONTEXT_WORDS = 4  # role words before a name: "opposition lawmaker Tomas Reyer"
PERSON = "person"
SOURCE = "source"


@dataclass(frozen=True)
class Person:
    start: int
    end: int
    text: str
    surname: str
    roles: frozenset[str]
    forename: str = ""


@dataclass(frozen=True)
class Antecedent:
    """What a source phrase stands for: a person named earlier, or an earlier source."""

    span: Span
    kind: str  # PERSON or SOURCE


class Mentions:
    """The people named so far in one article, and the sources quoted so far."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.people: list[Person] = []
        self.sources: list[tuple[Span, Antecedent | None]] = []

    def add_sentence(self, text: str, tokens: list[Token]) -> None:
        """Remember the names of a sentence (after its own cues are resolved)."""
        for first, last in name_ranges(tokens, self.lex):
            context = tokens[max(0, first - _CONTEXT_WORDS) : last + 1]
            context += _apposition(tokens, last)
            roles = frozenset(t.lower for t in context if _names_what_one_is(t.lower, self.lex))
            roles |= _initials(tokens[max(0, first - _CONTEXT_WORDS) : first])
            while not _is_name_word(tokens[first], self.lex):
                first += 1  # "Transport Minister Elena Kasprova": the name is "Elena Kasprova"
            start, end = tokens[first].start, tokens[last].end
            forename = tokens[first].lower if first < last else ""
            person = Person(start, end, text[start:end], tokens[last].lower, roles, forename)
            self.people.append(person)

    def add_source(self, source: Span, antecedent: Antecedent | None) -> None:
        self.sources.append((source, antecedent))

    def resolve(self, source: Span) -> Antecedent | None:
        """The earlier mention `source` stands for, or None when it names itself."""
        words = [w for w in tokenize(source.text, 0, len(source.text)) if w.is_word]
        if "," in source.text and words and words[-1].text.isdigit():
            words = [w for w in words if w.end <= source.text.index(",")]  # "Marcus, 34"
        if not words:
            return None
        lower = [w.lower for w in words]
        classes = self.lex.classes
        people = self.people  # named in earlier sentences (a sentence is added after its cues)
        person: Person | None = None
        if len(words) == 1 and lower[0] in classes["pronouns_person"]:
            person = people[-1] if people else None
            unnamed = self._last_unnamed_person()
            if unnamed is not None and (person is None or unnamed.start > person.start):
                return Antecedent(unnamed, SOURCE)  # "A spokeswoman said ... She added"
        elif len(words) == 1 and lower[0] in classes["pronouns_group"]:
            return self._last_source(lambda span: True)
        elif len(words) == 1 and lower[0] in classes["pronouns_organisation"]:
            return self._last_source(self._is_organisation, people=False)
        elif len(words) == 1 and words[0].is_capitalised:
            person = next(
                (p for p in reversed(people) if lower[0] in (p.surname, p.forename)), None
            )
        elif lower[0] == "the":
            lowercase = not any(w.is_capitalised for w in words[1:])
            if lowercase and lower[-1] in classes["vague"]:
                return self._last_source(lambda span: self._has_class(span, "vague"))
            if _names_what_one_is(lower[-1], self.lex) and (lowercase or len(words) <= 3):
                # "the chair"; "the Bench", "The DC": the person named with that title
                person = next((p for p in reversed(people) if lower[-1] in p.roles), None)
            if person is None and _titles_a_person(words[-1], self.lex) and len(words) <= 3:
                person = people[-1] if people else None  # "The Wexford TD", as "the Spaniard"
        if person is None and lower[0] == "the" and _describes_person(lower, self.lex):
            person = people[-1] if people else None  # "the Spaniard", "the 49-year-old"
        if person is None:
            return None
        return Antecedent(Span(person.start, person.end, person.text), PERSON)

    def _last_unnamed_person(self) -> Span | None:
        """The last source, when it is one unnamed person ("a spokeswoman for the force",
        "the official") or a pronoun already standing for one: "she" after it is that
        person, not the last person the article named before."""
        if not self.sources:
            return None
        span, antecedent = self.sources[-1]
        if antecedent is not None:
            span = antecedent.span
            if antecedent.kind != SOURCE:
                return None
        return span if self._one_unnamed_person(span) else None

    def _one_unnamed_person(self, span: Span) -> bool:
        """ "A spokeswoman for Queensland Police", "the official", "one aide": a single
        person by role, no name."""
        words = [w for w in tokenize(span.text, 0, len(span.text)) if w.is_word]
        if not words or words[0].lower not in ("a", "an", "one", "the"):
            return False
        classes = self.lex.classes
        roles = [
            w
            for w in words[1:5]
            if (w.lower in classes["institutional_roles"] or w.lower in classes["roles"])
            and not w.lower.endswith("s")
        ]
        return bool(roles) and not name_ranges(words, self.lex)

    def _last_source(self, accept, *, people: bool = True) -> Antecedent | None:
        for span, antecedent in reversed(self.sources):
            if antecedent is not None and (people or antecedent.kind != PERSON):
                return antecedent
            if antecedent is None and accept(span):
                return Antecedent(span, SOURCE)
        return None

    def _is_organisation(self, span: Span) -> bool:
        return any(
            self._has_class(span, name)
            for name in ("organisations", "organisation_name_words", "documents")
        )

    def _has_class(self, span: Span, name: str) -> bool:
        return any(self.lex.is_class(t.text, name) for t in tokenize(span.text, 0, len(span.text)))


def name_ranges(tokens: list[Token], lex: Lexicon) -> list[tuple[int, int]]:
    """Token ranges of person names: a run of capitalised words with two or more name
    words ("Transport Minister Elena Kasprova") and no organisation word ("The National
    Rail Workers' Union" is an organisation)."""
    names = []
    index = 0
    while index < len(tokens):
        if not _is_name_word(tokens[index], lex):
            index += 1
            continue
        first = index
        while first > 0 and _capitalised_word(tokens[first - 1]):
            first -= 1
        last = index
        while last + 1 < len(tokens) and (
            _capitalised_word(tokens[last + 1])
            or (
                tokens[last + 1].lower in lex.classes["name_particles"]
                and last + 2 < len(tokens)
                and _is_name_word(tokens[last + 2], lex)
            )
        ):
            last += 1
        end = last
        while end > first and lex.is_class(tokens[end].text, "post_nominals"):
            end -= 1  # "Julian Crane KC", "Ifeoma Chukwu MP": the name ends before the letters
        run = tokens[first : end + 1]
        name_words = [w for w in run if _is_name_word(w, lex)]
        named = run[run.index(name_words[0]) :] if name_words else run
        titles = [i for i, w in enumerate(named[:-1]) if _is_title(w, lex)]
        if titles:  # "Emergency Services Minister Jacinta Horvath": the name follows the title
            named = named[titles[-1] + 1 :]
        organisation = any(lex.is_class(w.text, "organisation_name_words") for w in named)
        titled = (first > 0 and lex.is_class(tokens[first - 1].text, "honorifics")) or any(
            lex.is_class(w.text, "honorifics") for w in run[:-1]
        )  # "Mr Ashworth", "Hon. Kwame Asare": a title makes one name word a name
        enough = len(name_words) >= (1 if titled else 2)
        if enough and not organisation and _is_name_word(tokens[end], lex):
            names.append((first, end))
        index = last + 1
    return names


def _personal_title(word: str, lex: Lexicon) -> bool:
    """A title or post-nominal a person carries ("Dr", "DC", "TD", "KC")."""
    return word in lex.classes["honorifics"] or word in lex.classes["post_nominals"]


def _names_what_one_is(word: str, lex: Lexicon) -> bool:
    """A word that says what a person is: a role ("chair"), or a title or post-nominal
    used as one ("the DC", "the TD")."""
    return word in lex.classes["roles"] or _personal_title(word, lex)


def _titles_a_person(word: Token, lex: Lexicon) -> bool:
    """ "TD", "MLA", "DC": a person's title in capitals (not "EU", "NHS": organisations)."""
    return word.text.isupper() and _personal_title(word.lower, lex)


def _initials(words: list[Token]) -> frozenset[str]:
    """ "Korangi Deputy Commissioner" before a name: "dc" and "kdc", so that "the DC"
    later finds the person (news abbreviates a title it has spelt out once)."""
    run: list[Token] = []
    for token in reversed(words):
        if not (token.is_word and token.is_capitalised) or token.text.isupper():
            break
        run.insert(0, token)
    return frozenset(
        "".join(t.text[0] for t in run[start:]).lower() for start in range(len(run) - 1)
    )


def _describes_person(lower: list[str], lex: Lexicon) -> bool:
    """ "the Spaniard", "the image maker", "the 49-year-old dad from Grimsby", "the
    former beauty therapist": a description that news uses for the person it has just named."""
    head = lower[1:4]
    return (
        len(lower) <= 7
        and "," not in lower
        and (
            lower[1:2] == ["former"]
            or any(
                word in lex.classes["person_descriptions"] or word.endswith("-year-old")
                for word in head
            )
        )  # "the former beauty therapist"
    )


def _is_title(token: Token, lex: Lexicon) -> bool:
    return lex.is_class(token.text, "honorifics") or lex.is_class(token.text, "roles")


def _capitalised_word(token: Token) -> bool:
    return (token.is_word and token.is_capitalised) or token.text in ("'s", "’s")


def _is_name_word(token: Token, lex: Lexicon) -> bool:
    if token.text.endswith(".") and token.text[0].isupper():
        return True  # an initial or "Dr."
    if not (token.is_word and token.is_capitalised) or token.text.isupper():
        return False
    lower = token.lower
    classes = lex.classes
    return not (
        lower in classes["not_names"]
        or lower in classes["roles"]
        or lower in classes["vague"]
        or lower in classes["organisations"]
        or lower in classes["documents"]
        or lower in classes["honorifics"]
        or lower in lex.verbs
        or lower in lex.determiners
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
