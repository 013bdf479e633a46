"""The noun phrase that names a cue's source, found by scanning words from the cue.

Rules rather than a parser: a source in news is a short noun phrase right before the
reporting verb ("the minister said"), right after it ("said the minister"), or after
"according to" / "by". Its edges are where the phrase stops being a noun phrase: a
punctuation mark, a clause word ("that", "and", "because"), a finite verb, an adjunct
("on Tuesday"). A relative clause or an apposition set off by commas is stepped over.
"""

from __future__ import annotations

from annotator.core.suggest.lexicon import Lexicon
from annotator.core.suggest.tokens import Token

_RELATIVE = frozenset({"who", "whose", "which"})
_ASIDES = frozenset(
    {"speaking", "citing", "asked", "however", "meanwhile", "though", "too", "in", "while"}
    | {"requesting", "published", "released", "issued", "seen", "obtained", "prepared"}
    | {"we", "i"}  # "Traders, we are told, fear ...": the writer's aside
)
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
_JOINERS = frozenset({"'s", "’s", "-", "&", "/"})
_WRITER = frozenset({"i", "we"})
_ANTECEDENT_STOPS = frozenset(
    {"to", "from", "with", "by", "for", "on", "at", "into", "about", "i", "we", "you", "this"}
)
_CONTACTED = frozenset({"spoke", "spoken", "talked", "interviewed", "met", "asked", "contacted"})
_CONTACT_REACH = 8  # "Nurses I spoke to at the hospital said": the clause is short
TokenRange = tuple[int, int]  # first and last token index, inclusive


def _joins(token: Token) -> bool:
    return (
        token.is_word or token.text in _JOINERS or (len(token.text) > 1 and token.text[0].isalpha())
    )


def source_before(
    tokens: list[Token], verb: int, lex: Lexicon, floor: int = 0
) -> TokenRange | None:
    """The subject noun phrase before tokens[verb], skipping auxiliaries and adverbs."""
    writer = _writer_contact(tokens, verb, floor)
    if writer is not None:  # "Parents I spoke to for this column said": the parents
        return _phrase_ending_at(tokens, writer - 1, lex, floor)
    index = verb - 1
    while index >= floor and _is_auxiliary(tokens[index], lex):
        index -= 1
    if index < floor:
        return None
    if tokens[index].lower in _RELATIVE:
        return _antecedent(tokens, index, lex, floor)  # "the council, which said"
    name_end = _before_company_suffix(tokens, index, floor)
    if name_end is not None:  # "Velorin Technologies, Inc. today announced"
        named = _phrase_ending_at(tokens, name_end, lex, floor)
        return None if named is None else (named[0], index)
    if tokens[index].text == ",":
        found = _before_parenthetical(tokens, index, lex, floor)
    else:
        found = _phrase_ending_at(tokens, index, lex, floor)
    while found is not None and _is_aside(tokens, found) and found[0] - 2 >= floor:
        if tokens[found[0] - 1].text != ",":
            break
        found = _phrase_ending_at(tokens, found[0] - 2, lex, floor)  # "Jo Roe, 54, of Elm Close,"
    if found is not None:
        found = _before_relative(tokens, found, lex, floor) or found
    return found


def _before_relative(
    tokens: list[Token], found: TokenRange, lex: Lexicon, floor: int
) -> TokenRange | None:
    """The antecedent when the phrase found ends a relative clause ("Activists who have
    seen the draft say"): the clause's words are no source."""
    first = found[0]
    if any(t.text == "," for t in tokens[first : found[1] + 1]):
        return None  # "A commissioner who was affected, Dr Bisi Alade, told": named after
    relative = first - 1
    while relative > floor and _is_auxiliary(tokens[relative], lex):
        relative -= 1
    if relative <= floor or relative == first - 1 or tokens[relative].lower not in _RELATIVE:
        return None
    return _antecedent(tokens, relative, lex, floor)


