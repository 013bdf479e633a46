"""Sources: the write path (create, rename, merge, split, mentions, links, spans, codes),
its history and undo, the database's check of source codes, and the source fields kept
out of everything that reads unit codes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from annotator.core.codebook import Scope, bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service as sources
from annotator.core.coding.lookups import find_unit
from annotator.core.coding.source_lists import Mention
from annotator.core.errors import CodingError, ProjectError


def _mention(unit, words: str) -> Mention:
    """The mention of `words` in a unit (its article offsets)."""
    at = unit.text.index(words)
    return Mention(unit.id, unit.start + at, unit.start + at + len(words))


def test_the_bundled_codebook_has_source_fields_that_are_never_unit_fields():
    book = bundled_codebook()
    assert book.version == "2.1"
    assert [f.key for f in book.source_fields] == [
        "source_type",
        "named_or_anonymous",
        "reason_given",
        "quote_form",
    ]
    assert all(f.group == "source" and f.scope is Scope.SOURCE for f in book.source_fields)
    assert all(f.categories[0].definition and f.categories[0].examples for f in book.source_fields)
    assert not {f.key for f in book.source_fields} & {f.key for f in book.coded_fields}
    assert book.applicable(Scope.SOURCE, {"named_or_anonymous": "named"}) == {
        "source_type",
        "named_or_anonymous",
        "quote_form",
    }
    assert "reason_given" in book.applicable(Scope.SOURCE, {"named_or_anonymous": "anonymous"})


def test_a_source_is_made_linked_coded_merged_split_and_undone(sample_project):
    project = sample_project
    two, four, five = (find_unit(project, f"harbor-deal#{i}") for i in (2, 4, 5))
    article = two.article_id
    brandt = _mention(four, "port authority chair Ilse Brandt")
    she = _mention(five, "She")

    def make(source_list, units):
        uid = lists.add_source(source_list, "Ilse Brandt", [brandt])
        lists.link(source_list, four.id, uid)
        return uid

    _, uid = sources.edit(project, article, "alice", make)
    assert uid is not None
    done = []
    for change in (
        lambda s, u: lists.add_mention(s, uid, she, u.unit(five.id)),
        lambda s, u: lists.link(s, five.id, uid),
        lambda s, u: lists.code(s, uid, project.codebook, {"named_or_anonymous": "Named"}),
        lambda s, u: lists.rename(s, uid, "Ilse Brandt, port authority chair"),
    ):
        done.append(sources.edit(project, article, "alice", change)[0])
    stored = sources.read_list(project, article, "alice")
    [source] = stored.sources
    assert source.label == "Ilse Brandt, port authority chair"
    assert source.mentions == {brandt, she}
    assert source.codes == {"named_or_anonymous": "named"}
    assert stored.links == {four.id: [uid], five.id: [uid]}

    # a second source on unit 2, linked first, then merged into Brandt and split again
    officials = _mention(two, "two officials familiar with the talks")

    def second_source(source_list, units):
        lists.link(source_list, two.id, uid)
        new = lists.add_source(source_list, "two officials", [officials])
        lists.link(source_list, two.id, new, first=True)
        return new

    _, other = sources.edit(project, article, "alice", second_source)
    assert sources.read_list(project, article, "alice").links[two.id] == [other, uid]
    merged, _ = sources.edit(
        project, article, "alice", lambda s, u: lists.merge(s, uid, other, project.codebook)
    )
    after = sources.read_list(project, article, "alice")
    assert [s.uid for s in after.sources] == [uid]
    assert after.links[two.id] == [uid]
    assert after.source(uid).mentions == {brandt, she, officials}
    _, split_uid = sources.edit(
        project, article, "alice", lambda s, u: lists.split(s, uid, [officials], "two officials")
    )
    after = sources.read_list(project, article, "alice")
    assert after.source(split_uid).mentions == {officials}
    assert after.links[two.id] == [split_uid]  # the unit held only the moved mention
    assert after.source(uid).codes == {"named_or_anonymous": "named"}

    # undo walks back: the split, then the merge restore the two sources and their order
    redo = sources.undo(project, sources.SourceEdit(article, "alice", merged.after, after))
    assert sources.read_list(project, article, "alice") == merged.after
    sources.undo(project, merged)
    restored = sources.read_list(project, article, "alice")
    assert {s.uid for s in restored.sources} == {uid, other}
    assert restored.links[two.id] == [other, uid]
    with pytest.raises(CodingError, match="changed since"):
        sources.undo(project, redo)  # the list is no longer what that edit left

    history = sources.source_history(project, article)
    targets = {h.target for h in history}
    assert f"#source:{uid}" in targets and f"#source:{other}" in targets
    assert ("label=Ilse Brandt", "label=Ilse Brandt, port authority chair") in {
        (h.old, h.new) for h in history
    }
    assert (she.start, she.end, None, "mention") in {
        (h.start, h.end, h.old, h.new) for h in history
    }
    assert (None, "named_or_anonymous=named") in {(h.old, h.new) for h in history}


def test_a_bad_edit_changes_nothing(sample_project):
    project = sample_project
    two = find_unit(project, "harbor-deal#2")
    four = find_unit(project, "harbor-deal#4")
    article = two.article_id
    sources.edit(project, article, "alice", lambda s, u: lists.add_source(s, "officials", []))
    before = sources.read_list(project, article, "alice")
    [uid] = [s.uid for s in before.sources]
    outside = Mention(two.id, four.start, four.start + 4)  # unit 2, offsets of unit 4

    bad_edits = {
        "inside its unit": lambda s, u: lists.add_mention(s, uid, outside, u.unit(two.id)),
        "not a source field": lambda s, u: lists.code(
            s, uid, project.codebook, {"claim_type": "fact"}
        ),
        "not asked": lambda s, u: lists.code(
            s, uid, project.codebook, {"named_or_anonymous": "named", "reason_given": "no_reason"}
        ),
        "has no code": lambda s, u: lists.code(s, uid, project.codebook, {"source_type": "alien"}),
        "needs a label": lambda s, u: lists.rename(s, uid, "   "),
        "control": lambda s, u: lists.rename(s, uid, "a\u202eb"),
        "not a text unit": lambda s, u: lists.link(s, 10**6, uid),
    }
    for message, bad in bad_edits.items():

        def half_then_bad(source_list, units, bad=bad):
            lists.add_source(source_list, "written first", [])  # must not survive
            return bad(source_list, units)

        with pytest.raises(CodingError, match=message):
            sources.edit(project, article, "alice", half_then_bad)
        assert sources.read_list(project, article, "alice") == before, message


def test_a_field_switched_off_is_cleared_and_undone_with_it(sample_project):
    project = sample_project
    article = find_unit(project, "harbor-deal#2").article_id
    _, uid = sources.edit(project, article, "bob", lambda s, u: lists.add_source(s, "officials"))
    anonymous = {"named_or_anonymous": "anonymous", "reason_given": "no_reason"}
    sources.edit(
        project, article, "bob", lambda s, u: lists.code(s, uid, project.codebook, anonymous)
    )
    named, _ = sources.edit(
        project,
        article,
        "bob",
        lambda s, u: lists.code(s, uid, project.codebook, {"named_or_anonymous": "named"}),
    )
    assert sources.read_list(project, article, "bob").source(uid).codes == {
        "named_or_anonymous": "named"
    }
    sources.undo(project, named)
    assert sources.read_list(project, article, "bob").source(uid).codes == anonymous


def test_span_corrections_are_stored_per_coder_with_history(sample_project):
    project = sample_project
    four = find_unit(project, "harbor-deal#4")
    article = four.article_id
    told = _mention(four, "told")
    done, _ = sources.edit(
        project,
        article,
        "alice",
        lambda s, u: lists.correct_span(s, u.unit(four.id), "cue", (told.start, told.end)),
    )
    assert sources.read_list(project, article, "alice").spans == {
        (four.id, "cue"): (told.start, told.end)
    }
    assert sources.read_list(project, article, "bob").spans == {}
    [row] = [h for h in sources.source_history(project, article) if h.target == "#span:cue"]
    assert (row.start, row.end, row.old, row.new) == (
        four.start,
        four.end,
        None,
        f"{told.start}-{told.end}",
    )
    sources.undo(project, done)
    assert sources.read_list(project, article, "alice").spans == {}
    with pytest.raises(CodingError, match="cue or source"):
        sources.edit(
            project,
            article,
            "alice",
            lambda s, u: lists.correct_span(s, u.unit(four.id), "content", (1, 2)),
        )


def test_the_database_refuses_a_source_code_the_codebook_does_not_allow(sample_project):
    project = sample_project
    article = find_unit(project, "harbor-deal#2").article_id
    _, uid = sources.edit(project, article, "alice", lambda s, u: lists.add_source(s, "officials"))
    for field, code in (("source_type", "alien"), ("claim_type", "fact"), ("nonsense", "x")):
        with (
            pytest.raises(ProjectError, match="not in the project's codebook"),
            project.writing() as session,
        ):
            session.execute(
                sa.text(
                    "INSERT INTO source_code (source_id, coder_id, field, code,"
                    " codebook_version_id, coded_at) SELECT s.id, s.coder_id, :f, :c, :v,"
                    " CURRENT_TIMESTAMP FROM source s WHERE s.uid = :u"
                ),
                {"f": field, "c": code, "v": project.codebook_version_id, "u": uid},
            )
    # and a unit's code may not be a source field
    unit = find_unit(project, "harbor-deal#2")
    with (
        pytest.raises(ProjectError, match="not in the project's codebook"),
        project.writing() as session,
    ):
        session.execute(
            sa.text(
                "INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id, coded_at)"
                " SELECT :u, c.id, 'source_type', 'government', :v, CURRENT_TIMESTAMP"
                " FROM coder c WHERE c.name = 'alice'"
            ),
            {"u": unit.id, "v": project.codebook_version_id},
        )


def test_source_fields_stay_out_of_unit_codes_and_the_reserved_names_stay_reserved(sample_project):
    project = sample_project
    two = find_unit(project, "harbor-deal#2")
    with pytest.raises(CodingError, match="source_type"):
        coding.code_unit(project, "alice", two.id, "source_type", "government")
    with pytest.raises(CodingError, match="suggester"):
        sources.edit(project, two.article_id, "suggester", lambda s, u: lists.add_source(s, "x"))
