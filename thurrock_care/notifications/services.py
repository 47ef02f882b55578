"""Every write to notifications: sending one, reading them, choosing which are e-mailed.

These are writes to a person's own inbox, not changes of who sees what: they leave no entry in
the audit trail (the change that caused a notification, a break-glass say, has its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from thurrock_care import notifications
from thurrock_care.notifications import delivery, tasks
from thurrock_care.notifications.models import Notification, Preference

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User

SUBJECT_LENGTH = Notification._meta.get_field("subject").max_length or 200


def wants_email(user: User, kind: notifications.Kind) -> bool:
    """Their choice for this kind, or the kind's default; never for a switched-off account."""
    if not (user.is_active and user.email):
        return False
    chosen = Preference.objects.filter(user=user, kind=kind.name).values_list("email", flat=True)
    return next(iter(chosen), kind.email_by_default)


def emailed_kinds(user: User) -> list[str]:
    """The kinds that reach this person and that they get by e-mail (their settings page)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "email"))
    return [
        kind.name
        for kind in notifications.kinds()
        if kind.reaches(user) and chosen.get(kind.name, kind.email_by_default)
    ]


@transaction.atomic
def notify(
    *,
    recipient: User,
    kind: str,
    subject: str,
    body: str,
    dedupe_key: str,
    link: str = "",
    due_at: datetime | None = None,
) -> Notification:
    """Tell someone something, once per `dedupe_key` (the same key again, even at the same
    moment from another process, gives the first notification and sends nothing more).

    It shows in their list in the app from `due_at` (now, by default). Its e-mail, if they
    want e-mail for this kind, goes then, or after quiet hours for kinds that are not urgent:
    a task is enqueued once this transaction commits if it is due now; the sweeper enqueues it
    later otherwise. `link` is a path in the product (/residents/…). Put no resident's name in
    the subject or body: the e-mail may be read in a shared mailbox."""
    registered = notifications.get_kind(kind)
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError(f"A notification links to a path in Thurrock Care, not {link!r}.")
    now = timezone.now()
    due_at = due_at or now
    email_at = None
    if wants_email(recipient, registered):
        email_at = delivery.email_due_at(due_at=due_at, urgent=registered.urgent)
    send_now = email_at is not None and email_at <= now
    notification, created = Notification.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "recipient": recipient,
            "kind": registered.name,
            "subject": Truncator(" ".join(subject.split())).chars(SUBJECT_LENGTH),
            "body": body.strip(),
            "link": link,
            "created_at": now,
            "due_at": due_at,
            "email_due_at": email_at,
            "email_queued_at": now if send_now else None,
        },
    )
    if created and send_now:
        tasks.send_email.delay_on_commit(notification_id=notification.pk)
    return notification


@transaction.atomic
def mark_read(*, notification: Notification, by: User) -> Notification:
    """The person has opened it (only their own)."""
    if notification.recipient_id != by.pk:
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def mark_all_read(*, by: User) -> int:
    """Everything in their list is read; returns how many were not."""
    return Notification.objects.inbox_of(by).unread().update(read_at=timezone.now())


@transaction.atomic
def set_email_preferences(*, user: User, email: Iterable[str]) -> list[Preference]:
    """E-mail for the kinds named in `email`, none for the other kinds that reach this person
    (in the app they see them all). E-mails not yet sent for kinds turned off are not sent."""
    wanted = set(email)
    offered = [kind for kind in notifications.kinds() if kind.reaches(user)]
    unknown = wanted - {kind.name for kind in offered}
    if unknown:
        raise ValueError(f"Not a kind of notification this person gets: {sorted(unknown)}")
    preferences = Preference.objects.bulk_create(
        [Preference(user=user, kind=kind.name, email=kind.name in wanted) for kind in offered],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["email"],
    )
    turned_off = [kind.name for kind in offered if kind.name not in wanted]
    Notification.objects.filter(
        recipient=user,
        kind__in=turned_off,
        email_due_at__isnull=False,
        email_sent_at__isnull=True,
        email_failed_at__isnull=True,
        email_claimed_at__isnull=True,
    ).update(email_due_at=None)
    return preferences


@transaction.atomic
def withdraw(*, dedupe_key: str) -> int:
    """What a notification asked for has been done (a follow-up made, say): it is marked read,
    and its e-mail, unless a worker has already taken it for sending, is not sent. Returns how
    many notifications it withdrew (0 or 1)."""
    found = Notification.objects.filter(dedupe_key=dedupe_key)
    found.filter(email_sent_at__isnull=True, email_claimed_at__isnull=True).update(
        email_due_at=None
    )
    return found.filter(read_at__isnull=True).update(read_at=timezone.now())
