"""The suggester as a coder of its own: stored through the coding service, replaced on a
re-run with history, listed in agreement as a machine; `annotator suggest` on top."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event

from annotator.cli import main
from annotator.core.agreement.from_project import machine_coders, project_agreement
from annotator.core.agreement.html_report import agreement_html
from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import find_unit, list_units
from annotator.core.errors import AnnotatorError
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from annotator.core.store.roles import SUGGESTER
from annotator.core.suggest.as_coder import run_suggester
from annotator.core.suggest.switch import set_suggestions_for_coders, suggestions_for_coders
from tests.conftest import SAMPLE_TEXTS
from tests.core.test_team import as_role, team_project  # noqa: F401 (a fixture)


def test_suggestions_are_stored_as_the_machine_coders_codes(sample_project):
    run = run_suggester(sample_project)
    sources = find_unit(sample_project, "harbor-deal#9")  # "Sources said ..."
    codes = coding.coder_codes(sample_project, SUGGESTER)
    assert codes[sources.id]["attribution"] == "anonymous_vague"
    assert run.changed == sum(len(c) for c in codes.values())
    history = coding.unit_history(sample_project, sources.id)
    assert {h.origin for h in history} == {run.version}
    assert run.version.startswith("suggester ")
    assert machine_coders(sample_project) == {SUGGESTER}


def test_a_rerun_replaces_earlier_codes_with_history(sample_project):
    run_suggester(sample_project)
    unit = find_unit(sample_project, "harbor-deal#9")
    # An earlier version's different code, and a code the suggester does not give.
    with coding.writing(sample_project, origin="0.9", reserved=SUGGESTER) as writer:
        writer.set_codes(SUGGESTER, unit.id, {"attribution": "unattributed", "claim_type": "fact"})
    again = run_suggester(sample_project)
    assert again.changed == 2
    newest = coding.unit_history(sample_project, unit.id)[-2:]
    assert {(h.target, h.old, h.new) for h in newest} == {
        ("attribution", "unattributed", "anonymous_vague"),
        ("claim_type", "fact", None),
    }
    assert coding.coder_codes(sample_project, SUGGESTER)[unit.id]["attribution"] == (
        "anonymous_vague"
    )
    assert [h.new for h in coding.unit_history(sample_project, unit.id)][-2:] in (
        ["anonymous_vague", None],
        [None, "anonymous_vague"],
    )
    assert run_suggester(sample_project).changed == 0


def test_dry_run_stores_nothing(sample_project):
    run = run_suggester(sample_project, dry_run=True)
    assert run.changed and run.dry_run
    assert coding.coder_codes(sample_project, SUGGESTER) == {}
    assert machine_coders(sample_project) == frozenset()


def test_one_article_only(sample_project):
    records = []
    run = run_suggester(sample_project, "vaccine-plant", on_record=records.append)
    assert {r.unit.article_key for r in records} == {"vaccine-plant"}
    assert run.suggested == len(records) > 0


def test_a_human_named_suggester_is_never_overwritten(sample_project):
    unit = find_unit(sample_project, "harbor-deal#2")
    # A project from before the name was reserved: a person coded as "suggester".
    with coding.writing(sample_project, origin="manual", reserved=SUGGESTER) as writer:
        writer.set_codes(SUGGESTER, unit.id, {"attribution": "named_person"})
    with pytest.raises(AnnotatorError, match="already codes in this project as a coder"):
        run_suggester(sample_project)
    assert coding.coder_codes(sample_project, SUGGESTER) == {
        unit.id: {"attribution": "named_person"}
    }


def test_a_codebook_not_about_sources_gets_a_clear_line(project_location):
    with Project.create(project_location("a.annotator"), bundled_codebook("admiralty")) as project:
        import_paths(project, SAMPLE_TEXTS[:1])
        with pytest.raises(AnnotatorError, match="has no suggestion rules"):
            run_suggester(project)


def test_agreement_lists_the_suggester_as_a_machine(sample_project):
    run_suggester(sample_project)
    for key in ("harbor-deal#2", "harbor-deal#9"):
        unit = find_unit(sample_project, key)
        coding.apply_codes(sample_project, "ana", unit.id, {"attribution": "anonymous_vague"})
    result = project_agreement(sample_project, ["attribution"], bootstrap_samples=0)
    report = result.fields["attribution"]
    assert report.coders == ("ana", SUGGESTER)
    assert report.machine_coders == (SUGGESTER,)
    assert report.to_dict()["machine_coders"] == [SUGGESTER]
    assert report.cohen_kappa[0].kappa.n_units == 2
    html = agreement_html(result.fields, source="p", source_type="project")
    assert "<td>suggester (machine)</td>" in html


def test_project_wide_switch(sample_project):
    assert suggestions_for_coders(sample_project)
    set_suggestions_for_coders(sample_project, False)
    assert not suggestions_for_coders(sample_project)
    set_suggestions_for_coders(sample_project, True)
    assert suggestions_for_coders(sample_project)


def test_cli_suggest_json_and_switch(project_location, capsys):
    location = str(project_location("cli.annotator"))
    assert main(["new", location]) == 0
    assert main(["import", location, *map(str, SAMPLE_TEXTS)]) == 0
    capsys.readouterr()
    assert main(["suggest", location, "--article", "harbor-deal", "--json", "--dry-run"]) == 0
    out = capsys.readouterr()
    records = json.loads(out.out)
    assert "would change" in out.err
    reyer = next(r for r in records if "Tomas Reyer" in r["text"])
    assert reyer["codes"]["attribution"]["code"] == "named_person"
    assert reyer["cue"]["text"] == "said"
    assert reyer["source"]["text"] == "opposition lawmaker Tomas Reyer"
    article = next(p for p in SAMPLE_TEXTS if p.stem == "harbor-deal").read_text(encoding="utf-8")
    start, end = reyer["source"]["start"], reyer["source"]["end"]
    assert article[start:end] == "opposition lawmaker Tomas Reyer"
    assert 0 < reyer["confidence"] <= 1
    assert main(["suggest", location]) == 0
    assert "(saved)" in capsys.readouterr().out
    assert main(["suggest", location, "--for-coders", "off"]) == 0
    assert "suggestions for coders off (saved)" in capsys.readouterr().out
    with Project.open(location) as project:
        assert not suggestions_for_coders(project)
        assert coding.coder_codes(project, SUGGESTER)


@pytest.mark.postgres
def test_on_a_team_server_the_owner_runs_the_suggester_and_members_are_told(team_project):  # noqa: F811
    """Members may write only their own codes (row-level security): the project's owner
    runs `annotator suggest`; a supervisor who tries gets one line, and nothing changes."""
    url, names = team_project
    with Project.open(as_role(url, names["sue"])) as project:
        with pytest.raises(AnnotatorError, match="not allowed"):
            run_suggester(project)
        assert coding.coder_codes(project, SUGGESTER) == {}
    with Project.open(url) as project:
        assert run_suggester(project).changed
    with Project.open(as_role(url, names["sue"])) as project:  # the supervisor sees them
        assert coding.coder_codes(project, SUGGESTER)
        assert machine_coders(project) == {SUGGESTER}
    with Project.open(as_role(url, names["alice"])) as project:  # a coder does not
        assert coding.coder_codes(project, SUGGESTER) == {}


def test_the_agreement_command_marks_the_machine_coder(sample_project, capsys):
    from annotator.cli import main

    run_suggester(sample_project)
    for key in ("harbor-deal#2", "harbor-deal#9"):
        unit = find_unit(sample_project, key)
        coding.apply_codes(sample_project, "ana", unit.id, {"attribution": "anonymous_vague"})
    path = str(sample_project.path)
    assert main(["agreement", path, "--field", "attribution", "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    assert "machine coders: suggester (machine)" in out
    assert "ana × suggester (machine) (" in out


def test_suggestions_are_stored_in_short_transactions(sample_project, monkeypatch):
    """Issue 21: a whole project's suggestions went in one transaction, an ORM round trip
    per change, holding the write lock for over a minute on 4,800 units while coders'
    saves waited. Now each transaction holds at most a batch of codes (7 here)."""
    monkeypatch.setattr(coding, "SHORT_TRANSACTION", 7, raising=False)
    history_rows = [0]  # per transaction, the last one open

    def count(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO HISTORY"):
            history_rows[-1] += len(parameters) if executemany else 1

    def close(connection):
        history_rows.append(0)

    engine = sample_project.write_engine
    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "commit", close)
    try:
        run = run_suggester(sample_project)
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(engine, "commit", close)
    assert sum(history_rows) == run.changed > 7
    assert max(history_rows) <= 7
    stored = coding.coder_codes(sample_project, SUGGESTER)
    assert run.changed == sum(len(codes) for codes in stored.values())


def _set_language(project: Project, article_key: str, language: str) -> None:
    """As an archive import records it (test set-up: the importer's metadata field)."""
    from sqlmodel import select

    from annotator.core.store.models import Article

    with project.writing() as session:
        article = session.exec(select(Article).where(Article.key == article_key)).one()
        article.metadata_json = json.dumps({"language": language})
        session.add(article)


def test_cli_suggest_skips_articles_not_in_english_and_counts_them(project_location, capsys):
    """The English-only rule of the window (core/suggest/languages.py) applies to the
    command too: a German article gets no codes, and the output says it was skipped."""
    location = str(project_location("languages.annotator"))
    assert main(["new", location]) == 0
    assert main(["import", location, *map(str, SAMPLE_TEXTS)]) == 0
    with Project.open(location) as project:
        run_suggester(project)  # before the rule: the machine coded every article
        german = {u.id for u in list_units(project, "harbor-deal")}
        assert german & set(coding.coder_codes(project, SUGGESTER))
        _set_language(project, "harbor-deal", "de")
    capsys.readouterr()
    assert main(["suggest", location]) == 0
    out = capsys.readouterr().out
    assert "skipped 1 article(s) not in English (de 1)" in out
    with Project.open(location) as project:
        stored = coding.coder_codes(project, SUGGESTER)
        assert not german & set(stored)  # the earlier run's codes there are cleared
        assert stored  # the English articles keep theirs
        records = []
        run = run_suggester(project, dry_run=True, on_record=records.append)
        assert "harbor-deal" not in {r.unit.article_key for r in records}
        assert run.changed == 0


@pytest.mark.parametrize("per_pass", [1, 2])
def test_a_run_in_passes_stores_what_one_pass_stores(
    sample_project, project_location, monkeypatch, per_pass
):
    """Issue 29: a run over a whole archive holds one pass of articles at a time (it
    held every unit's record, 6.8 GB at 100,000 articles). Passes of one or two
    articles store the same codes, records in the same order, and still clear an
    earlier run's codes on an article skipped for its language."""
    from annotator.core.suggest import as_coder

    whole: list = []
    run_suggester(sample_project, on_record=whole.append)
    expected = coding.coder_codes(sample_project, SUGGESTER)
    location = project_location("passes.annotator")
    assert main(["new", str(location)]) == 0
    assert main(["import", str(location), *map(str, SAMPLE_TEXTS)]) == 0
    monkeypatch.setattr(as_coder, "ARTICLES_PER_PASS", per_pass)
    with Project.open(location) as project:
        passed: list = []
        run = run_suggester(project, on_record=passed.append)
        assert [r.unit.key for r in passed] == [r.unit.key for r in whole]
        stored = coding.coder_codes(project, SUGGESTER)
        keys = {u.id: u.key for u in list_units(project)}
        assert run.changed == sum(len(c) for c in stored.values())
        assert {keys[i]: c for i, c in stored.items()} == {
            u.key: expected[u.id] for u in list_units(sample_project) if u.id in expected
        }
        _set_language(project, "vaccine-plant", "fr")
        again = run_suggester(project)
        gone = {u.id for u in list_units(project, "vaccine-plant")}
        assert again.changed == sum(len(stored[i]) for i in gone & set(stored)) > 0
        assert set(coding.coder_codes(project, SUGGESTER)) == set(stored) - gone
