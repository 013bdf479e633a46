"""The attribution cues of each sentence: the reporting verb or phrase, and who the source is.

For each sentence the finder reports every cue ("said", "according to", "it is
understood") with its source span ("a senior official in the transport ministry"), the
shape it was found in, and character offsets into the article. An article is read in
order so that a pronoun or a title ("she said", "the minister said") can point back to
the person named earlier (see `antecedents`), and a quotation that runs on from (or
into) a sentence with a cue is marked as belonging to that cue's source.

Cues inside a quotation are the quoted speaker's own words ("'We expect a deal,' she
said": the cue is "said", not "expect") and are not reported.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.core.suggest.antecedents import Mentions, name_ranges
from annotator.core.suggest.lexicon import Lexicon, Verb, default_lexicon
from annotator.core.suggest.source_phrases import (
    WEEKDAYS,
    TokenRange,
    source_after,
    source_before,
)
from annotator.core.suggest.tokens import Span, Token, quote_spans, tokenize

__all__ = ["Cue", "SentenceCues", "Span", "find_cues"]

_BE = frozenset({"is", "are", "was", "were", "been", "being", "be"})
_INVERSION_MARKS = frozenset({",", "—", "–", ":"})
_NOT_AFTER = frozenset({"as", "than", "all"})
_COPULAS = frozenset({"is", "was", "are", "were"})
_RELATIVES = frozenset({"who", "which", "that", "whom"})
_CONTACT_VERBS = frozenset({"spoke", "spoken", "talked", "speak", "talk"})
_FINITE_AFTER = frozenset({"has", "have", "had", "is", "are", "was", "were", "will", "would"})
_TIME_WORDS = frozenset(
    {"last", "this", "next", "week", "month", "year", "on", "in", "earlier", "yesterday", "today"}
    | WEEKDAYS
)
_CLAUSE_OPENERS = frozenset({",", "but", "and", "yet", "so"})
_ANONYMITY = frozenset({"named", "identified", "anonymity", "anonymous", "anonymously"})
_PASSIVE_ADVERBS = frozenset({"also", "not", "later", "first", "almost", "already", "since"})
_INDEFINITES = frozenset({"a", "an", "another", "some", "every", "any"})
_AGENT_CLASSES = ("roles", "vague", "organisations", "documents", "public_groups", "finders")
_SUBORDINATORS = frozenset(
    {"before", "unless", "until", "if", "because", "whether", "what", "how", "why", "than"}
    | {"while", "although", "though", "whereas"}
)


@dataclass(frozen=True)
class Cue:
    """One attribution: the cue, its source (None for "it is understood"), and how found.

    `shape` is one of source_verb, inverted, according_to, passive, passive_quoted,
    impersonal (an `idiom` of the lexicon, "tell the truth", is read but gives no cue).
    `antecedent` is the earlier mention a pronoun or title stands for: a person named
    earlier (`antecedent_kind` "person") or an earlier source ("source").
    """

    cue: Span
    source: Span | None
    shape: str
    lemma: str
    hint: str | None
    antecedent: Span | None = None
    antecedent_kind: str | None = None
    quotes: tuple[Span, ...] = ()


@dataclass
class SentenceCues:
    """The cues of one sentence; `carried` is the cue a quotation here belongs to."""

    start: int
    end: int
    cues: list[Cue] = field(default_factory=list)
    hints: list[tuple[Span, str]] = field(default_factory=list)
    carried: Cue | None = None
    quotes: tuple[Span, ...] = ()
    opens_quote: bool = False
    closes_quote: bool = False
    odd_quotes: bool = False  # an odd number of quotation marks: one opens or closes across


def find_cues(
    text: str, sentences: Sequence[tuple[int, int]], lexicon: Lexicon | None = None
) -> list[SentenceCues]:
    """The cues of each sentence (start, end) of one article, in the order given."""
    lex = lexicon or default_lexicon()
    mentions = Mentions(lex)
    results: list[SentenceCues] = []
    for start, end in sentences:
        tokens = tokenize(text, start, end)
        found = _sentence_cues(text, start, end, tokens, lex)
        resolved = []
        for cue in found.cues:
            source = cue.source
            if source is not None:
                antecedent = mentions.resolve(source)
                if antecedent is not None:
                    cue = _with(cue, antecedent=antecedent.span, antecedent_kind=antecedent.kind)
                mentions.add_source(source, antecedent)
            resolved.append(cue)
        found.cues = resolved
        mentions.add_sentence(text, tokens)
        results.append(found)
    _carry_quotes(results)
    _carry_after_colon(text, results)
    return results


def _with(cue: Cue, **changes) -> Cue:
    values = {**cue.__dict__, **changes}
    return Cue(**values)


def _sentence_cues(
    text: str, start: int, end: int, tokens: list[Token], lex: Lexicon
) -> SentenceCues:
    quotes = quote_spans(tokens, lex.quote_open, lex.quote_close)
    inside = {i for first, last in quotes for i in range(first, last + 1)}
    result = SentenceCues(start, end, quotes=tuple(_span(text, tokens, q) for q in quotes))
    result.odd_quotes = _odd_quotes(tokens)
    if quotes:
        first, last = quotes[0][0], quotes[-1][1]
        result.opens_quote = last == len(tokens) - 1 and tokens[last].text in lex.quote_open + '"'
        result.closes_quote = first == 0 and tokens[0].text in lex.quote_close
    used: set[int] = set()
    for index in range(len(tokens)):
        if index in used or index in inside:
            continue
        starts_phrase = tokens[index].lower in lex.phrase_starts
        phrase = _phrase_at(tokens, index, lex) if starts_phrase else None
        if phrase is not None:
            cue = _phrase_cue(text, tokens, index, phrase, lex)
            used.update(range(index, index + len(phrase.words)))
            if cue is not None:
                result.cues.append(cue)
            continue
        hint = _hint_at(tokens, index, lex) if starts_phrase else None
        if hint is not None:
            words, claim = hint
            used.update(range(index, index + len(words)))
            span = _span(text, tokens, (index, index + len(words) - 1))
            result.hints.append((span, claim))
            continue
        verb = lex.verbs.get(tokens[index].lower)
        if verb is not None and _is_verb_use(tokens, index, lex):
            cue = _verb_cue(text, tokens, index, verb, lex, result.cues)
            if cue is not None and _subordinate(tokens, cue, bool(result.cues)):
                used.add(index)  # "... before it promises a railway": not the main claim's
                continue
            if cue is not None:
                used.add(index)
                result.cues.append(_with(cue, quotes=_near_quotes(result)))
    return result


def _phrase_at(tokens: list[Token], index: int, lex: Lexicon):
    for phrase in lex.phrase_index.get(tokens[index].lower, ()):
        if _words_at(tokens, index, phrase.words):
            return phrase
    return None


def _hint_at(tokens: list[Token], index: int, lex: Lexicon):
    for words, claim in lex.hint_index.get(tokens[index].lower, ()):
        if _words_at(tokens, index, words):
            return words, claim
    return None


def _words_at(tokens: list[Token], index: int, words: tuple[str, ...]) -> bool:
    if index + len(words) > len(tokens):
        return False
    return all(tokens[index + k].lower == word for k, word in enumerate(words))


def _phrase_cue(text: str, tokens: list[Token], index: int, phrase, lex: Lexicon) -> Cue | None:
    last = index + len(phrase.words) - 1
    cue_span = _span(text, tokens, (index, last))
    source: TokenRange | None = None
    if phrase.shape == "idiom":
        return None  # "telling the truth", "tells a different story": no one is quoted
    if len(phrase.words) == 1 and index > 0 and tokens[index - 1].lower in _RELATIVES:
        return None  # "the governor, who reportedly clashed with ...": not the main claim
    if phrase.shape == "impersonal" and index > 0 and tokens[index - 1].lower == "what":
        return None  # "after taking what are believed to be fake tablets": a noun clause
    if phrase.shape == "according_to":
        source = source_after(tokens, last + 1, lex, inverted=False, open_ended=True)
        if source is None:
            return None
    elif phrase.shape == "passive_quoted":
        source = source_before(tokens, index, lex)
    return Cue(cue_span, _maybe_span(text, tokens, source), phrase.shape, phrase.lemma, phrase.hint)


def _is_verb_use(tokens: list[Token], index: int, lex: Lexicon) -> bool:
    """False for the noun or adjective use of a verb form ("the claims", "as expected")."""
    token = tokens[index]
    if token.is_capitalised and index > 0:
        return False  # "Said Ahmed": a name, not a verb
    if index + 1 < len(tokens) and tokens[index + 1].lower in _COPULAS and index > 0:
        return False  # "the honest answer is": a noun before its verb
    if index > 0:
        before = tokens[index - 1].lower
        if before == "to" and index > 1 and tokens[index - 2].lower in _CONTACT_VERBS:
            return True  # "Head teachers I have spoken to say": not "to say"
        if _quick_to(tokens, index):
            return True  # "Fans were quick to point out that ..."
        if index == 1 and lex.is_class(before, "lone_quantifiers") and token.lower[-1] != "s":
            return True  # "Many said", "Few believe"; not "Many claims"
        if before in ("two", "three") and index > 1 and tokens[index - 2].lower == "of":
            return True  # "The father of two denies": the number ends the subject
        if before in lex.noun_uses_after or before in _NOT_AFTER:
            return False
        if before.endswith(("'s", "’s", "s'")):
            return False  # "the Met Office's warning", "the minister's claims": a noun
    return True


def _verb_cue(
    text: str, tokens: list[Token], index: int, verb: Verb, lex: Lexicon, earlier: list[Cue]
) -> Cue | None:
    cue_last = _extended(tokens, index, lex)
    if _reduced_relative(tokens, index, cue_last):
        return None  # "The budget announced last week has been called ...": no one speaks
    cue_span = _span(text, tokens, (index, cue_last))
    if tokens[index].lower.endswith("ing") and tokens[index - 1].text == ",":
        subject = _sentence_subject(tokens, index, lex)
        if subject is not None:  # "X ruled out changes, telling a radio show ...": X's
            return Cue(cue_span, _span(text, tokens, subject), "source_verb", verb.lemma, verb.hint)
    passive = _passive_source(tokens, index, lex)
    if passive is not None and not _names_agent(tokens, passive, lex):
        return None  # "The gap is explained by lower revenue": a cause, not a source
    if passive is not None:
        return Cue(cue_span, _span(text, tokens, passive), "passive", verb.lemma, verb.hint)
    if _after_be(tokens, index) and not tokens[index].lower.endswith("ing"):
        return None  # "the deal was announced": an event, not a source speaking
    if _asks_anonymity(tokens, cue_last):
        return None  # "who asked not to be named": no claim of its own
    before = source_before(tokens, index - 2 if _quick_to(tokens, index) else index, lex)
    if (
        verb.inverts
        and _after_inversion_mark(tokens, index, lex)
        and not _opens_clause(tokens, before, lex)
        and not (verb.lemma == "tell" and before is not None)  # "X, Y, told a conference"
    ):
        after = source_after(tokens, cue_last + 1, lex, inverted=True)
        if after is not None:
            return Cue(cue_span, _span(text, tokens, after), "inverted", verb.lemma, verb.hint)
    if before is None:
        before = _coordinated_subject(tokens, index, lex)
    if before is None:
        return None
    if _noun_at_clause_end(tokens, index, lex) and not _names_someone(tokens, before, lex):
        return None  # "If that is the nanny state, ...": a noun
    if (
        verb.needs_document
        and not (
            _head_in(tokens, before, lex, "finders") or _head_in(tokens, before, lex, "documents")
        )
        and not _formulates(tokens, before, index, lex)
        and not _names_institution(tokens, before, lex)  # "The Board recorded an AQI of 430"
    ):
        return None
    if verb.needs_subject and not _names_someone(tokens, before, lex):
        return None
    if verb.subjects and not _head_in(tokens, before, lex, verb.subjects):
        return None  # "heard" is a cue only for a court, a jury, an inquest
    if verb.needs_organisation and not _names_institution(tokens, before, lex):
        return None
    if verb.needs_that and not (
        cue_last + 1 < len(tokens) and tokens[cue_last + 1].lower == "that"
    ):
        return None  # "the council submitted a plan": an act, not what it argues
    return Cue(cue_span, _span(text, tokens, before), "source_verb", verb.lemma, verb.hint)


def _subordinate(tokens: list[Token], cue: Cue, after_a_cue: bool) -> bool:
    """A cue whose source is a relative pronoun ("who asked not to be named"), opens a
    subordinate clause ("because her firm advises", "if the board says no") or stands in
    what an earlier cue reports ("Observers note that she said ..."): what it reports is
    not the sentence's main claim."""
    source = cue.source
    if source is None or cue.shape != "source_verb":
        return False
    if source.text.lower() in ("who", "which", "that"):
        return True  # "who asked not to be named" (a relative with an antecedent is resolved)
    first = next(i for i, t in enumerate(tokens) if t.start == source.start)
    if first == 0:
        return False
    before = tokens[first - 1].lower
    if _contact_clause(tokens, first, source.text):
        return True
    return before in _SUBORDINATORS or (after_a_cue and before == "that")


