"""Every rule of chronology-format.md: a row where it must fire and a near miss where it must not.

These checks are pure (no database): what is stored is passed in as plain mappings.
"""

from __future__ import annotations

import pytest

from causalmap.chronology import check_chronology
from causalmap.chronology.check import generated_event_id
from causalmap.chronology.read import Table
from causalmap.errors import InvalidInput

HEADER = ["event_id", "date", "agency", "kind", "description", "to_agency", "participants", "responds_to"]


def table(*rows: list[str], header: list[str] = HEADER) -> Table:
    """Rows as a spreadsheet would number them: the header is row 1."""
    return Table(list(header), [(n, dict(zip(header, r, strict=True))) for n, r in enumerate(rows, start=2)])


def good(**overrides: str) -> list[str]:
    values = {"event_id": "e1", "date": "2023-03-16", "agency": "Little Oaks Nursery", "kind": "contact",
              "description": "Bruise noticed", "to_agency": "", "participants": "", "responds_to": ""}
    values.update(overrides)
    return [values[h] for h in HEADER]


def errors_of(t: Table, **stored) -> list[tuple[int | None, str | None, object, str]]:
    with pytest.raises(InvalidInput) as caught:
        check_chronology(t, **stored)
    return [(e.row, e.column, e.value, e.message) for e in caught.value.errors]


# -- dates ----------------------------------------------------------------------------
@pytest.mark.parametrize("text, stored, precision", [
    ("2023-03-16", "2023-03-16", "day"), ("2023-03", "2023-03", "month"), ("2023", "2023", "year"),
    ("25/12/2023", "2023-12-25", "day"), ("5/1/2024", "2024-01-05", "day"),
])
def test_dates_in_the_allowed_forms_keep_their_precision(text, stored, precision):
    event = check_chronology(table(good(date=text))).events["e1"]
    assert (event["date"], event["date_precision"]) == (stored, precision)


@pytest.mark.parametrize("text", ["12/25/2023", "31/02/2023", "2023-13", "16.03.2023", "March 2023"])
def test_american_or_impossible_dates_are_refused(text):
    assert errors_of(table(good(date=text))) == [
        (2, "date", text, "not a date; use YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY")]


# -- agencies -------------------------------------------------------------------------
def test_agency_names_become_ids_and_the_first_spelling_is_kept():
    out = check_chronology(table(good(agency="Brent Social Services"),
                                 good(event_id="e2", agency="BRENT social-services!")))
    assert out.agencies["brent-social-services"]["name"] == "Brent Social Services"
    assert {e["agency"] for e in out.events.values()} == {"brent-social-services"}


def test_an_agency_name_without_letters_or_digits_is_refused():
    assert errors_of(table(good(agency="--"))) == [
        (2, "agency", "--", "an agency name needs at least one letter or digit")]


def test_a_stored_agency_keeps_its_stored_name():
    out = check_chronology(table(good(agency="little oaks nursery")),
                           stored_agencies={"little-oaks-nursery": {"name": "Little Oaks Nursery",
                                                                     "sector": "early_years"}})
    assert out.agencies["little-oaks-nursery"] == {"id": "little-oaks-nursery", "name": "Little Oaks Nursery",
                                                   "sector": "early_years", "_new": False}


# -- required columns and values -------------------------------------------------------
def test_missing_required_values_are_each_reported():
    assert errors_of(table(good(description="", kind=""))) == [
        (2, "kind", "", "kind is required"), (2, "description", "", "description is required")]


def test_a_missing_required_column_is_reported_on_the_header_row():
    header = ["date", "agency", "kind"]
    errors = errors_of(Table(header, [(2, {"date": "2023", "agency": "A", "kind": "contact"})]))
    assert errors == [(1, "description", None, "the required column 'description' is missing; the header must "
                       "name date, agency, kind, description")]


def test_unknown_columns_are_refused_but_x_columns_are_kept():
    header = HEADER + ["agancy_ref"]
    errors = errors_of(Table(header, [(2, dict(zip(header, good() + ["1"], strict=True)))]))
    assert errors == [(1, "agancy_ref", "agancy_ref",
                       "unknown column; did you mean 'agency'? start your own columns with x_ to keep them")]
    header = HEADER + ["x_ref"]
    out = check_chronology(Table(header, [(2, dict(zip(header, good() + ["IMR-7"], strict=True)))]))
    assert out.events["e1"]["x_ref"] == "IMR-7"


def test_header_names_match_case_insensitively_with_spaces_and_hyphens():
    header = ["Event ID", "DATE", "Agency", "Kind", "Description", "To-Agency"]
    row = ["e1", "2023-01-02", "Police", "referral", "Referral", "Social Care"]
    out = check_chronology(Table(header, [(2, dict(zip(header, row, strict=True)))]))
    assert out.events["e1"]["to_agencies"] == ["social-care"]


