"""The recommended slot: the earliest every required organisation can make; between equal
times, the most attendees; none → a clear message. Quick picks."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from mdt.recommend import NO_ANSWER, NO_SLOT, SlotView, quick_picks, recommend

UK = ZoneInfo("Europe/London")
T = datetime(2026, 11, 24, 10, 0, tzinfo=UK)
HOUSING, FIRE, NHS = 1, 2, 3


def slots(*hours):
    return [SlotView(pk=i + 1, starts_at=T + timedelta(hours=h)) for i, h in enumerate(hours)]


def test_earliest_slot_all_required_can_make():
    answers = {(HOUSING, 1): False, (FIRE, 1): True, (HOUSING, 2): True, (FIRE, 2): True,
               (HOUSING, 3): True, (FIRE, 3): True, (NHS, 3): True}  # fmt: skip
    result = recommend(slots=slots(0, 4, 24), required=[HOUSING, FIRE],
                       invited=[HOUSING, FIRE, NHS], attends=answers)  # fmt: skip
    assert result.slot_id == 2  # slot 3 has more attendees but is later


def test_required_first_even_if_others_crowd_an_earlier_slot():
    answers = {(NHS, 1): True, (FIRE, 1): True, (HOUSING, 2): True, (FIRE, 2): True}
    result = recommend(slots=slots(0, 4), required=[HOUSING, FIRE],
                       invited=[HOUSING, FIRE, NHS], attends=answers)  # fmt: skip
    assert result.slot_id == 2


def test_ties_at_the_same_time_go_to_most_attendees():
    same_time = [SlotView(pk=1, starts_at=T), SlotView(pk=2, starts_at=T)]
    answers = {(HOUSING, 1): True, (HOUSING, 2): True, (NHS, 2): True}
    result = recommend(slots=same_time, required=[HOUSING], invited=[HOUSING, NHS],
                       attends=answers)  # fmt: skip
    assert result.slot_id == 2
    assert result.attendees == 2


def test_no_slot_possible_says_so():
    answers = {(HOUSING, 1): True, (FIRE, 2): True}
    result = recommend(slots=slots(0, 4), required=[HOUSING, FIRE], invited=[HOUSING, FIRE],
                       attends=answers)  # fmt: skip
    assert result.slot_id is None
    assert result.message == NO_SLOT
    assert "Propose more times" in result.message


def test_unanswered_is_not_coming_and_sending_someone_counts():
    # attends=True covers "send someone else" (Response.attends).
    result = recommend(slots=slots(0), required=[HOUSING], invited=[HOUSING], attends={})
    assert result.slot_id is None


def test_no_required_organisation_means_earliest_slot_someone_can_make():
    answers = {(NHS, 2): False, (NHS, 1): True, (FIRE, 1): True}
    result = recommend(slots=slots(5, 1), required=[], invited=[NHS, FIRE], attends=answers)
    assert result.slot_id == 1
    assert result.message == "2 of 2 invited organisations can make it."


def test_no_time_is_recommended_that_no_organisation_said_it_can_make():
    for answers in ({}, {(NHS, 1): False, (NHS, 2): False}):
        result = recommend(slots=slots(5, 1), required=[], invited=[NHS], attends=answers)
        assert result.slot_id is None
        assert result.message == NO_ANSWER
        assert "No organisation has said it can make any of the proposed times" in result.message


def test_quick_picks_are_working_day_mornings_and_afternoons_before_the_deadline():
    now = datetime(2026, 11, 20, 11, 0, tzinfo=UK)  # Friday 11:00
    deadline = datetime(2026, 11, 24, 11, 0, tzinfo=UK)  # Tuesday 11:00
    picks = quick_picks(now=now, deadline=deadline, known=frozenset())
    assert picks == [
        datetime(2026, 11, 20, 14, 0, tzinfo=UK),
        datetime(2026, 11, 23, 10, 0, tzinfo=UK),
        datetime(2026, 11, 23, 14, 0, tzinfo=UK),
        datetime(2026, 11, 24, 10, 0, tzinfo=UK),
    ]


def test_quick_picks_skip_bank_holidays():
    now = datetime(2026, 8, 28, 15, 0, tzinfo=UK)
    deadline = datetime(2026, 9, 2, 15, 0, tzinfo=UK)
    picks = quick_picks(now=now, deadline=deadline,
                        known=frozenset({date(2026, 8, 31)}))  # fmt: skip
    assert all(p.date().isoformat() != "2026-08-31" for p in picks)
    assert picks[0] == datetime(2026, 9, 1, 10, 0, tzinfo=UK)