def _contact_clause(tokens: list[Token], first: int, source: str) -> bool:
    """ "down from the 1.6% it forecast in March", "the plan she announced": a pronoun
    right after a noun phrase opens a relative clause without "that"."""
    if source.lower() not in ("it", "he", "she", "they", "we"):
        return False
    before = tokens[first - 1]
    if before.text == "%" or before.text.replace(".", "").replace(",", "").isdigit():
        return True
    return (
        first >= 2
        and before.is_word
        and not before.is_capitalised
        and tokens[first - 2].lower in ("the", "a", "an", "this", "these", "those")
    )


def _asks_anonymity(tokens: list[Token], cue_last: int) -> bool:
    """ "asked not to be named", "declined to be identified", "requested anonymity"."""
    following = {t.lower for t in tokens[cue_last + 1 : cue_last + 6]}
    return bool(following & _ANONYMITY)


def _noun_at_clause_end(tokens: list[Token], index: int, lex: Lexicon) -> bool:
    """A verb form that is also a noun ("state", "claim") before a comma or full stop."""
    after = index + 1
    return lex.is_class(tokens[index].text, "noun_homographs") and (
        after >= len(tokens) or not tokens[after].is_word
    )


def _reduced_relative(tokens: list[Token], index: int, cue_last: int) -> bool:
    """A participle that modifies a noun ("The budget announced last week has been called
    many things"): a finite verb follows it before anything else but time words."""
    if not tokens[index].lower.endswith("ed") or index == 0 or not tokens[index - 1].is_word:
        return False
    after = cue_last + 1
    while after < len(tokens) and after <= cue_last + 4 and tokens[after].lower in _TIME_WORDS:
        after += 1
    return after < len(tokens) and tokens[after].lower in _FINITE_AFTER


