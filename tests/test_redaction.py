"""Redaction rules on their own: listed terms, the always-applied patterns, bad redaction files."""

from __future__ import annotations

import pytest

from causalmap.errors import InvalidInput
from causalmap.render.redact import Redactor, Term, parse_redaction_csv, read_redaction_file, redact_document
from causalmap.samples import sample_document


def redact(text: str, *terms: tuple[str, str]) -> tuple[str, dict[str, int]]:
    redactor = Redactor([Term(t, r) for t, r in terms])
    return redactor.text(text), redactor.counts


def test_a_listed_term_is_replaced_whatever_its_case_and_only_as_a_whole_word():
    assert redact("Ann's visit; ANN left. Annual review with Joanne.", ("Ann", "the mother")) == (
        "the mother's visit; the mother left. Annual review with Joanne.", {"listed terms": 2})


def test_a_longer_term_wins_over_a_shorter_one_inside_it():
    assert redact("Ann Smith and Ann", ("Ann", "the mother"), ("Ann Smith", "the aunt"))[0] == (
        "the aunt and the mother")


def test_ids_get_the_replacement_in_id_form_so_references_still_match():
    redactor = Redactor([Term("Ashdown", "Northshire Town")])
    assert redactor.ident("ashdown-social-care") == "northshire-town-social-care"
    assert redactor.ident("ashdownshire") == "ashdownshire"


@pytest.mark.parametrize(("text", "expected", "counts"), [
    ("write to jo.bloggs+k@example.org.uk today", "write to [e-mail] today", {"e-mail address": 1}),
    ("call 01632 960123 or 07700 900123", "call [phone] or [phone]", {"UK phone number": 2}),
    ("call +44 7700 900123", "call [phone]", {"UK phone number": 1}),
    ("lives at 4 Elm Road, SW1A 1AA now", "lives at 4 Elm Road, [postcode] now", {"postcode": 1}),
    ("lives at sw1a1aa", "lives at [postcode]", {"postcode": 1}),
    ("NHS number 943 476 5919 recorded", "NHS number [NHS number] recorded", {"NHS number": 1}),
    ("NHS number 9434765919", "NHS number [NHS number]", {"NHS number": 1}),
])
def test_personal_data_patterns_are_always_replaced(text, expected, counts):
    assert redact(text) == (expected, counts)


@pytest.mark.parametrize("text", [
    "seen on 2023-03-17 at 09:30",          # a date and a time are not phone numbers
    "reference 943 476 5918 on file",       # fails the NHS check digit: not an NHS number
    "event hv-20220906 and csc-20221004",   # ids are not postcodes or phone numbers
    "no e-mail @ here",
])
def test_near_misses_of_the_patterns_are_left_alone(text):
    assert redact(text) == (text, {})


def test_a_replacement_that_holds_a_listed_term_is_refused():
    with pytest.raises(InvalidInput) as raised:
        Redactor([Term("K", "Child K")])
    assert [str(e) for e in raised.value.errors] == [
        "row 1, column replacement: 'Child K': the replacement contains the listed term 'K', so the export would "
        "still show it; choose a replacement without it"]


def test_a_malformed_redaction_file_names_each_bad_row(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("term,replacement\nMs R,the mother\nMr T\n,nobody\nms r,again\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        read_redaction_file(path)
    assert raised.value.summary == f"{path}: 1 problem in the redaction file; nothing was written"
    assert [str(e) for e in raised.value.errors] == [
        "row 3: 'Mr T': has 1 cells; write term,replacement (quote a term that contains a comma)"]
    path.write_text("Ms R,the mother\n,nobody\nms r,again\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        read_redaction_file(path)
    assert [str(e) for e in raised.value.errors] == [
        "row 2, column term: the term is empty; give the name or word to replace",
        "row 3, column term: 'ms r': the same term as row 1"]


def test_a_missing_or_empty_redaction_file_is_bad_input(tmp_path):
    with pytest.raises(InvalidInput, match="no such redaction file"):
        read_redaction_file(tmp_path / "absent.csv")
    with pytest.raises(InvalidInput, match="no terms"):
        parse_redaction_csv("term,replacement\n", "names.csv")


def test_the_whole_document_is_redacted_ids_and_references_alike():
    doc = sample_document()
    redactor = Redactor([Term("Ashdown", "Northshire"), Term("Ms R", "the mother")])
    out = redact_document(doc, redactor)
    text = str(out)
    assert "Ashdown" not in text and "ashdown" not in text and "Ms R" not in text
    assert out["case"]["title"] == "Child K, Northshire (2024)"
    agencies = {a["id"] for a in out["agencies"]}
    assert "northshire-social-care" in agencies
    assert {e["agency"] for e in out["events"]} <= agencies
    assert redactor.counts["listed terms"] > 100
