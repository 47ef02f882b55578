"""Working-day deadlines: urgent two working days at the same clock time, routine ten;
weekends and England-and-Wales bank holidays skipped; the warning when the known holidays run
out; refreshing them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from mdt import working_days
from mdt.models import BankHoliday

UK = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UK)


def test_urgent_on_a_thursday_skips_the_weekend():
    # Thursday 19 November 2026, 15:30 → Monday 23 November, 15:30.
    assert working_days.deadline_for(urgent=True, requested_at=at(2026, 11, 19, 15, 30)) == at(
        2026, 11, 23, 15, 30
    )


def test_urgent_on_a_tuesday_is_thursday_same_time():
    assert working_days.deadline_for(urgent=True, requested_at=at(2026, 11, 24, 9, 5)) == at(
        2026, 11, 26, 9, 5
    )


def test_urgent_on_friday_before_the_august_bank_holiday_weekend():
    # Friday 28 August 2026; Monday 31 August is the summer bank holiday → Wednesday 2 Sept.
    assert working_days.deadline_for(urgent=True, requested_at=at(2026, 8, 28, 11, 0)) == at(
        2026, 9, 2, 11, 0
    )


def test_urgent_over_easter_skips_good_friday_and_easter_monday():
    # Thursday 2 April 2026; Good Friday 3 April, Easter Monday 6 April → Wednesday 8 April.
    assert working_days.deadline_for(urgent=True, requested_at=at(2026, 4, 2, 16, 45)) == at(
        2026, 4, 8, 16, 45
    )


def test_routine_is_ten_working_days_over_christmas():
    # Monday 21 December 2026: 25, 28 (Boxing Day substitute) December and 1 January are off.
    assert working_days.deadline_for(urgent=False, requested_at=at(2026, 12, 21, 10, 0)) == at(
        2027, 1, 7, 10, 0
    )


def test_requested_on_a_saturday_counts_from_monday():
    assert working_days.deadline_for(urgent=True, requested_at=at(2026, 11, 21, 8, 0)) == at(
        2026, 11, 24, 8, 0
    )


def test_clock_change_keeps_the_clock_time():
    # Friday 23 October 2026 10:00 BST → Tuesday 27 October 10:00 GMT.
    deadline = working_days.deadline_for(urgent=True, requested_at=at(2026, 10, 23, 10, 0))
    assert deadline.astimezone(UK).hour == 10
    assert deadline.date() == date(2026, 10, 27)


def test_no_warning_while_holidays_are_known_for_more_than_six_months(db):
    last = working_days.last_known_holiday()
    assert working_days.holiday_warning(today=date(last.year - 1, 1, 1)) is None


def test_warning_when_the_known_holidays_run_out_within_six_months(db):
    last = working_days.last_known_holiday()
    warning = working_days.holiday_warning(today=date(last.year, 7, 1))
    assert warning is not None
    assert f"{last:%-d %B %Y}" in warning
    assert "refresh_bank_holidays" in warning


def test_fetched_holidays_extend_the_list_and_are_skipped(db):
    BankHoliday.objects.create(date=date(2029, 1, 1), title="New Year's Day")
    assert working_days.last_known_holiday() == date(2029, 1, 1)
    # Friday 29 December 2028; 1 January 2029 fetched → Wednesday 3 January 2029.
    assert working_days.deadline_for(urgent=True, requested_at=at(2028, 12, 29, 9, 0)) == at(
        2029, 1, 3, 9, 0
    )


def test_the_health_page_shows_the_warning(client, monkeypatch):
    original = working_days.holiday_warning
    monkeypatch.setattr(working_days, "holiday_warning",
                        lambda today=None: original(today=date(2028, 7, 1)))  # fmt: skip
    body = client.get("/healthz").json()
    assert any("run out on 26 December 2028" in w for w in body["warnings"])


def test_the_health_page_has_no_warning_while_holidays_are_known(client):
    assert "warnings" not in client.get("/healthz").json()


def test_the_admin_lists_show_the_warning(client, personas, monkeypatch):
    from thurrock_care.accounts.models import Role

    admin = personas[Role.ADMINISTRATOR]
    original = working_days.holiday_warning
    monkeypatch.setattr(working_days, "holiday_warning",
                        lambda today=None: original(today=date(2028, 7, 1)))  # fmt: skip
    client.force_login(admin)
    response = client.get("/admin/mdt/bankholiday/")
    assert response.status_code == 200
    assert "run out on 26 December 2028" in response.content.decode()


def test_refresh_without_network_fails_clearly_and_changes_nothing(db):
    with pytest.raises(CommandError, match="Could not fetch bank holidays"):
        call_command("refresh_bank_holidays", url="http://127.0.0.1:9/bank-holidays.json",
                     timeout=1)  # fmt: skip
    assert not BankHoliday.objects.exists()