def _formulates(tokens: list[Token], before: TokenRange, index: int, lex: Lexicon) -> bool:
    """A person's formulation of a point, whose verb otherwise wants a document: "put it"
    ("as the urbanist Jane Okafor put it, ...", "X put it more bluntly:") and an opening
    "As X has shown, ..." (the writer borrows X's finding)."""
    if index + 1 < len(tokens) and tokens[index].lower.startswith("put"):
        return tokens[index + 1].lower == "it"
    opener = before[0] - 1
    return (
        opener >= 0
        and tokens[opener].lower == "as"
        and (opener == 0 or tokens[opener - 1].lower in _CLAUSE_OPENERS)
        and index + 1 < len(tokens)
        and tokens[index + 1].text == ","
    )


def _quick_to(tokens: list[Token], index: int) -> bool:
    """ "Listeners were quick to slam the remarks": the verb after "quick to" is the
    listeners' own, its subject the one before "were quick"."""
    return (
        index > 2
        and tokens[index - 1].lower == "to"
        and tokens[index - 2].lower in ("quick", "swift", "keen", "eager")
    )


def _coordinated_subject(tokens: list[Token], index: int, lex: Lexicon) -> TokenRange | None:
    """ "Judge Ann Ross thanked the jurors and said ...": a verb after "and" shares the
    sentence's opening name as its subject."""
    previous = index - 1
    while previous > 0 and tokens[previous].lower in lex.auxiliaries:
        previous -= 1
    if previous <= 0 or tokens[previous].lower != "and":
        return None
    subject = _sentence_subject(tokens, previous, lex)
    if subject is None or subject[1] + 2 >= previous:
        return None  # no predicate between the name and "and": "Good morning and welcome"
    named = tokens[subject[0] : subject[1] + 1]
    return subject if name_ranges(named, lex) else None


