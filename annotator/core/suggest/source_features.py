"""What a source span says about the source: the features the rule sets map to codes.

"A senior official in the transport ministry" has a role ("official") and an
affiliation ("in the transport ministry"); "Senior diplomatic sources" is vague
("sources") but modified; "Tomas Reyer" is a person's name. The phrase is read as a
head noun with words before it (modifiers) and after it (a post-modifier starting with
"in", "at", "familiar with", ...), and an apposition after a comma ("The developer,
Quayside Homes"). Feature names are the vocabulary of the rule files.
"""

from __future__ import annotations

from annotator.core.suggest.antecedents import name_ranges
from annotator.core.suggest.lexicon import Lexicon
from annotator.core.suggest.tokens import Token, tokenize

_INDEFINITE = frozenset(
    {"a", "an", "some", "several", "many", "two", "three", "four", "five", "one", "other"}
    | {"another", "few", "most", "no"}
)
_POSSESSIVE_DETERMINERS = frozenset({"his", "her", "their", "its", "our", "my", "your"})
_PEOPLE_MODIFIERS = frozenset({"senior", "leading", "prominent", "party", "political"})
_KNOWN_KINDS = frozenset({"organisation", "role", "vague", "document"})
_SYNONYMS = {"cops": "police"}  # "cops said": the force, as "police said"
# "..., a jury has heard": the lede formula of court copy, the writer's summary of a case
# the next sentences attribute to the named court (the gold's convention).
_UNNAMED_HEARINGS = frozenset({"court", "jury", "inquest", "tribunal", "hearing"})


def source_features(text: str | None, lex: Lexicon, *, sentence_initial: bool = False) -> set[str]:
    """The features of one source phrase (None: a cue with no source, "it is understood").

    `sentence_initial`: the phrase starts its sentence, so its first capital says nothing.
    """
    if text is None:
        return {"impersonal"}
    tokens = [t for t in tokenize(text, 0, len(text)) if t.is_word]
    if not tokens:
        return {"impersonal"}
    classes = lex.classes
    if _writer_medium(tokens, lex):
        return {"writer"}  # "This newspaper has long argued": the writer's own voice
    if " ".join(t.lower for t in tokens) in classes["negative_sources"]:
        return {"nobody"}  # "Nobody disputes that ...": the writer's claim about everyone
    if len(tokens) == 1:
        single = _single_word(tokens[0], lex)
        if single:
            return single
    main, apposition = _split_apposition(text, tokens)
    pre, post = _split_post_modifier(main, lex)
    if post and pre[-1].is_capitalised and lex.is_class(main[-1].text, "roles"):
        pre, post = main, []  # "A Department for Education spokesperson": the role heads it
    head = pre[-1]
    bare = _bare(head.lower)
    head_word = _SYNONYMS.get(bare, bare)
    features: set[str] = set()
    capital = head.is_capitalised and not (sentence_initial and len(pre) == 1)
    features |= _entity(main, pre, post, apposition, head_word, lex)
    if capital and (
        lex.is_class(head_word, "organisation_name_words")
        or (head.text.isupper() and len(head.text) > 1 and head_word not in classes["roles"])
    ):
        features.add("organisation_name")
    for word_class in ("documents", "organisations", "roles", "vague"):
        if head_word in classes[word_class]:
            features.add(word_class.removesuffix("s") if word_class != "vague" else "vague")
    if head_word in classes["people_figures"] and _broadly_modified(pre):
        features = (features - {"document"}) | {"role"}  # "Senior figures in the party"
    determiner = pre[0].lower if pre[0].lower in lex.determiners else None
    plural = head_word.endswith("s") and not capital
    if determiner in _INDEFINITE or (determiner is None and plural):
        features.add("indefinite")
    if determiner == "the" or determiner in _POSSESSIVE_DETERMINERS or _possessed(pre):
        features.add("definite")
    if determiner is None and head_word == "counsel":
        features.add("definite")  # "Counsel for the accused said": legal English, no article
    if determiner in ("a", "an") and head_word in _UNNAMED_HEARINGS and len(pre) <= 2:
        features.add("unnamed_hearing")
    if not plural:
        features.add("singular")
    first_counts = 1 if sentence_initial else 0
    modifiers = [
        t
        for t in pre[:-1]
        if t.lower not in lex.determiners and t.lower not in classes["empty_modifiers"]
    ]  # "a well-placed insider" says no more about the insider than "an insider"
    if modifiers:
        features.add("modified")
    if determiner in _POSSESSIVE_DETERMINERS or _affiliated(
        modifiers, post, lex, skip_capital=pre[:first_counts]
    ):
        features.add("affiliation")
    if plural and not features & {"organisation", "role", "vague", "document"}:
        features.add("group")
    if len(pre) == 1 and head.is_capitalised and not features & _KNOWN_KINDS and not plural:
        features.add("capitalised_single")  # "Zavio said", "Westway said", first or not
    if _stance(head_word, post, lex):
        features -= {"affiliation", "modified"}
    elif head_word in classes["public_groups"]:
        features.add("public_group")  # "residents of Ulvar", "farmers in the Mallee"
    if head_word in classes["institutional_roles"]:
        features.add("institutional_role")  # "a spokesman": someone's spokesman
    if head_word in classes["research_teams"] and "definite" in features:
        features.add("research_team")  # "the researchers found": the study's authors
    if modifiers and all(_bare(t.lower) in classes["broad_affiliations"] for t in modifiers):
        features.add("broad")  # "a Western diplomat", "a senior official"
    return features


