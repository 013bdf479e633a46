"""The project-wide switch: whether the window shows suggestions to coders at all.

A blind study turns suggestions off once, for every coder, as a project setting; each
coder can also turn them off for themselves in the window (a user setting, not here).
`annotator suggest` still stores the machine's own codes: coders never see them.
"""

from __future__ import annotations

from annotator.core.store.models import ProjectSetting
from annotator.core.store.project import Project

SETTING_KEY = "suggestions_for_coders"
ON, OFF = "on", "off"


def suggestions_for_coders(project: Project) -> bool:
    """Whether coders may see suggestions in this project (on unless switched off)."""
    return project.setting(SETTING_KEY, ON) != OFF


def set_suggestions_for_coders(project: Project, on: bool) -> None:
    """Switch suggestions on or off for every coder of the project (committed on return)."""
    with project.writing() as session:
        session.merge(ProjectSetting(key=SETTING_KEY, value=ON if on else OFF))