def _sentence_subject(tokens: list[Token], limit: int, lex: Lexicon) -> TokenRange | None:
    """The name that opens a sentence ("Treasurer Jim Halloran", "Vesterland's central
    bank"), the source of a participle cue after a comma ("..., saying ...")."""
    first = 1 if tokens and tokens[0].lower in ("but", "and", "so", "yet") else 0
    index = first
    while index < limit and _subject_word(tokens, index, lex):
        index += 1
    last = index - 1
    while last >= first and not (
        tokens[last].is_capitalised or _institution_word(tokens[last], lex)
    ):
        last -= 1
    if last < first or not tokens[first].is_capitalised:
        return None
    return (first, last)


def _subject_word(tokens: list[Token], index: int, lex: Lexicon) -> bool:
    token = tokens[index]
    if token.is_capitalised or token.text in ("'s", "’s", "-", "&"):
        return True
    if token.lower in lex.determiners or _institution_word(token, lex):
        return True
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return token.is_word and following is not None and _institution_word(following, lex)


def _institution_word(token: Token, lex: Lexicon) -> bool:
    return lex.is_class(token.text, "organisations") or lex.is_class(token.text, "roles")


def _extended(tokens: list[Token], index: int, lex: Lexicon) -> int:
    """The cue's last token: "said in a statement" is one cue."""
    for words in lex.extensions:
        if _words_at(tokens, index + 1, words):
            return index + len(words)
    return index


