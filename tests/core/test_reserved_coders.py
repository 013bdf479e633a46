"""Reserved coder names and names that print as something else (issue 21).

`consensus` is written only by the supervisor's adjudication and `suggester` only by
`annotator suggest`; a new coder name may not hold control, bidi or zero-width characters,
and one stored before that rule is printed escaped.
"""

from __future__ import annotations

import pytest

from annotator import cli
from annotator.core.coding import service as coding
from annotator.core.coding.coder_names import new_name_problem, printable_name
from annotator.core.coding.lookups import list_units
from annotator.core.errors import CodingError
from annotator.core.store.models import Coder
from annotator.core.store.roles import CONSENSUS, SUGGESTER
from annotator.core.supervision import adjudication

BIDI = "bob\u202egnp.exe"  # right-to-left override: prints as "bobexe.png"
HIDDEN = ["ann\u200b", "ann\u2066x\u2069", "a\nb", "a\x1b[31mred", "\ufeffann", "a\u2028b"]


@pytest.fixture
def sentence(sample_project) -> int:
    return next(u.id for u in list_units(sample_project) if u.kind == "sentence")


@pytest.mark.parametrize("name", [CONSENSUS, SUGGESTER, f" {CONSENSUS} "])
def test_no_ordinary_write_can_use_a_reserved_name(sample_project, sentence, name):
    with pytest.raises(CodingError, match="written only by"):
        coding.apply_codes(sample_project, name, sentence, {"attribution": "named_person"})
    with pytest.raises(CodingError, match="written only by"):
        coding.set_note(sample_project, name, sentence, "mine now")
    change = coding.Change(sentence, name.strip(), "attribution", None, "named_person")
    with pytest.raises(CodingError, match="written only by"):
        coding.apply_changes(sample_project, name, [change], origin="undo")
    with pytest.raises(CodingError, match="written only by"):  # nor the other reserved one
        coding.apply_changes(sample_project, CONSENSUS, [change], origin="x", reserved=SUGGESTER)
    assert coding.coder_codes(sample_project, name.strip()) == {}


def test_the_adjudication_still_writes_the_consensus(sample_project, sentence):
    adjudication.adjudicate(sample_project, sentence, "attribution", "named_person")
    assert coding.coder_codes(sample_project, CONSENSUS) == {
        sentence: {"attribution": "named_person"}
    }


def test_the_command_line_cannot_code_as_the_consensus(sample_project, sentence, capsys):
    adjudication.adjudicate(sample_project, sentence, "attribution", "named_person")
    key = next(u.key for u in list_units(sample_project) if u.id == sentence)
    argv = ["code", str(sample_project.path), "--coder", CONSENSUS, key, "attribution=unattributed"]
    assert cli.main(argv) == cli.EXIT_USER_ERROR
    assert "written only by the supervisor's adjudication" in capsys.readouterr().err
    adjudicated = coding.coder_codes(sample_project, CONSENSUS)
    assert adjudicated[sentence] == {"attribution": "named_person"}


@pytest.mark.parametrize("name", [BIDI, *HIDDEN, "Consensus", "SUGGESTER "])
def test_a_name_that_hides_characters_or_passes_for_a_reserved_one_is_refused(
    sample_project, sentence, name
):
    assert new_name_problem(name) is not None
    with pytest.raises(CodingError, match="coder name"):
        coding.apply_codes(sample_project, name, sentence, {"attribution": "named_person"})
    with sample_project.reading() as session:
        assert session.get(Coder, 1) is None  # no coder was made


@pytest.mark.parametrize("name", ["Zoë Müller", "عائشة", "李雷", "Mary Ann", "o'brien"])
def test_ordinary_names_in_any_script_are_fine(name):
    assert new_name_problem(name) is None
    assert printable_name(name) == name


def test_an_existing_hidden_name_still_codes_and_prints_escaped(sample_project, sentence, capsys):
    with sample_project.writing() as session:  # as stored before the rule
        session.add(Coder(name=BIDI, role="coder"))
    coding.apply_codes(sample_project, BIDI, sentence, {"attribution": "named_person"})
    assert cli.main(["info", str(sample_project.path)]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out
    assert "bob\\u202egnp.exe" in out


def test_agreement_prints_an_existing_hidden_name_escaped(sample_project, sentence, capsys):
    with sample_project.writing() as session:
        session.add(Coder(name=BIDI, role="coder"))
    for coder in (BIDI, "ann"):
        coding.apply_codes(sample_project, coder, sentence, {"attribution": "named_person"})
    argv = ["agreement", str(sample_project.path), "--bootstrap", "0", "--field", "attribution"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "bob\\u202egnp.exe" in out
    assert "\n\n" in out or out.count("\n") > 2  # line breaks are kept, not escaped
