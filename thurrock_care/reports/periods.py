"""The period a figure is for: a month, a quarter, a year or any dates (inclusive), in the
borough's time (Europe/London), with the period just before it for "since last time"."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period ends on or after it starts.")

    @classmethod
    def month(cls, day: date) -> Period:
        start = day.replace(day=1)
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        return cls(start, end, f"{start:%B %Y}")

    @classmethod
    def quarter(cls, day: date) -> Period:
        first = (day.month - 1) // 3 * 3 + 1
        start = date(day.year, first, 1)
        end = cls.month(date(day.year, first + 2, 1)).end
        return cls(start, end, f"{start:%B} to {end:%B %Y}")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), str(year))

    @classmethod
    def dates(cls, start: date, end: date) -> Period:
        return cls(start, end, f"{start:%-d %B %Y} to {end:%-d %B %Y}")

    @property
    def short_label(self) -> str:
        """For a chart's axis: "Nov 2026", "Oct to Dec 2026", "2026"."""
        if self.is_month:
            return f"{self.start:%b %Y}"
        if self == Period.quarter(self.start):
            return f"{self.start:%b} to {self.end:%b %Y}"
        return self.label

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_month(self) -> bool:
        return self == Period.month(self.start)

    def previous(self) -> Period:
        """The period just before, of the same kind (last month for a month)."""
        if self.is_month:
            return Period.month(self.start - timedelta(days=1))
        if self == Period.quarter(self.start):
            return Period.quarter(self.start - timedelta(days=1))
        if self == Period.year(self.start.year):
            return Period.year(self.start.year - 1)
        return Period.dates(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def since(self) -> datetime:
        """The first moment of the period, aware."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    def until(self) -> datetime:
        """The first moment after the period, aware (periods are half-open in time)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))