def _broadly_modified(pre: list[Token]) -> bool:
    """ "Senior figures", "leading figures": people, not numbers."""
    return any(t.lower in _PEOPLE_MODIFIERS for t in pre[:-1])


def _writer_medium(tokens: list[Token], lex: Lexicon) -> bool:
    """ "This newspaper", "this column", "our paper": the outlet writing, not a source."""
    return (
        len(tokens) == 2
        and tokens[0].lower in ("this", "our")
        and lex.is_class(tokens[1].text, "writer_media")
    )


def _stance(head_word: str, post: list[Token], lex: Lexicon) -> bool:
    """ "Supporters of the change", "critics of the Government's approach": a stance on a
    policy, no group a reader could place ("supporters of the club", "allies of the
    minister" can be placed: their object is an institution or a person)."""
    if head_word not in lex.classes["vague"] or len(post) < 2 or post[0].lower != "of":
        return False
    last = post[-1]
    return not (
        last.is_capitalised
        or lex.is_class(_bare(last.lower), "organisations")
        or lex.is_class(_bare(last.lower), "roles")
        or lex.is_class(_bare(last.lower), "person_descriptions")  # "friends of the presenter"
    )


def _single_word(token: Token, lex: Lexicon) -> set[str]:
    word = token.lower
    classes = lex.classes
    if word in classes["pronouns_person"]:
        return {"pronoun", "pronoun_person"}
    if word in classes["pronouns_group"]:
        return {"pronoun", "pronoun_group"}
    if word in classes["pronouns_organisation"]:
        return {"pronoun", "pronoun_organisation"}
    if word in classes["pronouns_writer"]:
        return {"pronoun", "writer"}
    if word in classes["lone_quantifiers"] and word not in classes["vague"]:
        return {"member"}
    return set()


