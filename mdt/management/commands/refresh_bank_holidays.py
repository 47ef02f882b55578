"""Fetch England-and-Wales bank holidays from GOV.UK and keep those after today (BankHoliday
rows), for MDT working-day deadlines beyond what the govuk-bank-holidays package ships."""

from __future__ import annotations

from datetime import date
from typing import Any

import requests
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from govuk_bank_holidays.bank_holidays import BankHolidays

from mdt import working_days
from mdt.models import BankHoliday


class Command(BaseCommand):
    help = "Fetch England-and-Wales bank holidays from GOV.UK (for MDT deadlines)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default=BankHolidays.source_url)
        parser.add_argument("--timeout", type=float, default=10.0)

    def handle(self, *args: Any, url: str, timeout: float, **options: Any) -> None:
        try:
            answer = requests.get(url, timeout=timeout)
            answer.raise_for_status()
            events = answer.json()[BankHolidays.ENGLAND_AND_WALES]["events"]
            found = {date.fromisoformat(e["date"]): str(e["title"])[:200] for e in events}
        except (requests.RequestException, ValueError, KeyError, TypeError) as error:
            raise CommandError(
                f"Could not fetch bank holidays from {url} ({type(error).__name__}: {error}). "
                "Nothing changed: deadlines use the holidays already known, up to "
                f"{working_days.last_known_holiday():%-d %B %Y}. Run this again where the "
                "network reaches GOV.UK."
            ) from error
        if not found:
            raise CommandError(f"{url} listed no England-and-Wales bank holidays; nothing changed.")
        now = timezone.now()
        with transaction.atomic():
            for day, title in sorted(found.items()):
                BankHoliday.objects.update_or_create(
                    date=day, defaults={"title": title, "fetched_at": now}
                )
        self.stdout.write(
            f"Known bank holidays now run to {working_days.last_known_holiday():%-d %B %Y} "
            f"({len(found)} fetched)."
        )
