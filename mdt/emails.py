"""E-mail to an invited organisation nobody in Thurrock Care works for (no account to notify):
its contact address gets the availability link, which works without an account. Like every
notification, it names the MDT's reference and locality, never the resident."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from mdt import tokens
from mdt.models import Invitation


def email_availability(*, invitation: Invitation) -> None:
    mdt = invitation.mdt
    urgency = "urgent MDT" if mdt.is_urgent else "MDT"
    deadline = timezone.localtime(mdt.deadline)
    send_mail(
        subject=f"An {urgency} in {mdt.locality.name} asks when {invitation.organisation.name} "
        "can come",
        message=(
            f"{invitation.organisation.name} is invited to an {urgency} in "
            f"{mdt.locality.name} ({mdt.reference}), to meet by {deadline:%H:%M on %A %-d %B}."
            f"\n\nPlease say which times you can make (no account needed):\n"
            f"{settings.SITE_URL}{tokens.link(invitation)}\n\n"
            "The link shows only the times, the resident's initials and the locality."
        ),
        from_email=None,
        recipient_list=[invitation.organisation.contact_email],
    )