def _antecedent(tokens: list[Token], relative: int, lex: Lexicon, floor: int) -> TokenRange | None:
    """The noun phrase a relative pronoun at tokens[relative] refers to."""
    comma = relative - 1 >= floor and tokens[relative - 1].text == ","
    end = relative - 2 if comma else relative - 1
    found = _phrase_ending_at(tokens, end, lex, floor) if end >= floor else None
    if found is None:
        return None
    first = found[0]
    for index in range(found[0], found[1]):
        if tokens[index].lower in _ANTECEDENT_STOPS:
            first = index + 1  # "I put this to the county council, which": the council
    return (first, found[1]) if first <= found[1] else None


def _writer_contact(tokens: list[Token], verb: int, floor: int) -> int | None:
    """Where a contact clause of the writer's ("I have spoken to", "we interviewed")
    starts, when one stands between a source and its verb; None when none does."""
    for index in range(verb - 2, max(floor, verb - _CONTACT_REACH) - 1, -1):
        if tokens[index].lower not in _CONTACTED:
            continue
        pronoun = index - 1
        if pronoun > floor and tokens[pronoun].lower in ("have", "had", "'ve", "’ve"):
            pronoun -= 1
        if pronoun > floor and tokens[pronoun].lower in _WRITER:
            return pronoun
    return None


def _is_aside(tokens: list[Token], phrase: TokenRange) -> bool:
    """An age or an address between a name and its verb: "54", "of Elm Close, Barnsley",
    or both ("41, from Swindon")."""
    words = [t for t in tokens[phrase[0] : phrase[1] + 1] if t.is_word]
    if not words:
        return False
    rest = words
    while rest and rest[0].text.isdigit():
        rest = rest[1:]
    return not rest or rest[0].lower in ("of", "from")


def _is_auxiliary(token: Token, lex: Lexicon) -> bool:
    return token.is_word and (token.lower in lex.auxiliaries or token.lower.endswith("n't"))


def _phrase_ending_at(
    tokens: list[Token], last: int, lex: Lexicon, floor: int
) -> TokenRange | None:
    end = last
    if tokens[last].text == ")":  # "The State Emergency Management Agency (SEMA) said"
        opening = next(
            (i for i in range(last - 1, max(floor, last - 8) - 1, -1) if tokens[i].text == "("),
            None,
        )
        if opening is None or opening - 1 < floor:
            return None
        last = opening - 1
    index = last
    while index >= floor and (
        (
            _joins(tokens[index])
            and tokens[index].lower not in lex.subject_stops
            and not _is_dash(tokens, index)
        )
        or _joins_names(tokens, index, floor)
        or _stop_word_in_a_name(tokens, index, floor)
    ):
        index -= 1
    if index >= floor and tokens[index].lower in _RELATIVE and index - 1 >= floor:
        # "Officials who asked not to be named said": the source stands before "who".
        earlier = _phrase_ending_at(tokens, index - 1, lex, floor)
        if earlier is not None:
            return earlier
    first = index + 1
    while first < last and tokens[first].text.isdigit() and tokens[first + 1].is_capitalised:
        first += 1  # "22:47 Our political editor": a time stamp, not part of the source
    lone = tokens[first].lower if first == last else None
    if lone in lex.determiners and lone not in lex.classes["lone_quantifiers"]:
        first += 1  # a bare "the" is no source; "Few believe", "One wrote" are
    if first > last or not any(t.is_word for t in tokens[first : last + 1]):
        return None
    return (first, end)


def _joins_names(tokens: list[Token], index: int, floor: int) -> bool:
    """ "and" inside a pair of names: "Gilles Duranton and Matthew Turner found"."""
    if tokens[index].lower != "and" or index - 1 < floor or index + 1 >= len(tokens):
        return False
    return tokens[index - 1].is_capitalised and tokens[index + 1].is_capitalised


def _is_dash(tokens: list[Token], index: int) -> bool:
    """A hyphen with a space on either side ("Global/ -- Velorin", "Paris - The firm"):
    a dash that ends a dateline or an aside, not a hyphen inside a word."""
    token = tokens[index]
    if token.text != "-":
        return False
    before = tokens[index - 1] if index > 0 else None
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    return (before is None or before.end < token.start) or (
        after is None or after.start > token.end
    )


