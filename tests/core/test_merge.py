"""Merging coders' project files: units line up by identity and nothing is lost."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, event
from sqlmodel import col, select

from annotator.core.codebook import Codebook, bundled_codebook, parse_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import find_unit, list_articles, list_units
from annotator.core.coding.memos import article_memo, set_article_memo
from annotator.core.ingest.corrections import split_unit
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.location import Location
from annotator.core.store.models import Article, Code, Coder, History, Note, Origin, Unit
from annotator.core.store.project import Project
from annotator.core.supervision.merge import (
    MergeRefused,
    dry_run_merges,
    merge_project,
    merge_projects,
)
from annotator.core.supervision.merge_report import (
    KEPT_MEMO,
    MergeTableRow,
    merge_table,
    merge_table_text,
)

DATA = Path(__file__).resolve().parents[1] / "data"
BORDER, HARBOR, VACCINE = (
    DATA / f"{name}.txt" for name in ("border-talks", "harbor-deal", "vaccine-plant")
)


def make_project(path: Location, files: list[Path], codebook: Codebook | None = None) -> Project:
    project = Project.create(path, codebook or bundled_codebook())
    report = import_paths(project, files)
    assert not report.failures
    return project


def sentences(project: Project, article: str) -> list[int]:
    return [u.id for u in list_units(project, article) if u.kind == "sentence"]


def state(project: Project) -> dict[str, set[tuple]]:
    """Codes, notes and history by stable identity: what must survive a merge."""
    with project.reading() as session:
        units = {
            u.id: (a.sha256, u.start, u.end)
            for u, a in session.exec(select(Unit, Article).join(Article))
        }
        coders = dict(session.exec(select(Coder.id, Coder.name)).all())
        codes = {
            (*units[c.unit_id], coders[c.coder_id], c.field, c.code, c.coded_at)
            for c in session.exec(select(Code))
        }
        notes = {
            (*units[n.unit_id], coders[n.coder_id], n.text, n.noted_at)
            for n in session.exec(select(Note))
        }
        history = {
            (h.article_sha256, h.start, h.end, h.coder, h.target, h.old, h.new, h.origin, h.at)
            for h in session.exec(select(History))
        }
    return {"codes": codes, "notes": notes, "history": history}


def count(project: Project, model) -> int:
    with project.reading() as session:
        return len(session.exec(select(model)).all())


@pytest.fixture
def target(project_location):
    """The project merged into, with the harbor article."""
    with make_project(project_location("target.annotator"), [HARBOR]) as project:
        yield project


@pytest.fixture
def two_coders(project_location, tmp_path):
    """Ann and Bob imported the articles separately, in different orders, and coded
    some of the same sentences; Bob also has an article Ann does not."""
    ann = make_project(project_location("ann.annotator"), [HARBOR, BORDER])
    bob = make_project(tmp_path / "bob.annotator", [VACCINE, BORDER, HARBOR])
    for unit_id in sentences(ann, "harbor-deal")[:4]:
        coding.apply_codes(
            ann, "ann", unit_id, {"attribution": "named_person", "claim_type": "fact"}
        )
    coding.set_note(ann, "ann", sentences(ann, "harbor-deal")[0], "quote continues")
    for unit_id in sentences(bob, "harbor-deal")[:4]:
        coding.apply_codes(bob, "bob", unit_id, {"attribution": "unattributed"})
    coding.code_unit(bob, "bob", sentences(bob, "harbor-deal")[1], "attribution", "named_person")
    coding.code_unit(bob, "bob", sentences(bob, "vaccine-plant")[0], "confidence", "high")
    coding.set_note(bob, "bob", sentences(bob, "vaccine-plant")[0], "is this a claim?")
    yield ann, bob
    ann.close()
    bob.close()


def test_separately_imported_projects_line_up_and_nothing_is_lost(two_coders):
    ann, bob = two_coders
    before_ann, before_bob = state(ann), state(bob)
    bob.close()
    source_bytes = hashlib.sha256(bob.path.read_bytes()).digest()
    files_before = sorted(bob.path.parent.iterdir())

    report = merge_project(ann, bob.path)

    assert report.articles_added == ["vaccine-plant"]
    assert report.units_added == len(list_units(ann, "vaccine-plant"))
    assert report.units_matched == len(list_units(ann, "harbor-deal")) + len(
        list_units(ann, "border-talks")
    )
    assert report.coders_added == ["bob"]
    assert (report.codes_added, report.codes_updated, report.codes_unchanged) == (5, 0, 0)
    assert (report.notes_added, report.conflicts, report.skipped) == (1, [], [])
    assert report.history_added == len(before_bob["history"])
    after = state(ann)
    for kind in ("codes", "notes", "history"):
        assert after[kind] == before_ann[kind] | before_bob[kind], kind
    # The same sentence carries both coders' codes.
    second = find_unit(ann, "harbor-deal#3")
    assert coding.coder_codes(ann, "ann")[second.id]["attribution"] == "named_person"
    assert coding.coder_codes(ann, "bob")[second.id] == {"attribution": "named_person"}
    # Reading the source changed neither its bytes nor its folder.
    assert hashlib.sha256(bob.path.read_bytes()).digest() == source_bytes
    assert sorted(bob.path.parent.iterdir()) == files_before


def test_merging_the_same_source_twice_changes_nothing_the_second_time(two_coders):
    ann, bob = two_coders
    first = merge_project(ann, bob.path)
    assert first.changed
    after_first = state(ann)
    second = merge_project(ann, bob.path)
    assert not second.changed
    assert (second.codes_added, second.codes_updated, second.codes_removed) == (0, 0, 0)
    assert second.codes_unchanged == first.codes_added
    assert (second.history_added, second.articles_added, second.conflicts) == (0, [], [])
    assert state(ann) == after_first
    assert count(ann, Article) == 3


def test_same_coder_in_two_files_newer_code_wins_and_is_reported(target, tmp_path):
    office = target
    laptop = make_project(tmp_path / "laptop.annotator", [HARBOR])
    first, second = sentences(office, "harbor-deal")[:2]
    first_l, second_l = sentences(laptop, "harbor-deal")[:2]
    coding.code_unit(office, "ann", first, "attribution", "named_person")
    coding.code_unit(laptop, "ann", first_l, "attribution", "anonymous_vague")  # later: wins
    coding.code_unit(laptop, "ann", second_l, "claim_type", "fact")
    coding.code_unit(office, "ann", second, "claim_type", "evaluation")  # later: stays
    coding.set_note(office, "ann", first, "old thought")
    coding.set_note(laptop, "ann", first_l, "new thought")

    report = merge_project(office, laptop.path, accept_changes=True)

    assert {
        (c.unit, c.field, c.target_value, c.source_value, c.kept) for c in report.conflicts
    } == {
        ("harbor-deal#2", "attribution", "named_person", "anonymous_vague", "source"),
        ("harbor-deal#3", "claim_type", "evaluation", "fact", "target"),
        ("harbor-deal#2", "#note", "old thought", "new thought", "source"),
    }
    assert (report.codes_updated, report.notes_updated) == (1, 1)
    assert coding.coder_codes(office, "ann") == {
        first: {"attribution": "anonymous_vague"},
        second: {"claim_type": "evaluation"},
    }
    assert coding.coder_notes(office, "ann") == {first: "new thought"}
    trail = [
        (h.old, h.new, h.origin)
        for h in coding.unit_history(office, first)
        if h.target == "attribution"
    ]
    assert (None, "named_person", "manual") in trail
    assert (None, "anonymous_vague", "manual") in trail  # the laptop's own history came along
    assert trail[-1] == ("named_person", "anonymous_vague", Origin.MERGE)


def test_a_code_the_coder_cleared_later_is_removed(target, tmp_path):
    coder = make_project(tmp_path / "coder.annotator", [HARBOR])
    unit = sentences(coder, "harbor-deal")[0]
    coding.code_unit(coder, "ann", unit, "attribution", "named_person")
    merge_project(target, coder.path)
    coding.code_unit(coder, "ann", unit, "attribution", None)

    report = merge_project(target, coder.path, accept_changes=True)

    assert report.codes_removed == 1
    assert [(c.target_value, c.source_value, c.kept) for c in report.conflicts] == [
        ("named_person", None, "source")
    ]
    assert coding.coder_codes(target, "ann") == {}


def test_missing_articles_are_added_with_a_free_key(target, tmp_path):
    changed = tmp_path / "texts" / "harbor-deal.txt"
    changed.parent.mkdir()
    changed.write_text(
        HARBOR.read_text(encoding="utf-8") + "\nA late correction was added.\n", encoding="utf-8"
    )
    source = make_project(tmp_path / "source.annotator", [changed, VACCINE])
    coding.code_unit(source, "bob", sentences(source, "harbor-deal")[-1], "claim_type", "fact")

    report = merge_project(target, source.path)

    assert report.articles_added == ["harbor-deal-2", "vaccine-plant"]
    assert [a.key for a in list_articles(target)] == [
        "harbor-deal",
        "harbor-deal-2",
        "vaccine-plant",
    ]
    last = list_units(target, "harbor-deal-2")[-1]
    assert last.text == "A late correction was added."
    assert coding.coder_codes(target, "bob") == {last.id: {"claim_type": "fact"}}


def test_codes_on_units_the_target_segmented_differently_are_skipped_and_listed(target, tmp_path):
    source = make_project(tmp_path / "source.annotator", [HARBOR])
    unit = find_unit(source, "harbor-deal#2")
    left, right = split_unit(source, unit.id, unit.start + unit.text.index(",") + 1)
    coding.code_unit(source, "bob", left, "attribution", "named_person")
    coding.code_unit(source, "bob", right, "attribution", "unattributed")
    coding.code_unit(source, "bob", find_unit(source, "harbor-deal#5").id, "claim_type", "fact")

    report = merge_project(target, source.path)

    assert report.codes_added == 1
    assert [(s.unit, s.field, s.value) for s in report.skipped] == [
        ("harbor-deal#2", "attribution", "named_person"),
        ("harbor-deal#3", "attribution", "unattributed"),
    ]
    assert all("segmented differently" in s.reason for s in report.skipped)
    assert report.history_added == 3  # the skipped codes' history still comes along
    assert coding.coder_codes(target, "bob") == {
        find_unit(target, "harbor-deal#4").id: {"claim_type": "fact"}
    }
    (row,) = merge_table([report])  # bob coded three units; two of his codes had no place
    assert (row.coder, row.units, row.codes_added, row.skipped) == ("bob", 3, 1, 2)


def edited_codebook(version: str, change) -> Codebook:
    data = bundled_codebook().model_dump(mode="json")
    data["version"] = version
    change(data)
    return parse_codebook(data)


def drop_last_confidence_code(data: dict) -> None:
    _confidence(data)["categories"].pop()


def add_confidence_code(data: dict) -> None:
    _confidence(data)["categories"].append({"code": "very_high", "label": "Very high"})


def _confidence(data: dict) -> dict:
    return next(f for f in data["fields"] if f["key"] == "confidence")


@pytest.mark.parametrize(
    ("codebook", "message"),
    [
        (bundled_codebook("admiralty"), "is not the target's codebook 'Source reliability'"),
        (
            edited_codebook("9.0", drop_last_confidence_code),
            f"version 9.0 is not compatible with the target's version {bundled_codebook().version} "
            "(code 'high' of field 'confidence' is missing)",
        ),
        (
            edited_codebook("9.0", lambda d: d["fields"][4].update(level="ordinal")),
            "field 'claim_type' is ordinal there but nominal here",
        ),
    ],
)
def test_incompatible_codebooks_are_refused_and_nothing_is_written(
    target, tmp_path, codebook, message
):
    source = make_project(tmp_path / "source.annotator", [HARBOR, VACCINE], codebook)
    before = state(target)
    with pytest.raises(MergeRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        merge_project(target, source.path)
    assert state(target) == before and count(target, Article) == 1


def test_a_compatible_codebook_version_merges_and_says_so(target, tmp_path):
    source = make_project(
        tmp_path / "source.annotator", [HARBOR], edited_codebook("1.1", add_confidence_code)
    )
    unit = sentences(source, "harbor-deal")[0]
    coding.code_unit(source, "bob", unit, "confidence", "high")
    report = merge_project(target, source.path)
    assert report.codes_added == 1
    assert report.codebook_note == (
        f"codes made with version 1.1 recorded against version {bundled_codebook().version}"
    )
    with target.reading() as session:
        assert session.exec(select(Code.codebook_version_id)).one() == target.codebook_version_id
    # ...but a code the target's codebook lacks makes it incompatible.
    coding.code_unit(source, "bob", unit, "confidence", "very_high")
    with pytest.raises(MergeRefused, match="code 'very_high' of field 'confidence'"):
        merge_project(target, source.path)


def test_merging_a_project_into_itself_or_a_non_project_is_refused(target, tmp_path):
    with pytest.raises(MergeRefused, match="is the target project itself"):
        merge_project(target, target.path)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(Exception, match="not an annotator project"):
        merge_projects(target, [text])


def test_an_old_schema_source_is_migrated_in_a_copy_never_in_place(project_location, tmp_path):
    """The fixture was written by schema 0001 (tests/data/projects/make_fixtures.py)."""
    source = tmp_path / "old" / "old.annotator"
    source.parent.mkdir()
    shutil.copy(DATA / "projects" / "project-v0001.annotator", source)
    original = source.read_bytes()
    with Project.create(project_location("target.annotator"), bundled_codebook()) as target:
        report = merge_project(target, source)

        assert report.articles_added == ["talks"] and report.codes_added == 1
        assert report.history_added == 1
        unit = find_unit(target, "talks#2")
        assert coding.coder_codes(target, "alice") == {unit.id: {"attribution": "anonymous_vague"}}
    assert source.read_bytes() == original
    assert [p.name for p in source.parent.iterdir()] == ["old.annotator"]  # no backup, no WAL


# --- the dry run and the merge table (issue 17) -------------------------------------------


def test_a_dry_run_writes_nothing_and_predicts_the_merge_exactly(two_coders):
    ann, bob = two_coders
    before = state(ann)
    rows_before = [count(ann, model) for model in (Article, Unit, Coder, Code, Note, History)]

    (planned,) = dry_run_merges(ann, [bob.path])

    assert planned.refused is None
    assert state(ann) == before
    assert [count(ann, m) for m in (Article, Unit, Coder, Code, Note, History)] == rows_before
    assert coding.coder_codes(ann, "bob") == {}
    real = merge_project(ann, bob.path)
    assert planned.report.to_dict() == real.to_dict()
    assert merge_table([planned.report]) == merge_table([real])
    (row,) = merge_table([real])
    # bob coded 4 harbor sentences and one in the vaccine article, which ann lacked
    assert row == MergeTableRow("bob.annotator", "bob", True, 5, 1, 5, 0, 0, 0)
    assert row.codes_added == real.codes_added


def test_a_dry_run_of_several_sources_sees_what_the_earlier_ones_would_add(two_coders, tmp_path):
    ann, bob = two_coders
    bob.close()
    copy = tmp_path / "bob-again.annotator"
    shutil.copy(bob.path, copy)
    planned = dry_run_merges(ann, [bob.path, ann.path, copy])
    assert [p.refused is None for p in planned] == [True, False, True]
    assert "target project itself" in planned[1].refused
    first, again = planned[0].report, planned[2].report
    assert again.codes_unchanged == first.codes_added and again.codes_added == 0
    assert dry_run_merges(ann, [ann.path, bob.path], stop_at_refusal=True)[-1].source == str(
        ann.path
    )
    assert count(ann, Coder) == 1  # only ann: nothing was written
    reports = merge_projects(ann, [bob.path, copy])
    assert [r.to_dict() for r in reports] == [first.to_dict(), again.to_dict()]


def test_the_merge_table_counts_conflicts_and_new_coders_per_coder(target, tmp_path):
    laptop = make_project(tmp_path / "laptop.annotator", [HARBOR])
    office_first = sentences(target, "harbor-deal")[0]
    coding.code_unit(target, "ann", office_first, "attribution", "named_person")
    coding.code_unit(
        laptop, "ann", sentences(laptop, "harbor-deal")[0], "attribution", "anonymous_vague"
    )
    coding.code_unit(laptop, "cy", sentences(laptop, "harbor-deal")[1], "claim_type", "fact")
    (planned,) = dry_run_merges(target, [laptop.path], accept_changes=True)
    rows = {row.coder: row for row in merge_table([planned.report])}
    assert (rows["ann"].conflicts, rows["ann"].new_coder, rows["ann"].units) == (1, False, 1)
    assert (rows["cy"].codes_added, rows["cy"].new_coder, rows["cy"].conflicts) == (1, True, 0)
    text = merge_table_text([planned.report])
    assert text[0].split() == [
        "Source",
        "Coder",
        "Units",
        "New",
        "articles",
        "New",
        "codes",
        "Changed",
        "codes",
        "Conflicts",
        "Skipped",
    ]
    assert text[1].split() == ["laptop.annotator", "ann", "1", "0", "0", "1", "1", "0"]
    assert text[2].split() == ["laptop.annotator", "cy", "(new)", "1", "0", "1", "0", "0", "0"]


def article_id(project: Project, key: str) -> int:
    return next(int(a.id or 0) for a in list_articles(project) if a.key == key)


def test_article_memos_travel_where_the_target_has_none_and_never_replace_one(target, tmp_path):
    """harbor-deal: both files hold it, only the source has a memo; vaccine-plant: both
    hold it with different memos; border-talks: new to the target, its memo comes along."""
    add_paths = import_paths(target, [VACCINE])
    assert not add_paths.failures
    set_article_memo(target, "sue", article_id(target, "vaccine-plant"), "the office's reading")
    laptop = make_project(tmp_path / "laptop.annotator", [HARBOR, VACCINE, BORDER])
    set_article_memo(laptop, "ann", article_id(laptop, "harbor-deal"), "check the port figures")
    set_article_memo(laptop, "ann", article_id(laptop, "vaccine-plant"), "the laptop's reading")
    set_article_memo(laptop, "ann", article_id(laptop, "border-talks"), "a new article's memo")

    report = merge_project(target, laptop.path, accept_changes=True)

    assert article_memo(target, article_id(target, "harbor-deal")) == "check the port figures"
    assert article_memo(target, article_id(target, "vaccine-plant")) == "the office's reading"
    assert article_memo(target, article_id(target, "border-talks")) == "a new article's memo"
    assert report.memos_added == 1 and report.changed
    [conflict] = report.conflicts
    assert (conflict.unit, conflict.coder, conflict.field, conflict.kept) == (
        "vaccine-plant",
        "ann",
        "#memo",
        KEPT_MEMO,
    )
    assert (conflict.target_value, conflict.source_value) == (
        "the office's reading",
        "the laptop's reading",
    )
    assert conflict.target_at < conflict.source_at  # each file's own time, the laptop's later
    assert [row.coder for row in report.coders] == ["ann"]
    assert report.coders[0].conflicts == 1
    again = merge_project(target, laptop.path)
    assert again.memos_added == 0 and len(again.conflicts) == 1


def test_a_source_memo_the_memo_editor_would_refuse_is_skipped_and_listed(target, tmp_path):
    laptop = make_project(tmp_path / "laptop.annotator", [HARBOR])
    with laptop.writing() as session:
        article = session.get(Article, article_id(laptop, "harbor-deal"))
        article.metadata_json = '{"memo": "bell\\u0007 in a memo"}'
        session.add(article)
    report = merge_project(target, laptop.path)
    assert article_memo(target, article_id(target, "harbor-deal")) == ""
    [skipped] = report.skipped
    assert (skipped.unit, skipped.field) == ("harbor-deal", "#memo")
    assert "control characters" in skipped.reason
    assert report.memos_added == 0


def test_an_article_level_unit_the_target_lacks_comes_with_its_codes(target, tmp_path):
    """A zero-length unit (the article's own unit, which carries its article-level codes)
    holds no text, so no segmentation can differ on it: in an article both files hold, the
    merge adds it where the target's copy lacks it (a target whose article came before
    the codebook asked of articles), codes and all, instead of skipping them."""
    path = tmp_path / "source.annotator"
    with make_project(path, [HARBOR]) as source:
        unit_id = find_unit(source, "harbor-deal#0").id
        coding.code_unit(source, "ann", unit_id, "story_type", "news")
    with target.writing() as session:
        session.execute(delete(Unit).where(col(Unit.kind) == "article"))

    report = merge_project(target, path)

    assert (report.units_added, report.codes_added, report.skipped) == (0, 1, [])
    with target.reading() as session:
        merged = session.exec(select(Unit).where(Unit.start == Unit.end)).one()
        code = session.exec(select(Code).where(Code.unit_id == merged.id)).one()
    assert (merged.kind, merged.idx, code.field, code.code) == ("article", 0, "story_type", "news")
    again = merge_project(target, path)
    assert (again.units_added, again.codes_unchanged, again.changed) == (0, 1, False)


def statements_of_merge(target: Project, source: Path) -> int:
    """How many statements merging `source` runs on the target's connection."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(target.write_engine, "before_cursor_execute", count)
    try:
        merge_project(target, source)
    finally:
        event.remove(target.write_engine, "before_cursor_execute", count)
    return len(seen)


def source_of(folder: Path, articles: int) -> Path:
    """A coder's file of `articles` short articles, one unit of the first one coded."""
    folder.mkdir()
    texts = []
    for number in range(articles):
        text = folder / f"wire-{number}.txt"
        text.write_text(f"Wire story {number}.\n\nThe council met on day {number}.\n")
        texts.append(text)
    with make_project(folder / "coder.annotator", texts) as project:
        coding.code_unit(project, "ann", sentences(project, "wire-0")[0], "claim_type", "fact")
    return folder / "coder.annotator"


def test_a_merge_runs_as_many_statements_for_600_articles_as_for_one(project_location, tmp_path):
    """Issue 29: a merge is set statements, not statements per row or per chunk of rows,
    so what it asks the target does not grow with the source."""
    counts = []
    for articles in (1, 600):
        source = source_of(tmp_path / f"source-{articles}", articles)
        location = project_location(f"target-{articles}.annotator")
        with Project.create(location, bundled_codebook()) as target:
            counts.append(statements_of_merge(target, source))
            assert len(list_articles(target)) == articles
    assert counts[0] == counts[1]
