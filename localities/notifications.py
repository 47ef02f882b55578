"""What this app tells people through thurrock_care.notifications: break-glass access to the
locality's coordinators, and possible duplicate records to those who review both. No resident's
name goes into a notification (its e-mail may be read in a shared mailbox): record numbers do."""

from __future__ import annotations

from collections.abc import Iterable

from django.template.loader import render_to_string
from django.urls import reverse

from localities.models import BreakGlassGrant, PossibleDuplicate
from thurrock_care import access
from thurrock_care.accounts.models import User
from thurrock_care.notifications import Kind
from thurrock_care.notifications.models import Notification
from thurrock_care.notifications.services import notify

BREAK_GLASS = Kind(
    name="break_glass",
    label="Someone used break-glass to open a record in your locality",
    urgent=True,
    action="Please review it",
    audience=access.is_coordinator,
)
POSSIBLE_DUPLICATE = Kind(
    name="possible_duplicate",
    label="A new record may be the same person as a record you review",
    action="Compare them",
    audience=access.reviews_records,
)
KINDS = [BREAK_GLASS, POSSIBLE_DUPLICATE]


def notify_break_glass(*, grant: BreakGlassGrant) -> list[Notification]:
    """Tell the coordinators of the resident's locality who broke the glass and why, at once."""
    locality = grant.resident.neighbourhood.locality
    body = render_to_string(
        "localities/notifications/break_glass.txt", {"grant": grant, "locality": locality}
    )
    return [
        notify(
            recipient=coordinator,
            kind=BREAK_GLASS.name,
            subject="Break-glass access to a resident's record",
            body=body,
            link=reverse("residents:break_glass_review"),
            dedupe_key=f"break_glass:{grant.pk}:{coordinator.pk}",
        )
        for coordinator in User.objects.filter(access.coordinators_of(locality.pk))
    ]


def notify_possible_duplicates(*, flags: Iterable[PossibleDuplicate]) -> list[Notification]:
    """Tell everyone who reviews both records of a flagged pair (and so may merge them)."""
    sent = []
    pairs = PossibleDuplicate.objects.filter(pk__in=[flag.pk for flag in flags]).select_related(
        "resident__neighbourhood__locality", "candidate__neighbourhood__locality"
    )
    for flag in pairs:
        new, existing = flag.resident, flag.candidate
        localities = [new.neighbourhood.locality_id, existing.neighbourhood.locality_id]
        body = (
            f"Record {new.reference}, just added in {new.neighbourhood.locality.name}, looks like "
            f"record {existing.reference} in {existing.neighbourhood.locality.name}, which the "
            "person who added it cannot see, so they were not told. Compare the two records: "
            "merge them if they are the same person, or mark them as different people."
        )
        for reviewer in User.objects.filter(access.record_reviewers(localities)).distinct():
            if not PossibleDuplicate.objects.reviewable_by(reviewer).filter(pk=flag.pk).exists():
                continue  # coordinates one of the two localities, not both
            sent.append(
                notify(
                    recipient=reviewer,
                    kind=POSSIBLE_DUPLICATE.name,
                    subject="A possible duplicate record to review",
                    body=body,
                    link=reverse("residents:possible_duplicates"),
                    dedupe_key=f"possible_duplicate:{flag.pk}:{reviewer.pk}",
                )
            )
    return sent