# The legal form a company's name ends in, set off by a comma in press releases and
# filings ("Velorin Technologies, Inc."): part of the name, not an apposition.
_COMPANY_SUFFIXES = frozenset(
    {"inc", "ltd", "llc", "plc", "corp", "co", "gmbh", "ag", "sa", "nv", "bv", "llp", "lp"}
    | {"pty", "limited", "incorporated"}
)


def _before_company_suffix(tokens: list[Token], index: int, floor: int) -> int | None:
    """The last token of the name before ", Inc." when tokens[index] ends that suffix."""
    if tokens[index].text == "." and index - 1 >= floor:
        index -= 1
    if tokens[index].lower not in _COMPANY_SUFFIXES or index - 2 < floor:
        return None
    return index - 2 if tokens[index - 1].text == "," else None


def _stop_word_in_a_name(tokens: list[Token], index: int, floor: int) -> bool:
    """A clause word capitalised inside a name ("the charity Later Life East", "Since
    Dawn Ltd"), not at the sentence's start: part of the name, not the phrase's edge."""
    token = tokens[index]
    return (
        index > floor
        and token.is_word
        and token.is_capitalised
        and token.lower not in WEEKDAYS
        and index + 1 < len(tokens)
        and tokens[index + 1].is_word
        and tokens[index + 1].is_capitalised
    )


def _before_parenthetical(
    tokens: list[Token], comma: int, lex: Lexicon, floor: int
) -> TokenRange | None:
    """ "X, who spoke on condition of anonymity, said" and "X, the chair, said"."""
    opening = next((i for i in range(comma - 1, floor - 1, -1) if tokens[i].text == ","), None)
    if opening is None or opening + 1 >= comma:
        return None
    inner_first = tokens[opening + 1].lower
    before = _phrase_ending_at(tokens, opening - 1, lex, floor) if opening > floor else None
    if before is None:
        return None
    if inner_first in _RELATIVE or inner_first in _ASIDES:
        return before
    inner = _phrase_ending_at(tokens, comma - 1, lex, opening + 1)
    if inner is not None and inner[0] == opening + 1:
        return (before[0], comma - 1)  # an apposition ("the chair", "67") belongs to it
    return None


def source_after(
    tokens: list[Token], first: int, lex: Lexicon, *, inverted: bool, open_ended: bool = False
) -> TokenRange | None:
    """The noun phrase from tokens[first] on: the source after "said", "by", "according to".

    For an inverted cue ("..., said X") the phrase must end the clause: if a finite
    verb follows it, the words after the cue were the reported content, not a source.
    `open_ended` (after "according to") lets the phrase run to the next punctuation
    mark or relative clause: "figures published by the authority".
    """
    index = first
    stops = _RELATIVE if open_ended else lex.object_stops
    while index < len(tokens) and _joins(tokens[index]):
        word = tokens[index].lower
        if word in stops and not (index == first and word in lex.determiners and word != "that"):
            break
        index += 1
    last = index - 1
    if last < first:
        return None
    if inverted and index < len(tokens):
        ender = tokens[index]
        if (
            ender.is_word
            and ender.lower in lex.subject_stops
            and ender.lower not in ("on", "after")
        ):
            return None  # "..., said the deal was off": content, not a source
    while last > first and tokens[last].lower in lex.determiners:
        last -= 1
    if inverted:
        last = _named_apposition(tokens, last, lex)
    return (first, last)


def _named_apposition(tokens: list[Token], last: int, lex: Lexicon) -> int:
    """ "said the lead author, Dr Ingrid Solheim, of ...": the name after the role is part
    of the source. The phrase's last token, moved past such a name if there is one."""
    if last + 2 >= len(tokens) or tokens[last + 1].text != ",":
        return last
    index = last + 2
    while index < len(tokens) and (
        tokens[index].is_capitalised or lex.is_class(tokens[index].text, "name_particles")
    ):
        index += 1
    run = tokens[last + 2 : index]
    titled = bool(run) and lex.is_class(run[0].text.rstrip("."), "honorifics")
    return index - 1 if len(run) >= 2 and (titled or len(run) <= 4) else last
