"""Drop-in sessions for people outside the product: an iCalendar feed (RFC 5545, made with
the icalendar package) and a one-page poster of a month's sessions (PDF, WeasyPrint), for
notice boards, GP surgeries and libraries. Neither holds anything about a resident."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from introductions.models import DropInSession
from localities.models import Locality

DOMAIN = "thurrock-care"


def feed(locality: Locality, sessions: Iterable[DropInSession]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Thurrock Care//Drop-ins//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Drop-ins and community events: {locality.name}")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for session in sessions:
        event = Event()
        event.add("uid", f"drop-in-{session.pk}@{DOMAIN}")
        event.add("sequence", session.version)
        event.add("summary", session.title)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("dtstamp", session.updated_at)
        event.add("location", session.place)
        lines = [session.description] if session.description else []
        attending = ", ".join(o.name for o in session.organisations.all())
        if attending:
            lines.append(f"With: {attending}.")
        if session.cancelled:
            lines.insert(
                0,
                f"Cancelled{': ' + session.cancelled_reason if session.cancelled_reason else ''}.",
            )
        else:
            lines.append("No appointment needed: just come along.")
        event.add("description", "\n".join(lines))
        event.add("url", settings.SITE_URL + reverse("introductions:drop_in_calendar",
                                                     args=[locality.slug]))  # fmt: skip
        event.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


def month_from(text: str) -> date:
    """The first day of the month asked for ("2026-05"), or of this month."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else _this_month()
    except ValueError:
        return _this_month()


def _this_month() -> date:
    return timezone.localdate().replace(day=1)


# From the largest type down: the first in which the month fits one page is printed.
DENSITIES = ("roomy", "medium", "busy", "crowded")


def poster(locality: Locality, month: date, sessions: Iterable[DropInSession]) -> bytes:
    """One A4 page, whatever the month holds: the largest type that fits; a month too full
    even for two columns of small type shows its first sessions and says how many more there
    are (the calendar feed has them all)."""
    from weasyprint import HTML  # imported here: loading it is slow, and only posters need it

    sessions = list(sessions)
    feed = settings.SITE_URL + reverse("introductions:drop_in_calendar", args=[locality.slug])

    def render(density: str, shown: list[DropInSession]) -> Any:
        html = render_to_string("pdf/drop_in_poster.html", {
            "locality": locality, "month": month, "sessions": shown, "density": density,
            "feed": feed, "more": len(sessions) - len(shown),
        })  # fmt: skip
        return HTML(string=html).render()

    for density in DENSITIES:
        document = render(density, sessions)
        if len(document.pages) == 1:
            return document.write_pdf()
    shown = sessions
    while len(document.pages) > 1 and len(shown) > 1:
        shown = shown[: len(shown) * 4 // 5]
        document = render(DENSITIES[-1], shown)
    return document.write_pdf()
