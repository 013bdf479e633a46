"""What a source span says about the source: the features the rule sets map to codes.

"A senior official in the transport ministry" has a role ("official") and an
affiliation ("in the transport ministry"); "Senior diplomatic sources" is vague
("sources") but modified; "Tomas Reyer" is a person's name. The phrase is read as a
head noun with words before it (modifiers) and after it (a post-modifier starting with
"in", "at", "familiar with", ...). Feature names are the vocabulary of the rule files.
"""

from __future__ import annotations

from annotator.core.suggest.antecedents import Mentions
from annotator.core.suggest.lexicon import Lexicon
from annotator.core.suggest.tokens import Token, tokenize

_INDEFINITE = frozenset(
    {"a", "an", "some", "several", "many", "two", "three", "four", "five", "one", "other"}
    | {"another", "few"}
)


def source_features(text: str | None, lex: Lexicon, *, refers_to_person: bool = False) -> set[str]:
    """The features of one source phrase (None: a cue with no source, "it is understood")."""
    if text is None:
        return {"impersonal"}
    tokens = [t for t in tokenize(text, 0, len(text)) if t.is_word]
    if not tokens:
        return {"impersonal"}
    features: set[str] = {"refers_to_person"} if refers_to_person else set()
    lower = [t.lower for t in tokens]
    classes = lex.classes
    if len(tokens) == 1 and lower[0] in classes["pronouns_person"]:
        return features | {"pronoun", "pronoun_person"}
    if (
        len(tokens) == 1
        and lower[0] in classes["pronouns_group"] | classes["pronouns_organisation"]
    ):
        return features | {"pronoun", "pronoun_group"}
    main, apposition = _split_apposition(text, tokens)
    pre, post = _split_post_modifier(main, lex)
    head = pre[-1]
    names = Mentions(lex)._names(pre) + Mentions(lex)._names(apposition)
    if names:
        features.add("person_name")
    head_word = head.lower.removesuffix("'s").removesuffix("’s")
    if head.is_capitalised and (
        lex.is_class(head_word, "organisation_name_words")
        or (head.text.isupper() and len(head.text) > 1)
    ):
        features.add("organisation_name")
    if any(lex.is_class(t.text, "organisation_name_words") and t.is_capitalised for t in pre[1:]):
        features.add("organisation_name")
    if head_word in classes["documents"]:
        features.add("document")
    if head_word in classes["organisations"]:
        features.add("organisation")
    if head_word in classes["roles"]:
        features.add("role")
    if head_word in classes["vague"]:
        features.add("vague")
    determiner = pre[0].lower if pre[0].lower in lex.determiners else None
    if determiner in (
        "a",
        "an",
        "some",
        "several",
        "many",
        "two",
        "three",
        "four",
        "five",
        "one",
        "other",
        "another",
        "few",
    ) or (
        determiner is None and head_word.endswith("s") and not head.is_capitalised and len(pre) >= 1
    ):
        features.add("indefinite")
        if head_word.endswith("s") and determiner is None:
            features.add("indefinite_plural")
    modifiers = [t for t in pre[:-1] if t.lower not in lex.determiners]
    if modifiers:
        features.add("modified")
    if _affiliated(modifiers, post, lex):
        features.add("affiliation")
    if (
        len(pre) == 1
        and head.is_capitalised
        and not features & {"organisation", "role", "vague", "document"}
    ):
        features.add("capitalised_single")
    return features


def _split_apposition(text: str, tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    """ "A Kolvian government spokesperson, Mr. Anton Weir": the phrase and its apposition."""
    comma = text.find(",")
    if comma < 0:
        return tokens, []
    main = [t for t in tokens if t.end <= comma]
    return (main or tokens), [t for t in tokens if t.start > comma]


def _split_post_modifier(tokens: list[Token], lex: Lexicon) -> tuple[list[Token], list[Token]]:
    starts = lex.classes["post_modifier_starts"]
    for index, token in enumerate(tokens):
        if index > 0 and token.lower in starts:
            return tokens[:index], tokens[index:]
    return tokens, []


def _affiliated(modifiers: list[Token], post: list[Token], lex: Lexicon) -> bool:
    """An affiliation: a named or institutional modifier ("a ministry spokesman", "a Nordbank
    analyst"), or a post-modifier "in/at/for/of/to" naming one ("an aide to the premier")."""
    classes = lex.classes
    for token in modifiers:
        word = token.lower
        if word in classes["organisations"] or (
            token.is_capitalised
            and word not in classes["not_names"]
            and word not in lex.determiners
        ):
            return True
    if not post or post[0].lower not in classes["affiliation_links"]:
        return False
    if post[0].lower in classes["broad_links"]:
        return False
    return any(
        (t.is_capitalised and t.lower not in classes["not_names"])
        or t.lower in classes["organisations"]
        or t.lower in classes["roles"]
        for t in post[1:]
    )
