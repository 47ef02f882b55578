"""Every write to notifications: sending one, reading them, choosing which are e-mailed.

These are writes to a person's own inbox, not changes of who sees what: they leave no entry in
the audit trail (the change that caused a notification, a break-glass say, has its own).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
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
    return user.pk in wanting_email([user], kind)


def wanting_email(users: Iterable[User], kind: notifications.Kind) -> set[int]:
    """The ids of those of `users` who want e-mail for this kind (their choice, or the kind's
    default; never a switched-off account or one without an address). One query."""
    reachable = {user.pk for user in users if user.is_active and user.email}
    if not reachable:
        return set()
    chosen = dict(
        Preference.objects.filter(user__in=reachable, kind=kind.name).values_list("user", "email")
    )
    return {pk for pk in reachable if chosen.get(pk, kind.email_by_default)}


def emailed_kinds(user: User) -> list[str]:
    """The kinds that reach this person and that they get by e-mail (their settings page)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "email"))
    return [
        kind.name
        for kind in notifications.kinds()
        if kind.reaches(user) and chosen.get(kind.name, kind.email_by_default)
    ]


@dataclass(frozen=True)
class Notice:
    """One notification to send with notify_many (the fields of notify())."""

    recipient: User
    subject: str
    body: str
    dedupe_key: str
    link: str = ""


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
    notice = Notice(recipient=recipient, subject=subject, body=body, dedupe_key=dedupe_key,
                    link=link)  # fmt: skip
    created = notify_many(kind=kind, notices=[notice], due_at=due_at)
    return created[0] if created else Notification.objects.get(dedupe_key=dedupe_key)


@transaction.atomic
def notify_many(
    *, kind: str, notices: Sequence[Notice], due_at: datetime | None = None
) -> list[Notification]:
    """notify() for many notifications of one kind at once, with the same guarantees (once per
    de-duplication key, however concurrently; e-mail as each recipient chose, after quiet
    hours unless urgent), in a fixed number of queries however many there are: one for the
    recipients' choices of e-mail, one INSERT … ON CONFLICT (dedupe_key) DO NOTHING, and one
    task enqueued per EMAIL_CHUNK e-mails due now, once this transaction commits. Returns the
    notifications made now, in the order asked for (none for a key already used)."""
    registered = notifications.get_kind(kind)
    for notice in notices:
        link = notice.link
        if link and (not link.startswith("/") or link.startswith("//")):
            raise ValueError(f"A notification links to a path in Thurrock Care, not {link!r}.")
    now = timezone.now()
    due_at = due_at or now
    email_at = delivery.email_due_at(due_at=due_at, urgent=registered.urgent)
    send_now = email_at <= now
    emailed = wanting_email({n.recipient.pk: n.recipient for n in notices}.values(), registered)
    made: dict[str, Notification] = {}
    for notice in notices:
        wanted = notice.recipient.pk in emailed
        made.setdefault(notice.dedupe_key, Notification(
            recipient=notice.recipient,
            kind=registered.name,
            subject=Truncator(" ".join(notice.subject.split())).chars(SUBJECT_LENGTH),
            body=notice.body.strip(),
            link=notice.link,
            dedupe_key=notice.dedupe_key,
            created_at=now,
            due_at=due_at,
            email_due_at=email_at if wanted else None,
            email_queued_at=now if wanted and send_now else None,
        ))  # fmt: skip
    created = _insert_new(list(made.values()))
    queued = [n.pk for n in created if n.email_queued_at is not None]
    if queued:
        transaction.on_commit(lambda: tasks.enqueue_emails(queued))
    return created


def _insert_new(rows: list[Notification]) -> list[Notification]:
    """INSERT the rows whose de-duplication key is new (a row with the key committed, or being
    committed by another transaction, wins: PostgreSQL waits for it and skips ours); the rows
    inserted, with their ids."""
    if not rows:
        return []
    meta, quote = Notification._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    key = quote(meta.get_field("dedupe_key").column)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([one] * len(rows))} "
        f"ON CONFLICT ({key}) DO NOTHING RETURNING {quote(meta.pk.column)}, {key}"
    )  # only the model's own names in it; every value is a parameter
    params = [f.get_db_prep_save(getattr(row, f.attname), connection) for row in rows
              for f in fields]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = {dedupe_key: pk for pk, dedupe_key in cursor.fetchall()}
    created = []
    for row in rows:
        if row.dedupe_key in ids:
            row.pk = ids[row.dedupe_key]
            row._state.adding, row._state.db = False, connection.alias
            created.append(row)
    return created


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
