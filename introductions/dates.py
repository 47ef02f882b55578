"""How far back and ahead the dates of Local Area Coordination may go, checked by the services
(so pages and API alike): what happened (a conversation, an introduction, wellbeing answers)
is not in the future nor before the records begin; a stay-in-touch date is within a year
back and two years ahead (a date typed wrong should not become a reminder "overdue since
1 January 1")."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

RECORDS_BEGIN = date(2000, 1, 1)
STAY_IN_TOUCH_BACK = timedelta(days=366)
STAY_IN_TOUCH_AHEAD = timedelta(days=2 * 366)


def check_happened(value: date | datetime | None, *, field: str, what: str) -> None:
    """`what` ("The introduction") happened on `value`: not before 2000, not after today."""
    if value is None:
        return
    day = timezone.localdate(value) if isinstance(value, datetime) else value
    if day < RECORDS_BEGIN:
        raise ValidationError({field: f"{what} cannot be before {RECORDS_BEGIN:%-d %B %Y}"})
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} cannot be in the future"})


def check_stay_in_touch(value: date | None, *, field: str = "stay_in_touch_by") -> None:
    if value is None:
        return
    today = timezone.localdate()
    if not today - STAY_IN_TOUCH_BACK <= value <= today + STAY_IN_TOUCH_AHEAD:
        example = today + timedelta(days=28)
        message = f"Enter a stay-in-touch date within the next two years, like {example:%d/%m/%Y}"
        raise ValidationError({field: message})
