"""Background work for accounts: its e-mails, sent outside the request that asked for them."""

from celery import shared_task

from thurrock_care.accounts import emails
from thurrock_care.accounts.models import User
from thurrock_care.tasks import EMAIL_RETRY


@shared_task(**EMAIL_RETRY)
def email_invitation(*, user_id: int, invited_by_id: int | None = None) -> None:
    user = User.objects.get(pk=user_id)
    invited_by = User.objects.get(pk=invited_by_id) if invited_by_id else None
    emails.email_invitation(user=user, invited_by=invited_by)
