"""Changing the codebook during a study (issue 23): the changes listed, a change that
would orphan codes refused unless a mapping says where they go, the mapping applied in
one transaction with history, every other code keeping the version it was made under,
and a release-1 project updated to the format 2 codebook."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from annotator.core.codebook import Codebook, bundled_codebook, load_codebook, parse_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.codebook_changes import codebook_changes
from annotator.core.coding.codebook_mapping import load_mapping, parse_mapping
from annotator.core.coding.codebook_update import UpdateRefused, plan_update, update_codebook
from annotator.core.coding.lookups import article_unit_id, find_unit, list_units
from annotator.core.errors import InputError, ProjectError
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.models import Code, CodebookVersion, History, Origin, Unit
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS

DATA = Path(__file__).resolve().parents[1] / "data"
TYPED_FILE = DATA / "codebooks" / "typed-study.json"
RELEASE_1 = DATA / "codebooks" / "source-reliability-1.0.json"
ARTICLES = [DATA / "harbor-deal.txt", DATA / "border-talks.txt"]


def typed_data() -> dict:
    return json.loads(TYPED_FILE.read_text(encoding="utf-8"))


def field_of(data: dict, key: str) -> dict:
    return next(f for f in data["fields"] if f["key"] == key)


def edited(change, version: str = "2") -> Codebook:
    """The typed-study codebook with `change(data)` applied and a version of its own."""
    data = copy.deepcopy(typed_data())
    change(data)
    data["version"] = version
    return parse_codebook(data)


@pytest.fixture
def typed_project(project_location):
    project = Project.create(project_location("typed.annotator"), load_codebook(TYPED_FILE))
    assert not import_paths(project, ARTICLES).failures
    yield project
    project.close()


def sentences(project: Project) -> list[int]:
    return [u.id for u in list_units(project) if u.kind == "sentence"]


def codes_with_versions(project: Project) -> dict[tuple[int, str, str], tuple[str, int]]:
    """(unit, coder id as text, field) -> (code, codebook version id)."""
    with project.reading() as session:
        rows = session.exec(
            select(Code.unit_id, Code.coder_id, Code.field, Code.code, Code.codebook_version_id)
        ).all()
    return {(u, str(c), f): (code, v) for u, c, f, code, v in rows}


def without_anonymous(data: dict) -> None:
    """`source` loses its category `anonymous` (and the conditions that named it)."""
    source = field_of(data, "source")
    source["categories"] = [c for c in source["categories"] if c["code"] != "anonymous"]
    data["fields"] = [f for f in data["fields"] if f["key"] != "reason"]
    field_of(data, "printed_name")["when"] = {"field": "source", "in": ["named"]}


# -- the changes listed -------------------------------------------------------------------


def test_every_kind_of_change_is_listed_one_line_each():
    def change(data: dict) -> None:
        without_anonymous(data)
        source = field_of(data, "source")
        source["categories"][0]["label"] = "Named in full"  # renamed: same code
        source["categories"].append({"code": "official", "label": "Official", "shortcut": "4"})
        source["level"] = "nominal"
        field_of(data, "sources_cited")["maximum"] = 10
        field_of(data, "event_date")["scope"] = "unit"
        field_of(data, "event_date")["group"] = "claim"
        data["fields"].append(
            {"key": "country", "label": "Country", "type": "text", "scope": "article"}
        )

    lines = codebook_changes(load_codebook(TYPED_FILE), edited(change))
    for expected in (
        "version: 1 → 2",
        "field added: country (article, text)",
        "field removed: reason",
        "category added: source.official 'Official'",
        "category removed: source.anonymous 'Anonymous'",
        "category renamed: source.named 'Named' → 'Named in full'",
        "level changed: source ordinal → nominal",
        "maximum changed: sources_cited 20 → 10",
        "scope changed: event_date article → unit",
    ):
        assert expected in lines
    assert any(line.startswith("condition changed: printed_name: ") for line in lines)


def test_an_unchanged_codebook_is_said_to_be_so(typed_project):
    plan = plan_update(typed_project, load_codebook(TYPED_FILE))
    assert plan.unchanged
    with pytest.raises(UpdateRefused, match="already this one"):
        update_codebook(typed_project, load_codebook(TYPED_FILE))


def test_a_version_the_project_has_with_other_contents_is_refused(typed_project):
    data = typed_data()
    data["description"] = "edited without a new version"
    with pytest.raises(UpdateRefused, match="version '1' is already in the project"):
        plan_update(typed_project, parse_codebook(data))


# -- refusing to orphan codes -------------------------------------------------------------


def test_removing_a_category_that_has_codes_is_refused_and_writes_nothing(typed_project):
    first, second = sentences(typed_project)[:2]
    coding.apply_codes(typed_project, "ann", first, {"source": "anonymous", "reason": "given"})
    coding.apply_codes(typed_project, "bob", second, {"source": "anonymous"})
    before = codes_with_versions(typed_project)
    new = edited(without_anonymous)
    plan = plan_update(typed_project, new)
    assert plan.refusal is not None
    assert "3 codes would lose their place" in plan.refusal
    assert "source.anonymous (2: category removed)" in plan.refusal
    assert "reason (1: field removed)" in plan.refusal
    assert '"source.anonymous": "CODE"' in plan.refusal and '"reason": null' in plan.refusal
    assert "\n" not in plan.refusal
    with pytest.raises(UpdateRefused, match="would lose their place"):
        update_codebook(typed_project, new)
    assert codes_with_versions(typed_project) == before
    with typed_project.reading() as session:
        assert session.exec(select(func.count()).select_from(CodebookVersion)).one() == 1
    assert typed_project.codebook.version == "1"


def test_removing_a_category_nobody_used_needs_no_mapping(typed_project):
    coding.apply_codes(typed_project, "ann", sentences(typed_project)[0], {"source": "named"})
    result = update_codebook(typed_project, edited(without_anonymous))
    assert (result.remapped, result.dropped) == (0, 0)
    assert typed_project.codebook.version == "2"


def test_a_value_the_new_limits_refuse_is_orphaned(typed_project):
    unit = sentences(typed_project)[0]
    coding.apply_codes(typed_project, "ann", unit, {"source": "named", "sources_cited": "15"})
    new = edited(lambda data: field_of(data, "sources_cited").update(maximum=10))
    assert "sources_cited.15 (1: above the maximum 10)" in plan_update(typed_project, new).refusal
    update_codebook(typed_project, new, parse_mapping({"sources_cited.15": "10"}))
    assert coding.unit_codes(typed_project, "ann", unit)["sources_cited"] == "10"


def test_a_field_moved_to_the_other_scope_is_named_once_and_can_only_be_dropped(typed_project):
    for n, unit in enumerate(sentences(typed_project)[:3]):
        coding.apply_codes(typed_project, "ann", unit, {"source": "named", "sources_cited": str(n)})
    new = edited(lambda data: field_of(data, "sources_cited").update(scope="article"))
    refusal = plan_update(typed_project, new).refusal
    assert "sources_cited (3: the field is now coded at the other scope)" in refusal
    result = update_codebook(typed_project, new, parse_mapping({"sources_cited": None}))
    assert result.dropped == 3
    with typed_project.reading() as session:
        assert not session.exec(select(Code).where(Code.field == "sources_cited")).all()


# -- the mapping --------------------------------------------------------------------------


def test_a_mapping_is_applied_with_history_and_other_codes_keep_their_version(typed_project):
    first, second, third = sentences(typed_project)[:3]
    coding.apply_codes(typed_project, "ann", first, {"source": "anonymous", "reason": "given"})
    coding.apply_codes(typed_project, "bob", second, {"source": "anonymous", "reason": "not_given"})
    coding.apply_codes(typed_project, "ann", third, {"source": "named"})
    with coding.writing(typed_project, origin=Origin.ADJUDICATION, reserved=CONSENSUS) as writer:
        writer.set_codes(CONSENSUS, first, {"source": "anonymous"})
    old_version = typed_project.codebook_version_id
    mapping = parse_mapping({"source.anonymous": "none", "reason": None})

    plan = plan_update(typed_project, edited(without_anonymous), mapping)
    assert plan.refusal is None
    assert "merged: source.anonymous into source.none (3 codes)" in plan.changes
    assert "dropped: reason (2 codes)" in plan.changes
    result = update_codebook(typed_project, edited(without_anonymous), mapping)

    assert (result.remapped, result.dropped, result.version) == (3, 2, "2")
    assert typed_project.codebook.version == "2"
    assert typed_project.codebook_version_id == result.version_id != old_version
    assert coding.unit_codes(typed_project, "ann", first) == {"source": "none"}
    assert coding.unit_codes(typed_project, CONSENSUS, first) == {"source": "none"}
    assert coding.unit_codes(typed_project, "ann", third) == {"source": "named"}
    versions = {
        (field, code): version
        for (_u, _c, field), (code, version) in codes_with_versions(typed_project).items()
    }
    assert versions[("source", "none")] == result.version_id  # moved: the new version's
    assert versions[("source", "named")] == old_version  # untouched: the version it was made in
    with typed_project.reading() as session:
        rows = session.exec(
            select(History.target, History.old, History.new, History.codebook_version_id)
            .where(History.origin == Origin.CODEBOOK_UPDATE)
            .order_by(col(History.id))
        ).all()
    assert sorted(rows) == sorted(
        [
            ("reason", "given", None, old_version),
            ("reason", "not_given", None, old_version),
            ("source", "anonymous", "none", result.version_id),
            ("source", "anonymous", "none", result.version_id),
            ("source", "anonymous", "none", result.version_id),
        ]
    )


def test_codes_a_condition_no_longer_asks_for_are_listed_and_cleared_with_history(
    typed_project,
):
    first, second = sentences(typed_project)[:2]
    codes = {"source": "anonymous", "reason": "given", "printed_name": "a Western diplomat"}
    coding.apply_codes(typed_project, "ann", first, codes)
    coding.apply_codes(typed_project, "ann", second, {"source": "named", "printed_name": "Lind"})

    def narrowed(data: dict) -> None:  # the name as printed: of named sources only
        field_of(data, "printed_name")["when"] = {"field": "source", "in": ["named"]}

    plan = plan_update(typed_project, edited(narrowed))
    assert plan.refusal is None and plan.cleared == 1
    assert (
        "not asked any more: printed_name on 1 unit(s) (its condition no longer holds): "
        "cleared, with history"
    ) in plan.changes
    result = update_codebook(typed_project, edited(narrowed))
    assert result.cleared == 1 and "1 cleared where no longer asked" in result.summary()
    assert coding.unit_codes(typed_project, "ann", first) == {
        "source": "anonymous",
        "reason": "given",
    }
    assert coding.unit_codes(typed_project, "ann", second)["printed_name"] == "Lind"
    last = coding.unit_history(typed_project, first)[-1]
    assert (last.target, last.old, last.new, last.origin) == (
        "printed_name",
        "a Western diplomat",
        None,
        Origin.CODEBOOK_UPDATE,
    )


def test_a_mapping_that_switches_a_condition_off_clears_what_it_asked(typed_project):
    unit = sentences(typed_project)[0]
    coding.apply_codes(typed_project, "ann", unit, {"source": "named", "printed_name": "Lind"})

    def quoted(data: dict) -> None:
        field_of(data, "source")["categories"].append({"code": "quoted", "label": "Quoted"})

    mapping = parse_mapping({"source.named": "quoted"})  # printed_name asks for `named`
    plan = plan_update(typed_project, edited(quoted), mapping)
    assert (plan.remapped, plan.cleared) == (1, 1)
    result = update_codebook(typed_project, edited(quoted), mapping)
    assert (result.remapped, result.cleared) == (1, 1)
    assert coding.unit_codes(typed_project, "ann", unit) == {"source": "quoted"}


def test_a_multiple_choice_mapping_moves_one_category_inside_each_set(typed_project):
    article = article_unit_id(typed_project, find_unit(typed_project, "harbor-deal#1").article_id)
    other = article_unit_id(typed_project, find_unit(typed_project, "border-talks#1").article_id)
    coding.apply_codes(
        typed_project, "ann", article, {"story_kind": "news", "topics": "politics;economy"}
    )
    coding.apply_codes(typed_project, "ann", other, {"story_kind": "news", "topics": "economy"})

    def change(data: dict) -> None:
        topics = field_of(data, "topics")
        topics["categories"] = [c for c in topics["categories"] if c["code"] != "economy"]

    update_codebook(typed_project, edited(change), parse_mapping({"topics.economy": None}))
    assert coding.unit_codes(typed_project, "ann", article)["topics"] == "politics"
    assert "topics" not in coding.unit_codes(typed_project, "ann", other)  # an empty set: dropped


def test_a_type_change_keeps_the_values_the_new_type_takes(typed_project):
    unit = sentences(typed_project)[0]
    coding.apply_codes(typed_project, "ann", unit, {"source": "named"})

    def change(data: dict) -> None:
        field_of(data, "source").update(type="multiple", level="nominal")

    plan = plan_update(typed_project, edited(change))
    assert "type changed: source single → multiple" in plan.changes
    assert plan.refusal is None  # "named" is a one-category set of the multiple choice
    update_codebook(typed_project, edited(change))
    assert coding.unit_codes(typed_project, "ann", unit) == {"source": "named"}
    coding.apply_codes(typed_project, "ann", unit, {"source": "named;none"})  # now a set


@pytest.mark.parametrize(
    ("mapping", "problem"),
    [
        ({"source.anonymous": "nobody"}, "has no code 'nobody'"),
        ({"topic.x": None}, "has no field 'topic'"),
        ({"source": "named"}, "a whole field maps only to null"),
        ({"Source.x": None}, "not a field key"),
        ({"source.x": 3}, "maps to a code in quotes or to null"),
        (["source.x"], "a mapping is a JSON object"),
    ],
)
def test_a_bad_mapping_is_one_line_naming_the_file(typed_project, tmp_path, mapping, problem):
    path = tmp_path / "map.json"
    path.write_text(json.dumps(mapping), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        plan_update(typed_project, edited(without_anonymous), load_mapping(path))
    assert str(raised.value).startswith(f"{path}: ")
    assert problem in str(raised.value)


# -- format 1 to format 2 -----------------------------------------------------------------


def test_a_release_1_project_takes_the_format_2_codebook(project_location):
    project = Project.create(project_location("release1.annotator"), load_codebook(RELEASE_1))
    try:
        assert not import_paths(project, ARTICLES).failures
        unit = sentences(project)[0]
        coding.apply_codes(
            project, "ann", unit, {"attribution": "anonymous_vague", "claim_type": "fact"}
        )
        first_version = project.codebook_version_id
        plan = plan_update(project, bundled_codebook())
        assert "format: 1 → 2" in plan.changes and plan.refusal is None
        assert any(line.startswith("field added: story_type (article") for line in plan.changes)

        result = update_codebook(project, bundled_codebook())

        assert result.article_units == 2
        with project.reading() as session:
            assert session.exec(select(func.count()).where(Unit.kind == "article")).one() == 2
        assert project.codebook.format == 2 and project.codebook.article_fields
        assert {v for _c, v in codes_with_versions(project).values()} == {first_version}
        article = article_unit_id(project, find_unit(project, "harbor-deal#1").article_id)
        coding.apply_codes(project, "ann", article, {"story_type": "news"})
        coding.apply_codes(project, "ann", unit, {"anonymity_reason": "no_reason"})
        location = project.path
    finally:
        project.close()
    with Project.open(location) as reopened:  # a new handle reads the new version too
        assert reopened.codebook.version == bundled_codebook().version
        assert coding.unit_codes(reopened, "ann", unit)["claim_type"] == "fact"


# -- team projects ------------------------------------------------------------------------


@pytest.mark.postgres
def test_on_a_team_server_only_the_owner_updates_the_codebook(new_database):
    from sqlalchemy.engine import make_url

    from annotator.core.store.roles import Role
    from annotator.core.team import roles
    from tests.core.test_team import as_role, drop_database_and_roles

    project = Project.create(new_database, load_codebook(RELEASE_1))
    import_paths(project, ARTICLES)
    coding.apply_codes(project, "ann", sentences(project)[0], {"attribution": "anonymous_vague"})
    project.close()
    sue = f"sue_{make_url(new_database).database[-12:]}"
    roles.add_member(new_database, sue, "pw-s", Role.SUPERVISOR)
    try:
        with Project.open(as_role(new_database, sue)) as member:
            with pytest.raises(ProjectError, match="only the project's owner"):
                plan_update(member, bundled_codebook())
            with pytest.raises(ProjectError, match="only the project's owner"):
                update_codebook(member, bundled_codebook())
            assert member.codebook.format == 1
        with Project.open(new_database) as owner:
            new = json.loads(bundled_codebook().to_json())
            attribution = field_of(new, "attribution")
            attribution["categories"] = [
                c for c in attribution["categories"] if c["code"] != "anonymous_vague"
            ]
            field_of(new, "anonymity_reason")["when"]["in"].remove("anonymous_vague")
            mapping = parse_mapping({"attribution.anonymous_vague": "anonymous_generic"})
            result = update_codebook(owner, parse_codebook(new), mapping)
            assert (result.remapped, result.article_units) == (1, 2)
        with Project.open(as_role(new_database, sue)) as member:
            assert member.codebook.format == 2
            assert coding.coder_codes(member, "ann") == {
                sentences(member)[0]: {"attribution": "anonymous_generic"}
            }
    finally:
        drop_database_and_roles(new_database, sue)
