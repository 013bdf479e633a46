"""The study's plan and assignment, kept as JSON in the project's settings table.

A project setting travels with the supervisor's project (backups, push and pull copy the
table) and needs no migration. A value that is not the JSON this module wrote (a file
edited by hand) is refused with one line naming the project and the setting.
"""

from __future__ import annotations

import json

from sqlmodel import Session

from annotator.core.errors import ProjectError
from annotator.core.store.models import ProjectSetting
from annotator.core.store.project import Project

PLAN_KEY = "study.reliability_sample"
ASSIGNMENT_KEY = "study.assignment"
MAX_SETTING_CHARS = 20_000_000  # a study of 100,000 articles stays far below this


def read_setting(project: Project, key: str) -> dict | None:
    """The JSON object stored under `key`, or None when there is none."""
    text = project.setting(key)
    if text is None:
        return None
    try:
        if len(text) > MAX_SETTING_CHARS:
            raise ValueError("too long")
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError("not an object")
    except ValueError as error:
        raise ProjectError(f"{project.label}: setting {key} is damaged ({error})") from None
    return value


def write_setting(project: Project, key: str, value: dict) -> None:
    """Store `value` under `key`, replacing what was there (committed on return)."""
    with project.writing() as session:
        put_setting(session, key, value)


def put_setting(session: Session, key: str, value: dict) -> None:
    """Store `value` under `key` inside the caller's write transaction."""
    session.merge(ProjectSetting(key=key, value=json.dumps(value, ensure_ascii=False)))
