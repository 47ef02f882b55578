"""The MDT meeting's calendar invitation (RFC 5545 iTIP, made with the icalendar package):
METHOD:REQUEST when a slot is confirmed, the same UID with a higher SEQUENCE when the meeting
moves, METHOD:CANCEL when it is called off. It names the MDT's reference and locality, never
the resident."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from mdt.models import Mdt, Slot

DOMAIN = "thurrock-care"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def invitation(*, mdt: Mdt, slot: Slot, method: str, attendees: list[str]) -> str:
    cal = Calendar()
    cal.add("prodid", "-//Thurrock Care//MDT//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = Event()
    event.add("uid", f"mdt-{mdt.calendar_uid}@{DOMAIN}")
    event.add("sequence", mdt.calendar_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", slot.starts_at)
    event.add("dtend", slot.ends_at)
    urgency = "Urgent MDT" if mdt.is_urgent else "MDT"
    event.add("summary", f"{urgency} {mdt.reference} ({mdt.locality.name})")
    event.add(
        "description",
        f"{urgency} {mdt.reference}. Details: {settings.SITE_URL}{mdt.get_absolute_url()} "
        "(sign in to see them).",
    )
    event.add("url", settings.SITE_URL + mdt.get_absolute_url())
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = "Thurrock Care"
    event.add("organizer", organizer)
    for email in attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["rsvp"] = "FALSE"
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    return cal.to_ical().decode()
