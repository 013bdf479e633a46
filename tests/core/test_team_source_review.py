"""Source adjudication on a team project: the supervisor's role reads every coder's list
and writes the consensus list; a coder's role can do neither."""

from __future__ import annotations

import psycopg
import pytest

from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service as sources
from annotator.core.coding.lookups import list_units
from annotator.core.errors import ProjectError
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision import source_review as review
from tests.core.test_team import as_role, team_project  # noqa: F401
from tests.core.test_team_sources import _plain

pytestmark = pytest.mark.postgres


def _source(project: Project, coder: str, label: str) -> int:
    """A source mentioned at the start of the first sentence, linked to it."""
    unit = next(u for u in list_units(project) if u.kind == "sentence")

    def make(s, _units):
        uid = lists.add_source(s, label, [lists.Mention(unit.id, unit.start, unit.start + 5)])
        lists.link(s, unit.id, uid)
        lists.code(s, uid, project.codebook, {"named_or_anonymous": "named"})

    sources.edit(project, unit.article_id, coder, make)
    return unit.article_id


def test_the_supervisor_writes_the_consensus_sources_and_a_coder_cannot(team_project):  # noqa: F811
    url, names = team_project
    alice, bob, sue = names["alice"], names["bob"], names["sue"]
    with Project.open(as_role(url, alice)) as project:
        article = _source(project, alice, "Ilse Brandt")
    with Project.open(as_role(url, bob)) as project:
        _source(project, bob, "Brandt")
    with Project.open(as_role(url, sue)) as project:
        (row,) = review.review_article(project, article).rows
        assert row.matched and [e.label for e in row.sources.values() if e] == [
            "Ilse Brandt",
            "Brandt",
        ]
        taken = row.sources[alice]
        assert taken is not None
        review.take_source(project, article, alice, taken.uid, supervisor=sue)
        assert [s.label for s in sources.read_list(project, article, CONSENSUS).sources] == [
            "Ilse Brandt"
        ]
    with Project.open(as_role(url, bob)) as project:
        assert sources.read_list(project, article, alice).sources == []  # not hers to read
        with pytest.raises(ProjectError, match="not allowed"):
            review.take_source(project, article, bob, row.sources[bob].uid)
        assert sources.read_list(project, article, CONSENSUS).sources == []  # nor this
    with (
        psycopg.connect(_plain(as_role(url, bob))) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        connection.execute(
            "INSERT INTO source (article_id, coder_id, uid, label, created_at)"
            " SELECT %s, c.id, 'x', 'planted', now() FROM coder c WHERE c.name = %s",
            [article, CONSENSUS],
        )
    with Project.open(as_role(url, sue)) as project:
        assert [s.label for s in sources.read_list(project, article, CONSENSUS).sources] == [
            "Ilse Brandt"
        ]
