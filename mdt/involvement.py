"""How a user becomes involved with a resident through an MDT (see thurrock_care/access.py):
their organisation is invited to (or attended) the resident's MDT, while it is open and for
MDT_ACCESS_DAYS_AFTER_CLOSE days after it closes; or their organisation (or they) own an
open action from it, within the same window (an action of a closed MDT cannot change, so it
never gives access beyond it)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from mdt.models import Invitation, MdtAction, MeetingRecord

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def window() -> Q:
    """MDTs whose partners still see the resident (a filter over Mdt, through `mdt__`)."""
    since = timezone.now() - timedelta(days=settings.MDT_ACCESS_DAYS_AFTER_CLOSE)
    return Q(mdt__closed_at__isnull=True) | Q(mdt__closed_at__gte=since)


def invited_to_their_mdt(user: User) -> Q:
    organisation_id = user.organisation_id
    theirs = Q(mdt__resident_id=OuterRef("pk"))
    if organisation_id is None:
        owned = MdtAction.objects.filter(
            theirs, window(), owner_person=user.pk, status=MdtAction.Status.OPEN
        )
        return Q(Exists(owned))
    invited = Invitation.objects.filter(theirs, window(), organisation=organisation_id)
    attended = MeetingRecord.objects.filter(theirs, window(), attended=organisation_id)
    owned = MdtAction.objects.filter(
        theirs,
        window(),
        Q(owner_organisation=organisation_id) | Q(owner_person=user.pk),
        status=MdtAction.Status.OPEN,
    )
    return Q(Exists(invited)) | Q(Exists(attended)) | Q(Exists(owned))


def invited_to_their_mdt_pairs(user: str, resident: str) -> Q:
    theirs = Q(mdt__resident=OuterRef(resident))
    organisation = OuterRef(f"{user}__organisation")  # none: never equal, as above
    invited = Invitation.objects.filter(theirs, window(), organisation=organisation)
    attended = MeetingRecord.objects.filter(theirs, window(), attended=organisation)
    owned = MdtAction.objects.filter(
        theirs,
        window(),
        Q(owner_organisation=organisation) | Q(owner_person=OuterRef(user)),
        status=MdtAction.Status.OPEN,
    )
    return Q(Exists(invited)) | Q(Exists(attended)) | Q(Exists(owned))