def test_a_misspelt_kind_gets_a_suggestion_and_case_does_not_matter():
    assert errors_of(table(good(kind="home visit")))[0][3].startswith("unknown event kind; did you mean 'home_visit'?")
    assert check_chronology(table(good(kind="Home_Visit"))).events["e1"]["kind"] == "home_visit"


# -- ids --------------------------------------------------------------------------------
def test_event_ids_must_be_simple_and_unique():
    assert errors_of(table(good(event_id="bad id!"))) == [
        (2, "event_id", "bad id!", "not an event id; use up to 100 letters (of any alphabet), digits, '.', '_', "
         "':' or '-', starting with a letter or digit")]
    assert errors_of(table(good(), good(description="other"))) == [(3, "event_id", "e1", "same event id as row 2")]
    assert set(check_chronology(table(good(event_id="e-1.2"), good(event_id="E:2"))).events) == {"e-1.2", "E:2"}


def test_blank_event_ids_are_generated_from_the_row_and_stable():
    row = good(event_id="")
    first = check_chronology(table(row)).events
    again = check_chronology(table(row)).events
    assert list(first) == list(again) == ["ev-db4cc502afcc"]


# The documented inputs of a generated id: date, agency, kind, description and time. Each
# changes the id (fixed values: sha256 of the five joined by U+001F, first 12 hex digits).
@pytest.mark.parametrize("column, value, expected", [
    ("date", "17/03/2023", "ev-f87121dcfb0e"),
    ("agency", "Ashdown Social Care", "ev-f1550a54cbb7"),
    ("kind", "home_visit", "ev-e341ce3a1e6c"),
    ("description", "Bruise noticed.", "ev-a53f7407327f"),
    ("time", "09:30", "ev-20d071ae9f87"),
])
def test_each_documented_input_changes_the_generated_id(column, value, expected):
    header = HEADER + ["time"]
    row = dict(zip(header, good(event_id="") + [""], strict=True))
    row[column] = value
    assert list(check_chronology(table([row[h] for h in header], header=header)).events) == [expected]
    assert generated_event_id("2023-03-16", "little-oaks-nursery", "contact", "Bruise noticed", "") == "ev-db4cc502afcc"


def test_the_generated_id_ignores_columns_outside_the_rule():
    header = HEADER + ["notes", "source"]
    plain = check_chronology(table(good(event_id="") + ["", ""], header=header)).events
    noted = check_chronology(table(good(event_id="") + ["seen by the manager", "Ashdown Health Visiting"],
                                   header=header)).events
    assert list(plain) == list(noted) == ["ev-db4cc502afcc"]


def test_two_identical_rows_without_ids_are_reported_as_duplicates():
    row = good(event_id="")
    assert errors_of(table(row, row)) == [(3, "date", "2023-03-16", "identical to row 2; remove the duplicate, or "
                                           "give each row an event_id to keep both")]


# -- time -------------------------------------------------------------------------------
def test_time_is_24_hour_hh_mm():
    header = HEADER + ["time"]
    assert check_chronology(table(good() + ["23:59"], header=header)).events["e1"]["time"] == "23:59"
    assert errors_of(table(good() + ["24:00"], header=header)) == [
        (2, "time", "24:00", "not a time; use HH:MM on the 24-hour clock, e.g. 09:30")]


# -- communications and meetings -------------------------------------------------------
def test_communications_need_a_recipient():
    assert errors_of(table(good(kind="referral"))) == [
        (2, "to_agency", "", "a referral needs the recipient agency in to_agency")]
    out = check_chronology(table(good(kind="referral", to_agency="Ashdown Social Care")))
    assert out.events["e1"]["to_agencies"] == ["ashdown-social-care"]


def test_a_recipient_is_refused_on_a_practice_event_and_for_oneself():
    assert errors_of(table(good(kind="home_visit", to_agency="Police")))[0][:3] == (2, "to_agency", "Police")
    assert errors_of(table(good(kind="referral", to_agency="little oaks nursery"))) == [
        (2, "to_agency", "little oaks nursery", "an agency cannot communicate with itself; name the agency that "
         "received it")]


def test_meetings_need_participants_and_only_meetings_have_them():
    assert errors_of(table(good(kind="strategy_discussion"))) == [
        (2, "participants", "", "a strategy_discussion needs its participants: agencies separated by ;")]
    assert errors_of(table(good(kind="contact", participants="Police")))[0][:3] == (2, "participants", "Police")
    out = check_chronology(table(good(kind="meeting", participants="Police; Health Visiting;Police")))
    assert out.events["e1"]["participants"] == ["health-visiting", "police"]