def _passive_source(tokens: list[Token], index: int, lex: Lexicon) -> TokenRange | None:
    """ "it was announced by the ministry": the source after "by"."""
    if not _after_be(tokens, index):
        return None
    if index + 1 >= len(tokens) or tokens[index + 1].lower != "by":
        return None
    return source_after(tokens, index + 2, lex, inverted=False)


def _after_be(tokens: list[Token], index: int) -> bool:
    """Whether a form of "be" stands before tokens[index], adverbs apart ("was also
    announced", "is almost entirely explained"): a passive."""
    before = index - 1
    while before >= 0 and (
        tokens[before].lower in _PASSIVE_ADVERBS
        or (tokens[before].lower.endswith("ly") and len(tokens[before].text) > 3)
    ):
        before -= 1
    return before >= 0 and tokens[before].lower in _BE


def _after_inversion_mark(tokens: list[Token], index: int, lex: Lexicon) -> bool:
    """Whether the verb follows a comma or a closing quotation: "..., said X"."""
    if index == 0:
        return False
    before = tokens[index - 1].text
    return before in _INVERSION_MARKS or before in lex.quote_close or before == '"'


def _opens_clause(tokens: list[Token], phrase: TokenRange | None, lex: Lexicon) -> bool:
    """Whether a subject found before a comma starts its clause ("Ilse Brandt, the chair,
    said"): then the verb is not inverted, even though a comma stands before it."""
    if phrase is None:
        return False
    first = phrase[0]
    return first == 0 or tokens[first - 1].text in lex.quote_close + lex.quote_open + '":;'


def _head_in(tokens: list[Token], phrase: TokenRange, lex: Lexicon, word_class: str) -> bool:
    return any(lex.is_class(tokens[i].text, word_class) for i in range(phrase[0], phrase[1] + 1))


def _names_institution(tokens: list[Token], phrase: TokenRange, lex: Lexicon) -> bool:
    """A subject that is an institution, whose acts ("voted", "launched") are its word."""
    words = tokens[phrase[0] : phrase[1] + 1]
    return any(
        lex.is_class(t.text, "organisations")
        or (t.is_capitalised and lex.is_class(t.text, "organisation_name_words"))
        or (t.text.isupper() and len(t.text) > 1)
        for t in words
    )


