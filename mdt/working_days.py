"""Working days for MDT deadlines: Monday to Friday, except England-and-Wales bank holidays.

The holidays are those the govuk-bank-holidays package ships (used offline, never fetched at
run time) and those `manage.py refresh_bank_holidays` last fetched from GOV.UK (BankHoliday
rows). When the known holidays run out within six months, `holiday_warning` says so (on
/healthz and in the administration site): deadlines beyond the last known year would count a
bank holiday as a working day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

from django.utils import timezone

URGENT_WORKING_DAYS = 2
ROUTINE_WORKING_DAYS = 10
WARN_BEFORE = timedelta(days=183)  # six months


@cache
def _shipped() -> frozenset[date]:
    from govuk_bank_holidays.bank_holidays import BankHolidays

    holidays = BankHolidays(use_cached_holidays=True).get_holidays(
        division=BankHolidays.ENGLAND_AND_WALES
    )
    return frozenset(holiday["date"] for holiday in holidays)


def holidays() -> frozenset[date]:
    """Every known England-and-Wales bank holiday (one query for the fetched ones)."""
    from mdt.models import BankHoliday

    return _shipped() | frozenset(BankHoliday.objects.values_list("date", flat=True))


def is_working_day(day: date, known: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in known


def add_working_days(start: datetime, days: int, known: frozenset[date] | None = None) -> datetime:
    """The same clock time (UK) `days` working days after `start`."""
    known = holidays() if known is None else known
    local = timezone.localtime(start)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, known):
            counted += 1
    naive = datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def deadline_for(*, urgent: bool, requested_at: datetime) -> datetime:
    days = URGENT_WORKING_DAYS if urgent else ROUTINE_WORKING_DAYS
    return add_working_days(requested_at, days)


def next_working_days(after: datetime, until: datetime, known: frozenset[date]) -> list[date]:
    """The working days from the day after `after` up to the day of `until`."""
    day, last, found = timezone.localtime(after).date(), timezone.localtime(until).date(), []
    while day < last:
        day += timedelta(days=1)
        if is_working_day(day, known):
            found.append(day)
    return found


def last_known_holiday() -> date:
    return max(holidays())


def holiday_warning(today: date | None = None) -> str | None:
    """A warning when the known bank holidays run out within six months, else None."""
    today = today or timezone.localdate()
    last = last_known_holiday()
    if last - today < WARN_BEFORE:
        return (
            f"The known bank holidays run out on {last:%-d %B %Y}. MDT deadlines after that "
            "date count bank holidays as working days: run `manage.py refresh_bank_holidays` "
            "or upgrade the govuk-bank-holidays package."
        )
    return None


def health_warning() -> str | None:
    """For /healthz (registered in MdtConfig.ready)."""
    return holiday_warning()
