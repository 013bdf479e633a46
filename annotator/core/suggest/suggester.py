"""Suggested codes for each sentence, from its cues and a rule set.

The cue finder says who is quoted; the rule set (see `rules`) says what that means in
the codebook: the attribution level from the source's features, a claim-type hint from
the cue ("expect" -> prediction; "say" carries none), and the suggester's confidence
as a code of the confidence field. Every suggested code has a confidence in [0, 1] and
a reason a coder can check ("because 'Sources said'").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from annotator.core.codebook import Codebook
from annotator.core.suggest.antecedents import PERSON
from annotator.core.suggest.cues import Cue, SentenceCues, Span, find_cues
from annotator.core.suggest.interviews import QUESTION, interview_roles
from annotator.core.suggest.lexicon import Lexicon, default_lexicon
from annotator.core.suggest.rules import RuleSet, rules_for
from annotator.core.suggest.source_features import source_features

ENGINE_VERSION = "1.0"
_CLOSING = re.compile(r"^(\s+\w+){0,3}\s*[.!?\"”’]*\s*$")  # " on Tuesday."
_REASON_GAP = 60  # a source and cue further apart than this are quoted separately
# "The Coast Courier understands ...", "The Irish Times has learned ...": a news outlet
# passing on what its unnamed sources told it (lexicon.json limits the subjects to outlets).
_OUTLET_SOURCES = "outlet_sources"


@dataclass(frozen=True)
class FieldSuggestion:
    field: str
    code: str
    confidence: float
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "confidence": self.confidence, "reason": self.reason}


@dataclass(frozen=True)
class UnitSuggestion:
    """The suggestion for one sentence: codes by field, and the cue it rests on (if any)."""

    start: int
    end: int
    codes: dict[str, FieldSuggestion]
    cue: Cue | None = None
    cues: tuple[Cue, ...] = ()
    carried: bool = False
    hints: tuple[Span, ...] = field(default_factory=tuple)

    @property
    def confidence(self) -> float:
        return min((s.confidence for s in self.codes.values()), default=0.0)

    def codes_to_apply(self, exclude: Sequence[str] = ()) -> dict[str, str]:
        return {key: s.code for key, s in self.codes.items() if key not in exclude}


class Suggester:
    """Suggestions for one codebook with one rule set (see `for_codebook`)."""

    def __init__(self, codebook: Codebook, rules: RuleSet, lexicon: Lexicon | None = None):
        self.codebook = codebook
        self.rules = rules
        self.lexicon = lexicon or default_lexicon()
        self._no_cue = [(re.compile(r.pattern), r) for r in rules.attribution.no_cue]
        scale = codebook.field(rules.attribution.field).categories
        self._rank = {c.code: (c.outside_scale, c.value or 0.0) for c in scale}

    @classmethod
    def for_codebook(cls, codebook: Codebook) -> Suggester | None:
        """The suggester of a codebook, or None when its codebook asks for no suggestions."""
        rules = rules_for(codebook)
        return cls(codebook, rules) if rules else None

    @property
    def version(self) -> str:
        """Engine and rule-set versions, as recorded in the history ("suggester 1.0+1.0")."""
        return f"suggester {ENGINE_VERSION}+{self.rules.version}"

    @property
    def threshold(self) -> float:
        """The confidence below which a suggestion is withheld: the window shows "no
        suggestion" rather than a code that is likely wrong."""
        return self.rules.attribution.show_from

    def withheld(self, suggestion: UnitSuggestion) -> bool:
        """Whether the suggestion's attribution is too unsure to show."""
        attribution = suggestion.codes.get(self.rules.attribution.field)
        return attribution is None or attribution.confidence < self.threshold

    @property
    def confidence_field(self) -> str | None:
        """The field coding the coder's own confidence: the suggester fills it only as a
        coder of its own, never into a human's codes."""
        return self.rules.confidence.field if self.rules.confidence else None

    def suggest_article(
        self, text: str, sentences: Sequence[tuple[int, int]]
    ) -> list[UnitSuggestion]:
        """One suggestion per sentence (start, end) of one article, in the order given."""
        found = find_cues(text, sentences, self.lexicon)
        roles = interview_roles(text, sentences)
        return [
            self._in_interview(self._suggest(text, sentence), role)
            for sentence, role in zip(found, roles, strict=True)
        ]

    def _in_interview(self, suggestion: UnitSuggestion, role: str | None) -> UnitSuggestion:
        """In a Q&A, a question is no claim and an answer is the interviewee's."""
        field = self.rules.attribution.field
        interview = self.rules.attribution.interview
        current = suggestion.codes.get(field)
        if role is None or interview is None or current is None:
            return suggestion
        code = interview.question if role == QUESTION else interview.answer
        if current.code == code:
            return suggestion
        reason = (
            "a question of the interviewer in a Q&A"
            if role == QUESTION
            else "an answer in a Q&A interview: the interviewee's"
        )
        codes = dict(suggestion.codes)
        codes[field] = FieldSuggestion(field, code, interview.confidence, reason)
        confidence_field = self.confidence_field
        if confidence_field in codes:
            codes[confidence_field] = self._band_suggestion(interview.confidence) or codes.pop(
                confidence_field
            )
        return replace(suggestion, codes=codes)

    def _suggest(self, text: str, sentence: SentenceCues) -> UnitSuggestion:
        attribution = self.rules.attribution
        chosen, carried = None, False
        service = self._service_line(text[sentence.start : sentence.end])
        if service is not None:
            code, confidence, reason = service
        elif sentence.cues:
            judged = [(self._judge(cue, sentence), cue) for cue in sentence.cues]
            governing = _final_attribution(text, sentence) if len(judged) > 1 else None
            if attribution.final_attribution_governs and governing is not None:
                judged = [item for item in judged if item[1] is governing]
            elif attribution.several_cues == "most_transparent":
                judged.sort(key=lambda item: self._rank.get(item[0][0], (True, 99.0)))
            (code, confidence), chosen = judged[0]
            reason = _reason(text, chosen)
        elif sentence.carried is not None:
            chosen, carried = sentence.carried, True
            code, confidence = self._judge(chosen, None)
            confidence *= attribution.carried_quote_factor
            reason = f"a quotation continued from {_reason(text, chosen)}"
        else:
            code, confidence, reason = self._without_cue(text[sentence.start : sentence.end])
        codes: dict[str, FieldSuggestion] = {}
        if code:  # a rule set whose no-cue rules match nothing here suggests nothing
            codes[attribution.field] = FieldSuggestion(attribution.field, code, confidence, reason)
        hint = self._hint(text, chosen if not carried else None, sentence)
        if hint is not None:
            codes[hint.field] = hint
        band = self._band_suggestion(confidence) if code else None
        if band is not None:
            codes[band.field] = band
        return UnitSuggestion(
            sentence.start,
            sentence.end,
            codes,
            chosen,
            tuple(sentence.cues),
            carried,
            tuple(span for span, _ in sentence.hints),
        )

    def _band_suggestion(self, confidence: float) -> FieldSuggestion | None:
        """The suggester's confidence as a code of the codebook's confidence field."""
        if self.rules.confidence is None:
            return None
        bands = self.rules.confidence.bands
        band = next((c for floor, c in bands if confidence >= floor), None)
        if band is None:
            return None
        key = self.rules.confidence.field
        return FieldSuggestion(
            key, band, confidence, f"the suggester's confidence {confidence:.2f}"
        )

    def _judge(self, cue: Cue, sentence: SentenceCues | None) -> tuple[str, float]:
        """The attribution code and confidence of one cue, by the first matching rule."""
        source = cue.source if cue.shape not in ("impersonal", "proceedings") else None
        initial = sentence is not None and source is not None and source.start == sentence.start
        features = source_features(
            source.text if source else None, self.lexicon, sentence_initial=initial
        )
        if cue.shape == "proceedings":
            features = {"proceedings"}  # "the jury was told": the record of a named hearing
        if cue.lemma == _OUTLET_SOURCES:
            features = {"outlet_sources"}  # "The Courier understands": its unnamed sources
        if cue.antecedent_kind == PERSON:
            features.add("refers_to_person")
        elif cue.antecedent is not None:
            features = source_features(cue.antecedent.text, self.lexicon) | {"pronoun"}
        for rule in self.rules.attribution.source_rules:
            if set(rule.when) <= features and not set(rule.unless) & features:
                return rule.code, rule.confidence
        last = self.rules.attribution.source_rules[-1]
        return last.code, last.confidence

    def _service_line(self, sentence: str) -> tuple[str, float, str] | None:
        """A credit or service line ("X contributed to this report", "Anyone with
        information is asked to call ..."): no claim, whatever cue it has."""
        for pattern, rule in self._no_cue:
            if rule.even_with_cue and pattern.search(sentence.strip()):
                return (
                    rule.code,
                    rule.confidence,
                    rule.reason or "a credit or service line, not a claim",
                )
        return None

    def _without_cue(self, sentence: str) -> tuple[str, float, str]:
        for pattern, rule in self._no_cue:
            if pattern.search(sentence.strip()):
                return (
                    rule.code,
                    rule.confidence,
                    rule.reason or "no attribution cue in the sentence",
                )
        return "", 0.0, ""

    def _hint(self, text: str, cue: Cue | None, sentence: SentenceCues) -> FieldSuggestion | None:
        hints = self.rules.claim_hint
        if hints is None:
            return None
        if cue is not None and cue.hint in hints.codes:
            code = hints.codes[cue.hint]
            return FieldSuggestion(hints.field, code, hints.confidence, f"the cue '{cue.cue.text}'")
        for span, hint in sentence.hints:
            if hint in hints.codes:
                code = hints.codes[hint]
                return FieldSuggestion(hints.field, code, hints.confidence, f"'{span.text}'")
        return None


def _final_attribution(text: str, sentence: SentenceCues) -> Cue | None:
    """A cue that closes its sentence after a comma or quotation ("..., two sources said.")
    governs the cues in the words before it: they are its content."""
    last = sentence.cues[-1]
    if last.source is None or last.shape not in ("source_verb", "inverted"):
        return None
    first = min(last.source.start, last.cue.start)
    end = max(last.source.end, last.cue.end)
    before = text[sentence.start : first].rstrip()
    after = text[end : sentence.end]
    if not before.endswith((",", '"', "”", "’")) or not _CLOSING.match(after):
        return None
    return last


def _reason(text: str, cue: Cue) -> str:
    """The words a coder checks: "'Sources said'", or "'the chair' ... 'said'"."""
    if cue.source is None:
        return f"'{cue.cue.text}'"
    first, second = sorted((cue.source, cue.cue), key=lambda span: span.start)
    if 0 <= second.start - first.end <= _REASON_GAP:
        shown = f"'{' '.join(text[first.start : second.end].split())}'"
    else:
        shown = f"'{first.text}' … '{second.text}'"
    if cue.antecedent is not None:
        shown += f" ({cue.source.text} = {cue.antecedent.text})"
    return shown
