"""Which codebook fields agreement and adjudication measure: a project setting.

A self-rated confidence is each coder's judgement of their own coding, not a measurement
of the text that independent coders should reproduce: two coders who both coded a
sentence right, one sure and one hesitant, do not disagree about the sentence. So a
project leaves fields out of agreement and adjudication by a setting (`annotator
study-settings PROJECT --leave-out confidence`). Until the supervisor sets it, every
field is measured: a study's published figures must not change under it when the program
is updated, and which field is a self-rating is the codebook author's knowledge, not
something to guess from a key. The setting is a JSON list of field keys in the project's
settings table (it travels with backups, push and pull, and needs no migration).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.store.models import ProjectSetting
from annotator.core.store.project import Project

LEFT_OUT_KEY = "agreement.left_out_fields"
MAX_LEFT_OUT_CHARS = 100_000


def left_out_fields(project: Project) -> frozenset[str]:
    """The codebook's fields that agreement and adjudication leave out."""
    keys = {f.key for f in project.codebook.coded_fields}
    text = project.setting(LEFT_OUT_KEY)
    if text is None:
        return frozenset()
    try:
        if len(text) > MAX_LEFT_OUT_CHARS:
            raise ValueError("too long")
        value = json.loads(text)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("not a list of field keys")
    except ValueError as error:
        raise ProjectError(
            f"{project.label}: setting {LEFT_OUT_KEY} is damaged ({error})"
        ) from None
    return frozenset(keys.intersection(value))


def measured_fields(project: Project) -> list[str]:
    """The keys of the fields agreement and adjudication measure, in codebook order."""
    left_out = left_out_fields(project)
    return [f.key for f in project.codebook.coded_fields if f.key not in left_out]


def set_left_out_fields(project: Project, fields: Iterable[str]) -> list[str]:
    """Leave exactly `fields` out of agreement and adjudication (none: measure them all);
    an unknown key is refused with the codebook's keys. Returns the keys stored."""
    keys = [f.key for f in project.codebook.coded_fields]
    chosen = list(dict.fromkeys(name.strip() for name in fields if name.strip()))
    unknown = [name for name in chosen if name not in keys]
    if unknown:
        raise AnnotatorError(f"no field {unknown[0]!r} in the codebook (fields: {', '.join(keys)})")
    if len(chosen) == len(keys):
        raise AnnotatorError("at least one field must stay in agreement and adjudication")
    with project.writing() as session:
        session.merge(ProjectSetting(key=LEFT_OUT_KEY, value=json.dumps(chosen)))
    return chosen