def _entity(main, pre, post, apposition, head_word: str, lex: Lexicon) -> set[str]:
    """A person's or organisation's name in the phrase, its apposition or its "by" phrase."""
    found: set[str] = set()
    for first, last in name_ranges(pre, lex):
        if first > 0 and lex.is_class(pre[first - 1].text, "organisations"):
            found.add("organisation_name")  # "the charity Focus Hearth"
        elif last + 1 < len(pre) and not pre[last + 1].is_capitalised:
            continue  # "a Downing Street spokesman": the name is the role's affiliation
        else:
            found.add("person_name")
    if apposition:
        if any(
            t.is_capitalised and lex.is_class(t.text, "organisation_name_words") for t in apposition
        ):
            found.add("organisation_name")
        elif name_ranges(apposition, lex):
            found.add("person_name")
        elif apposition[0].is_capitalised and head_word in lex.classes["organisations"]:
            found.add("organisation_name")  # "The developer, Quayside Homes"
    if post and post[0].lower == "by" and name_ranges(post, lex):
        if any(t.is_capitalised and lex.is_class(t.text, "organisation_name_words") for t in post):
            found.add("organisation_name")  # "a survey by the Institute of Development Economics"
        else:
            found.add("person_name")  # "a study by the economists Gilles Duranton and ..."
    if (
        post
        and pre[-1].is_capitalised
        and head_word not in lex.classes["documents"]
        and not pre[-1].lower.endswith("s")
        and not lex.is_class(pre[-1].text, "organisation_name_words")
        and any(r[1] == len(post) - 1 for r in name_ranges(post, lex))
    ):
        found.add("person_name")  # "Minister for Health Ms Aoife Brennan"
    capitals = [t for t in pre if t.is_capitalised and t.lower not in lex.determiners]
    if (
        pre[-1].is_capitalised
        and len(capitals) >= 2
        and any(lex.is_class(t.text, "organisation_name_words") for t in capitals)
    ):  # "Western Power Distribution"; not "Senior NHS managers", a role with its employer
        found.add("organisation_name")
    if len(pre) >= 2 and pre[-1].is_capitalised and lex.is_class(pre[-2].text, "organisations"):
        found.add("organisation_name")  # "grid operator NorthNet"
    return found


def _bare(word: str) -> str:
    return word.removesuffix("'s").removesuffix("’s").rstrip("'’")


def _possessed(pre: list[Token]) -> bool:
    return any(t.lower.endswith(("'s", "’s", "s'")) for t in pre[:-1])


def _split_apposition(text: str, tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    """ "A Kolvian government spokesperson, Mr. Anton Weir": the phrase and its apposition."""
    comma = text.find(",")
    if comma < 0:
        return tokens, []
    main = [t for t in tokens if t.end <= comma]
    rest = [t for t in tokens if t.start > comma]
    if not main:
        return tokens, []
    return main, rest


def _split_post_modifier(tokens: list[Token], lex: Lexicon) -> tuple[list[Token], list[Token]]:
    starts = lex.classes["post_modifier_starts"]
    for index, token in enumerate(tokens):
        if index > 0 and token.lower in starts:
            return tokens[:index], tokens[index:]
    return tokens, []


def _affiliated(modifiers: list[Token], post: list[Token], lex: Lexicon, skip_capital) -> bool:
    """An affiliation: an institutional modifier ("a ministry spokesman", "a Nordbank
    analyst", "a finance minister"), or a post-modifier naming one ("an aide to the
    premier", "a source close to the couple", "a doctor there")."""
    classes = lex.classes
    for token in modifiers:
        word = _bare(token.lower)
        if word in classes["broad_affiliations"] or word.endswith("-based"):
            continue  # "a senior official"; "a London-based analyst": a place, no employer
        if word in classes["organisations"] or word in classes["portfolios"]:
            return True
        acronym = token.text.isupper() and len(token.text) > 1  # "NHS bosses", first or not
        if (
            token.is_capitalised
            and (token not in skip_capital or acronym)
            and word not in classes["not_names"]
        ):
            return True
    if not post or post[0].lower not in classes["affiliation_links"]:
        return False
    if post[0].lower in ("close", "there", "here", "representing"):
        return True
    broad = classes["broad_affiliations"]
    return any(
        (t.is_capitalised and t.lower not in classes["not_names"])
        or (_bare(t.lower) in classes["organisations"] and t.lower not in broad)
        or t.lower in classes["roles"]
        or t.lower in classes["person_descriptions"]  # "friends of the presenter"
        or t.lower in classes["workplaces"]
        for t in post[1:]
    )
