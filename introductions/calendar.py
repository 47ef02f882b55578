"""Drop-in sessions for people outside the product: an iCalendar feed (RFC 5545, made with
the icalendar package) and a one-page poster of a month's sessions (PDF, WeasyPrint), for
notice boards, GP surgeries and libraries. Neither holds anything about a resident."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

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


def poster(locality: Locality, month: date, sessions: Iterable[DropInSession]) -> bytes:
    from weasyprint import HTML  # imported here: loading it is slow, and only posters need it

    html = render_to_string(
        "pdf/drop_in_poster.html",
        {"locality": locality, "month": month, "sessions": list(sessions),
         "feed": settings.SITE_URL + reverse("introductions:drop_in_calendar",
                                             args=[locality.slug])},
    )  # fmt: skip
    return HTML(string=html).write_pdf()
