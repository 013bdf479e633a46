"""The cue finder, shape by shape: cue, source and offsets into the article."""

from __future__ import annotations

import re

import pytest

from annotator.core.ingest.segmentation import split_sentences
from annotator.core.suggest.cues import find_cues


def sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for paragraph in re.finditer(r"[^\n]+", text):
        spans += split_sentences(text, paragraph.start(), paragraph.end())
    return spans


def cues_of(text: str):
    return find_cues(text, sentences(text))


def only_cue(text: str):
    (sentence,) = cues_of(text)
    (cue,) = sentence.cues
    return cue


def test_offsets_point_into_the_article():
    text = "Intro line here.\n\nSources said at least two bidders had dropped out."
    found = cues_of(text)
    cue = found[-1].cues[0]
    assert text[cue.cue.start : cue.cue.end] == "said" == cue.cue.text
    assert text[cue.source.start : cue.source.end] == "Sources" == cue.source.text


def test_source_verb():
    cue = only_cue("A senior official in the transport ministry said the talks would resume.")
    assert (cue.shape, cue.cue.text, cue.source.text) == (
        "source_verb",
        "said",
        "A senior official in the transport ministry",
    )


def test_source_verb_steps_over_a_relative_clause_and_auxiliaries():
    cue = only_cue(
        "A senior official, who spoke on condition of anonymity, has also said the plan failed."
    )
    assert cue.source.text == "A senior official"
    assert cue.cue.text == "said"


def test_apposition_belongs_to_the_source():
    cue = only_cue("Ilse Brandt, the port authority chair, said the offer was studied.")
    assert cue.source.text == "Ilse Brandt, the port authority chair"


def test_inverted():
    cue = only_cue('"Nobody has seen the full terms," said opposition lawmaker Tomas Reyer.')
    assert (cue.shape, cue.source.text) == ("inverted", "opposition lawmaker Tomas Reyer")


def test_content_after_a_comma_is_not_an_inverted_source():
    cue = only_cue("Brandt, who chairs the board, said the deal was off.")
    assert (cue.shape, cue.source.text) == ("source_verb", "Brandt")


def test_according_to():
    cue = only_cue(
        "The terminal handled 1.2 million containers, according to figures published by the "
        "authority."
    )
    assert cue.shape == "according_to"
    assert cue.cue.text == "according to"
    assert cue.source.text == "figures published by the authority"


def test_passive_with_by():
    cue = only_cue("The closure was announced by the interior ministry on Monday.")
    assert (cue.shape, cue.cue.text, cue.source.text) == (
        "passive",
        "announced",
        "the interior ministry",
    )


def test_passive_without_agent_is_no_cue():
    (sentence,) = cues_of("The closure was announced on Monday.")
    assert sentence.cues == []


@pytest.mark.parametrize(
    "text, cue_text",
    [
        ("It is understood that two bidders have withdrawn.", "It is understood"),
        ("The minister is understood to have offered her resignation.", "is understood to"),
        ("The plant reportedly failed two inspections.", "reportedly"),
    ],
)
def test_impersonal_cues_have_no_source(text, cue_text):
    cue = only_cue(text)
    assert (cue.shape, cue.cue.text, cue.source) == ("impersonal", cue_text, None)


def test_split_quote_is_one_cue_with_both_quotations():
    text = '"We are ready," she said, "but not at any price."'
    cue = only_cue(text)
    assert (cue.cue.text, cue.source.text) == ("said", "she")
    assert [q.text for q in cue.quotes] == ['"We are ready,"', '"but not at any price."']


def test_pronoun_points_back_to_the_person_named_earlier():
    text = (
        '"We have received an offer," port authority chair Ilse Brandt told reporters. '
        "She declined to give financial details."
    )
    cue = cues_of(text)[1].cues[0]
    assert cue.source.text == "She"
    assert cue.antecedent.text == "Ilse Brandt"


def test_title_points_back_to_the_person_with_that_title():
    text = (
        "Transport minister Karel Voss and union leader Ana Ruiz met on Monday. "
        "The union has threatened a strike. "
        "The minister said he was confident of a deal."
    )
    cue = cues_of(text)[2].cues[0]
    assert (cue.source.text, cue.antecedent.text) == ("The minister", "Karel Voss")


def test_surname_points_back_to_the_full_name():
    text = "Opposition lawmaker Tomas Reyer spoke first. Later, Reyer said the vote was rigged."
    cue = cues_of(text)[1].cues[0]
    assert (cue.source.text, cue.antecedent.text) == ("Reyer", "Tomas Reyer")


def test_several_cues_in_one_sentence():
    (sentence,) = cues_of("The minister said the deal was done, but the union denied it.")
    assert [(c.cue.text, c.source.text) for c in sentence.cues] == [
        ("said", "The minister"),
        ("denied", "the union"),
    ]


def test_verbs_inside_a_quotation_are_the_speakers_words():
    cue = only_cue('"We expect a deal by spring," the minister said.')
    assert (cue.cue.text, cue.source.text) == ("said", "the minister")


def test_noun_uses_of_cue_words_are_not_cues():
    (sentence,) = cues_of("The claims surfaced as expected after the report was published.")
    assert sentence.cues == []


def test_a_quotation_without_a_cue_belongs_to_the_quote_before():
    text = (
        '"Nobody has seen the full terms," said opposition lawmaker Tomas Reyer. '
        '"That is not how public assets should be handled."'
    )
    second = cues_of(text)[1]
    assert second.cues == []
    assert second.carried.source.text == "opposition lawmaker Tomas Reyer"


def test_a_scare_quote_in_the_writers_sentence_is_not_carried():
    text = '"We are ready," she said. The so-called "deal" has no text yet.'
    assert cues_of(text)[1].carried is None


def test_cue_with_a_statement_phrase():
    cue = only_cue("The foreign ministry said in a statement that talks would resume.")
    assert (cue.cue.text, cue.source.text) == ("said in a statement", "The foreign ministry")
