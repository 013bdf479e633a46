"""Rule sets: how cues and sources become codes of a codebook's fields.

A rule set is data (a bundled `data/rules-*.json`, or an object inside a codebook), so
the engine stays generic: it computes features of each source ("person_name",
"role", "affiliation", ...) and the rule set says which code of which field they
mean. A codebook chooses its rules with the optional key `suggestion_rules`:

- absent: the first bundled rule set whose fields and codes the codebook has (the
  source-reliability codebook gets `source-attribution`; a codebook about something
  else gets none, and so no suggestions);
- `"none"`: no suggestions (a blind study's codebook can say so once, for everyone);
- a bundled rule set's name: that one, refused in one line if it does not fit;
- an object: a rule set of its own, stored with the codebook and so with the project.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from annotator.core.codebook import Codebook
from annotator.core.errors import AnnotatorError
from annotator.core.suggest.data_files import bundled_names, load_data_file

RULES_PREFIX = "rules-"
OFF = "none"
Confidence = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRule(_Strict):
    """Features that must all be present (and none of `unless`) for `code`."""

    when: list[str]
    unless: list[str] = Field(default_factory=list)
    code: str
    confidence: Confidence


class NoCueRule(_Strict):
    """For a sentence without a cue: a regular expression on its text, and the code."""

    pattern: str
    code: str
    confidence: Confidence
    even_with_cue: bool = False  # a credit or service line is no claim, cue or not
    reason: str = ""  # what the coder is told ("a question: no claim"); a default if empty

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"pattern {pattern!r} is not a regular expression ({error})") from None
        return pattern


class InterviewRules(_Strict):
    """Codes for a Q&A interview's questions (no claim) and answers (the interviewee's)."""

    question: str
    answer: str
    confidence: Confidence


class AttributionRules(_Strict):
    field: str
    source_rules: Annotated[list[SourceRule], Field(min_length=1)]
    several_cues: str = "most_transparent"
    final_attribution_governs: bool = False
    carried_quote_factor: Confidence = 0.9
    show_from: Confidence = 0.0  # below this confidence the window shows "no suggestion"
    no_cue: list[NoCueRule] = Field(default_factory=list)
    interview: InterviewRules | None = None

    @field_validator("several_cues")
    @classmethod
    def _known_combination(cls, value: str) -> str:
        if value not in ("most_transparent", "first"):
            raise ValueError("several_cues must be 'most_transparent' or 'first'")
        return value


class HintRules(_Strict):
    """Claim-type hints of cues ("expect" -> prediction) as codes of a field."""

    field: str
    codes: dict[str, str]
    confidence: Confidence


class ConfidenceRules(_Strict):
    """The suggester's confidence as a code of the codebook's confidence field."""

    field: str
    bands: Annotated[list[tuple[Confidence, str]], Field(min_length=1)]


class RuleSet(_Strict):
    name: Annotated[str, Field(min_length=1)]
    version: Annotated[str, Field(min_length=1)]
    description: str = ""
    attribution: AttributionRules
    claim_hint: HintRules | None = None
    confidence: ConfidenceRules | None = None

    def codes_used(self) -> dict[str, set[str]]:
        """Field key -> the codes this rule set can suggest."""
        used: dict[str, set[str]] = {}
        attribution = self.attribution
        used[attribution.field] = {r.code for r in attribution.source_rules} | {
            r.code for r in attribution.no_cue
        }
        if attribution.interview:
            used[attribution.field] |= {
                attribution.interview.question,
                attribution.interview.answer,
            }
        if self.claim_hint:
            used.setdefault(self.claim_hint.field, set()).update(self.claim_hint.codes.values())
        if self.confidence:
            used.setdefault(self.confidence.field, set()).update(
                c for _, c in self.confidence.bands
            )
        return used

    def misfit(self, codebook: Codebook) -> str | None:
        """Why this rule set cannot suggest codes of `codebook`, or None when it can."""
        fields = {f.key: f for f in codebook.fields}
        for key, codes in self.codes_used().items():
            if key not in fields:
                return f"the codebook has no field {key!r}"
            missing = sorted(code for code in codes if fields[key].category(code) is None)
            if missing:
                return f"field {key!r} has no code {missing[0]!r}"
        return None


def bundled_rules(name: str) -> RuleSet:
    """A bundled rule set by name (`source-attribution`)."""
    known = [n.removeprefix(RULES_PREFIX) for n in bundled_names(RULES_PREFIX)]
    if name not in known:
        listed = ", ".join(known)
        raise AnnotatorError(f"no bundled suggestion rules {name!r} (bundled: {listed})")
    return parse_rules(load_data_file(RULES_PREFIX + name), f"suggestion rules {name!r}")


def parse_rules(data: object, source: str) -> RuleSet:
    try:
        return RuleSet.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        raise AnnotatorError(f"{source}: {where}: {message}" if where else message) from None


def rules_for(codebook: Codebook) -> RuleSet | None:
    """The rule set a codebook is suggested with, or None for no suggestions."""
    choice = codebook.suggestion_rules
    if choice is None:
        for name in bundled_names(RULES_PREFIX):
            rules = bundled_rules(name.removeprefix(RULES_PREFIX))
            if rules.misfit(codebook) is None:
                return rules
        return None
    if choice == OFF:
        return None
    if isinstance(choice, str):
        rules = bundled_rules(choice)
    else:
        rules = parse_rules(choice, f"codebook {codebook.name!r}: suggestion_rules")
    misfit = rules.misfit(codebook)
    if misfit:
        raise AnnotatorError(
            f"codebook {codebook.name!r}: suggestion rules {rules.name!r} do not fit ({misfit})"
        )
    return rules