def _names_someone(tokens: list[Token], phrase: TokenRange, lex: Lexicon) -> bool:
    """A subject a cognition verb ("think", "plan") can be an attribution of."""
    head = tokens[phrase[1]]
    if head.lower in ("he", "she", "they", "i", "we") or (head.is_capitalised and phrase[1] > 0):
        return True
    if head.lower.endswith("s") and head.lower not in lex.auxiliaries:
        return True  # a group: "fans fear", "planners call"
    classes = ("roles", "vague", "organisations", "lone_quantifiers")
    if any(lex.is_class(head.text, name) for name in classes):
        return True
    first = tokens[phrase[0]].lower  # "The agency's report projects"; not "another report"
    return lex.is_class(head.text, "documents") and first not in _INDEFINITES


def _names_agent(tokens: list[Token], phrase: TokenRange, lex: Lexicon) -> bool:
    """A "by" phrase that names who acted ("by the ministry", "by officials", "by Ms
    Roe"), not a cause ("explained by lower revenue")."""
    return any(
        token.is_capitalised or any(lex.is_class(token.text, name) for name in _AGENT_CLASSES)
        for token in tokens[phrase[0] : phrase[1] + 1]
    )


def _near_quotes(result: SentenceCues) -> tuple[Span, ...]:
    """The quotations a cue introduces: those after the previous cue of the sentence, so
    both halves of a split quote ('"We are ready," she said, "but ..."') belong to it."""
    previous_end = result.cues[-1].cue.end if result.cues else result.start
    return tuple(quote for quote in result.quotes if quote.end > previous_end)


def _span(text: str, tokens: list[Token], token_range: TokenRange) -> Span:
    start, end = tokens[token_range[0]].start, tokens[token_range[1]].end
    return Span(start, end, text[start:end])


def _maybe_span(text: str, tokens: list[Token], token_range: TokenRange | None) -> Span | None:
    return None if token_range is None else _span(text, tokens, token_range)


def _closes_earlier_quote(before: SentenceCues, sentence: SentenceCues) -> bool:
    """Whether a sentence without a cue closes a quotation its cued predecessor opened
    ('X said: "We are leaving.' then 'Nobody can stop us."')."""
    return (
        bool(before.cues or before.carried)
        and before.odd_quotes
        and sentence.odd_quotes
        and not sentence.cues
        and bool(sentence.quotes)
        and sentence.quotes[-1].end >= sentence.end - 1
    )


def _carry_after_colon(text: str, results: list[SentenceCues]) -> None:
    """A sentence after one that ends in a colon ("..., the minister has tweeted:") is what
    that colon introduced: it belongs to that sentence's cue."""
    for before, sentence in itertools.pairwise(results):
        if sentence.cues or sentence.carried or not before.cues:
            continue
        if text[before.start : before.end].rstrip().endswith(":"):
            sentence.carried = before.cues[-1]


def _odd_quotes(tokens: list[Token]) -> bool:
    marks = [t.text for t in tokens if t.text == '"' or t.text in "“”"]
    return len(marks) % 2 == 1


def _carry_quotes(results: list[SentenceCues]) -> None:
    """A quotation with no cue of its own belongs to the cue of the quotation it continues."""
    for position, sentence in enumerate(results):
        before = results[position - 1] if position > 0 else None
        if before is not None and _closes_earlier_quote(before, sentence):
            sentence.carried = before.cues[-1] if before.cues else before.carried
            continue  # '... said: "The owners have gone.' then 'Everyone knows it."'
        if sentence.cues or not sentence.quotes:
            continue
        if sentence.quotes[0].start != sentence.start and not sentence.closes_quote:
            continue  # a quoted word inside the writer's own sentence
        before = results[position - 1] if position > 0 else None
        after = results[position + 1] if position + 1 < len(results) else None
        if after is not None and sentence.opens_quote and after.cues and after.closes_quote:
            sentence.carried = after.cues[0]
        elif before is not None and (before.cues or before.carried):
            sentence.carried = before.cues[0] if before.cues else before.carried