# -- cross-references --------------------------------------------------------------------
def test_responds_to_may_point_forward_in_the_file_or_to_stored_events():
    rows = [good(event_id="answer", agency="Social Care", kind="contact", responds_to="ref"),
            good(event_id="ref", kind="referral", to_agency="Social Care"),
            good(event_id="answer2", agency="Social Care", responds_to="old")]
    out = check_chronology(table(*rows), stored_events={"old": "request"})
    assert out.events["answer"]["responds_to"] == ["ref"]
    assert out.events["answer2"]["responds_to"] == ["old"]


def test_responds_to_an_unknown_event_a_non_communication_or_itself_is_refused():
    rows = [good(event_id="a", responds_to="nowhere"), good(event_id="b", responds_to="c"),
            good(event_id="c"), good(event_id="d", kind="referral", to_agency="X", responds_to="d")]
    assert errors_of(table(*rows)) == [
        (2, "responds_to", "nowhere", "no event with this event_id in the file or stored for the case; check the "
         "id or import the other agency's chronology first"),
        (3, "responds_to", "c", "event 'c' is a contact, not a communication; responds_to names a referral, "
         "information_sharing, request, notification, escalation"),
        (5, "responds_to", "d", "an event cannot refer to itself"),
    ]


def test_account_of_needs_an_existing_event():
    header = HEADER + ["account_of", "disputed"]
    rows = [good(event_id="a") + ["", ""], good(event_id="b", agency="Police") + ["a", "yes"]]
    out = check_chronology(table(*rows, header=header))
    assert (out.events["b"]["account_of"], out.events["b"]["disputed"]) == (["a"], True)
    assert errors_of(table(good(event_id="b") + ["zz", "no"], header=header))[0][:3] == (2, "account_of", "zz")


# -- decisions, flags, sectors ------------------------------------------------------------
def test_a_concern_column_marks_the_event_and_takes_only_yes_or_no():
    header = HEADER + ["concern"]
    out = check_chronology(table(good(event_id="a") + ["yes"], good(event_id="b") + [""], header=header))
    assert (out.events["a"]["concern"], out.events["b"]["concern"]) == (True, False)
    assert errors_of(table(good(event_id="a") + ["maybe"], header=header)) == [
        (2, "concern", "maybe", "use yes or no")]


def test_decisions_become_records_and_not_taken_is_kept():
    header = HEADER + ["decision", "decision_taken"]
    out = check_chronology(table(good() + ["No strategy discussion", "no"], header=header))
    assert out.decisions == {"e1-decision": {"id": "e1-decision", "date": "2023-03-16", "taken": False,
                                             "description": "No strategy discussion",
                                             "agency": "little-oaks-nursery", "made_at": "e1"}}


def test_decision_taken_needs_a_decision_and_a_yes_or_no():
    header = HEADER + ["decision", "decision_taken"]
    assert errors_of(table(good() + ["", "no"], header=header)) == [
        (2, "decision_taken", "no", "decision_taken needs a decision; describe the decision in the decision column")]
    assert errors_of(table(good() + ["Refer", "maybe"], header=header)) == [
        (2, "decision_taken", "maybe", "use yes or no")]


def test_sectors_come_from_the_vocabulary_and_an_agency_has_one():
    header = HEADER + ["sector"]
    assert errors_of(table(good() + ["nursery"], header=header))[0][:3] == (2, "sector", "nursery")
    assert errors_of(table(good() + ["early_years"], good(event_id="e2") + ["education"], header=header)) == [
        (3, "sector", "education", "row 2 gave 'Little Oaks Nursery' the sector 'early_years'; an agency has one "
         "sector")]
    out = check_chronology(table(good() + ["early_years"], good(event_id="e2") + [""], header=header))
    assert out.agencies["little-oaks-nursery"]["sector"] == "early_years"


def test_a_stored_sector_is_kept_unless_it_was_unknown():
    header = HEADER + ["sector"]
    stored = {"little-oaks-nursery": {"name": "Little Oaks Nursery", "sector": "education"}}
    assert errors_of(table(good() + ["early_years"], header=header), stored_agencies=stored)[0][:3] == (
        2, "sector", "early_years")
    stored = {"little-oaks-nursery": {"name": "Little Oaks Nursery", "sector": "other"}}
    out = check_chronology(table(good() + ["early_years"], header=header), stored_agencies=stored)
    assert out.agencies["little-oaks-nursery"]["sector"] == "early_years"


def test_agencies_without_a_sector_get_other():
    assert check_chronology(table(good())).agencies["little-oaks-nursery"]["sector"] == "other"


# -- the whole file ------------------------------------------------------------------------
def test_every_bad_row_is_reported_not_just_the_first():
    rows = [good(event_id="a", date="31/31/2023"), good(event_id="b"), good(event_id="c", kind="visit")]
    errors = errors_of(table(*rows))
    assert [(r, c) for r, c, _, _ in errors] == [(2, "date"), (4, "kind")]


def test_a_header_without_rows_is_refused():
    with pytest.raises(InvalidInput, match="the file has a header but no rows; nothing was written"):
        check_chronology(Table(HEADER, []))
