"""Beat tasks (declared in CELERY_BEAT_SCHEDULE): each calls one function that notifies
once per occasion (its de-duplication key). `now` (ISO 8601) is for tests."""

from datetime import datetime

from celery import shared_task

from mdt import emails, notifications
from mdt.models import Invitation
from thurrock_care.tasks import EMAIL_RETRY


def _now(now: str | None) -> datetime | None:
    return datetime.fromisoformat(now) if now else None


@shared_task
def chase_invitees(now: str | None = None) -> int:
    return len(notifications.chase_invitees(now=_now(now)))


@shared_task
def remind_actions(now: str | None = None) -> int:
    return len(notifications.remind_actions(now=_now(now)))


@shared_task
def summarise_overdue(now: str | None = None) -> int:
    return len(notifications.summarise_overdue(now=_now(now)))


@shared_task(**EMAIL_RETRY)
def email_availability(*, invitation_id: int, nonce: str) -> None:
    """Unless newer times have replaced this round's link since."""
    invitation = (
        Invitation.objects.select_related("mdt__locality", "organisation")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is not None and invitation.link_nonce.hex == nonce:
        emails.email_availability(invitation=invitation)
