"""Reads that assemble Local Area Coordination's pages (and the API's lists)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from introductions.models import QUARTER_DAYS, WellbeingAnswer
from localities.models import Resident


def next_offer_on(resident: Resident) -> date | None:
    """When the questions may be offered again (None: now)."""
    last = (
        WellbeingAnswer.objects.filter(resident=resident)
        .order_by("-answered_on")
        .values_list("answered_on", flat=True)
        .first()
    )
    if last is None:
        return None
    again = last + timedelta(days=QUARTER_DAYS)
    return again if again > timezone.localdate() else None
