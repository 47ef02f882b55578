"""What the MDT app tells people through thurrock_care.notifications. Urgent MDTs' kinds are
urgent (e-mailed at once, even in quiet hours); routine MDTs' kinds wait for the morning.
No resident's name goes into any of them: the MDT's reference and locality do.

- availability: each member of an invited organisation, when slots are proposed, with the
  availability link (it works without signing in);
- the same kind, as a chaser: members of invited organisations that have not answered, at
  sensible points before the deadline (`chase_invitees`, a beat task);
- meeting: everyone invited, when a slot is confirmed, moved or called off, with the
  iCalendar invitation attached;
- action due tomorrow / overdue: the action's owner (person, or their organisation's members);
- overdue summary: once a day to the coordinators of a locality with overdue MDT actions.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mdt import tokens
from mdt.models import CalendarAttachment, Invitation, Mdt, MdtAction
from thurrock_care import access
from thurrock_care.accounts.models import User
from thurrock_care.notifications import Kind
from thurrock_care.notifications.models import Notification
from thurrock_care.notifications.services import notify


def calendar_attachments(notification: Notification) -> list[tuple[str, str, str]]:
    found = CalendarAttachment.objects.filter(dedupe_key=notification.dedupe_key).first()
    if found is None:
        return []
    return [("invite.ics", found.ics, f"text/calendar; method={found.method}")]


AVAILABILITY_URGENT = Kind(
    name="mdt_availability_urgent",
    label="An urgent MDT asks when you can come (and reminds you)",
    urgent=True,
    action="Say when you can come",
)
AVAILABILITY = Kind(
    name="mdt_availability",
    label="An MDT asks when you can come (and reminds you)",
    action="Say when you can come",
)
MEETING_URGENT = Kind(
    name="mdt_meeting_urgent",
    label="An urgent MDT meeting is arranged, moved or called off",
    urgent=True,
    attachments=calendar_attachments,
)
MEETING = Kind(
    name="mdt_meeting",
    label="An MDT meeting is arranged, moved or called off",
    attachments=calendar_attachments,
)
ACTION_DUE = Kind(
    name="mdt_action_due",
    label="An MDT action of yours is due tomorrow",
    action="Update the action",
)
ACTION_OVERDUE = Kind(
    name="mdt_action_overdue",
    label="An MDT action of yours is overdue",
    action="Update the action",
)
OVERDUE_SUMMARY = Kind(
    name="mdt_overdue_summary",
    label="MDT actions overdue in your locality (daily)",
    action="Open the MDT board",
    audience=access.reviews_records,
)
KINDS = [
    AVAILABILITY_URGENT,
    AVAILABILITY,
    MEETING_URGENT,
    MEETING,
    ACTION_DUE,
    ACTION_OVERDUE,
    OVERDUE_SUMMARY,
]

BATCH = 500


def members(organisation_ids: list[int]) -> list[User]:
    return list(
        User.objects.filter(organisation_id__in=organisation_ids, is_active=True).order_by("pk")
    )


def _title(mdt: Mdt) -> str:
    return f"{'Urgent MDT' if mdt.is_urgent else 'MDT'} {mdt.reference} ({mdt.locality.name})"


def ask_availability(*, mdt: Mdt, invitations: list[Invitation]) -> list[Notification]:
    """Each member of each invited organisation: the availability link of this round of
    slots (the link nonce is in the key: a new round is a new notification)."""
    kind = AVAILABILITY_URGENT if mdt.is_urgent else AVAILABILITY
    by_org = defaultdict(list)
    for member in members([invitation.organisation_id for invitation in invitations]):
        by_org[member.organisation_id].append(member)
    sent: list[Notification] = []
    for invitation in invitations:
        for member in by_org[invitation.organisation_id]:
            sent.append(
                notify(
                    recipient=member,
                    kind=kind.name,
                    subject=f"{_title(mdt)}: when can {invitation.organisation.name} come?",
                    body=(
                        f"{invitation.organisation.name} is invited to {_title(mdt)}"
                        f"{' and is needed there' if invitation.required else ''}. Please say "
                        f"which times you can make by {_when(mdt.deadline)}. The link works "
                        "without signing in and shows only the times."
                    ),
                    link=tokens.link(invitation),
                    dedupe_key=f"mdt_availability:{invitation.pk}:{invitation.link_nonce.hex}:{member.pk}",
                )
            )
    return sent


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M on %A %-d %B}"


def tell_meeting(
    *, mdt: Mdt, method: str, ics: str, occasion: str, what: str
) -> list[Notification]:
    """Everyone invited (and whoever requested it): the meeting arranged, moved or called
    off, with the calendar invitation. `occasion` keeps each change's notification apart."""
    kind = MEETING_URGENT if mdt.is_urgent else MEETING
    organisation_ids = list(mdt.invitations.values_list("organisation_id", flat=True))
    recipients = {member.pk: member for member in members(organisation_ids)}
    recipients.setdefault(mdt.requested_by_id, mdt.requested_by)
    sent: list[Notification] = []
    for member in recipients.values():
        key = f"mdt_meeting:{mdt.pk}:{occasion}:{member.pk}"
        CalendarAttachment.objects.get_or_create(
            dedupe_key=key,
            defaults={"mdt": mdt, "method": method, "sequence": mdt.calendar_sequence, "ics": ics},
        )
        sent.append(
            notify(
                recipient=member,
                kind=kind.name,
                subject=f"{_title(mdt)}: {what}",
                body=f"{_title(mdt)}: {what}. The calendar invitation is attached.",
                link=mdt.get_absolute_url(),
                dedupe_key=key,
            )
        )
    return sent


# --- Reminders (beat tasks) ---------------------------------------------------------------


def _remind(sent: list[Notification], **kwargs: Any) -> None:
    """Notify, unless this occasion (its key) was notified before: a reminder run again
    sends nothing, and returns only what it sent now."""
    if not Notification.objects.filter(dedupe_key=kwargs["dedupe_key"]).exists():
        sent.append(notify(**kwargs))


CHASE_AFTER = (0.25, 0.5, 0.75)  # chase at these shares of the time between invite and deadline


def chase_invitees(*, now: datetime | None = None) -> list[Notification]:
    """Members of invited organisations that have not answered every proposed slot: chased at
    a quarter, half and three quarters of the way from the slots' proposal to the deadline,
    once per point (its key). Nobody is chased once their organisation has answered."""
    now = now or timezone.now()
    waiting = (
        Invitation.objects.filter(mdt__status=Mdt.Status.FINDING, mdt__deadline__gt=now)
        .select_related("mdt__locality", "organisation")
        .prefetch_related("mdt__slots", "responses")
        .order_by("pk")
    )
    sent: list[Notification] = []
    for invitation in waiting[:BATCH]:
        mdt = invitation.mdt
        slots = {slot.pk for slot in mdt.slots.all()}
        if not slots or slots <= {response.slot_id for response in invitation.responses.all()}:
            continue
        start = invitation.invited_at
        span = mdt.deadline - start
        due = [n for n, share in enumerate(CHASE_AFTER, 1) if start + span * share <= now]
        if not due:
            continue
        point = due[-1]
        kind = AVAILABILITY_URGENT if mdt.is_urgent else AVAILABILITY
        with transaction.atomic():
            for member in members([invitation.organisation_id]):
                _remind(
                    sent,
                    recipient=member,
                    kind=kind.name,
                    subject=f"{_title(mdt)}: still waiting for {invitation.organisation.name}",
                    body=(
                        f"{_title(mdt)} needs to meet by {_when(mdt.deadline)}. Your "
                        f"organisation has not said which times it can make yet."
                    ),
                    link=tokens.link(invitation),
                    dedupe_key=(
                        f"mdt_chaser:{invitation.pk}:{invitation.link_nonce.hex}:"
                        f"{point}:{member.pk}"
                    ),
                    due_at=now,
                )
    return sent


def withdraw_chasers(invitation: Invitation) -> None:
    """The organisation answered: its unsent chasers are not sent."""
    from thurrock_care.notifications.services import withdraw

    keys = Notification.objects.filter(
        dedupe_key__startswith=f"mdt_chaser:{invitation.pk}:", read_at__isnull=True
    ).values_list("dedupe_key", flat=True)
    for key in list(keys):
        withdraw(dedupe_key=key)


def _action_owners(action: MdtAction, by_org: dict[int | None, list[User]]) -> list[User]:
    person = action.owner_person
    if person is not None and person.is_active:
        return [person]
    return by_org.get(action.owner_organisation_id, [])


def remind_actions(*, now: datetime | None = None) -> list[Notification]:
    """Open actions due tomorrow, and overdue ones: their owner, once per action and day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tomorrow = today + timedelta(days=1)
    actions = list(
        MdtAction.objects.filter(
            status=MdtAction.Status.OPEN, mdt__status=Mdt.Status.ACTIONS, due_on__lte=tomorrow
        )
        .exclude(due_on=today)
        .select_related("mdt__locality", "owner_person")
        .order_by("due_on", "pk")[:BATCH]
    )
    by_org = defaultdict(list)
    for member in members(sorted({a.owner_organisation_id for a in actions})):
        by_org[member.organisation_id].append(member)
    sent: list[Notification] = []
    for action in actions:
        overdue = action.due_on < today
        kind = ACTION_OVERDUE if overdue else ACTION_DUE
        when = f"overdue since {action.due_on:%-d %B}" if overdue else "due tomorrow"
        with transaction.atomic():
            for owner in _action_owners(action, by_org):
                _remind(
                    sent,
                    recipient=owner,
                    kind=kind.name,
                    subject=f"{_title(action.mdt)}: an action is {when}",
                    body=f"Action from {_title(action.mdt)}, {when}: {action.what}",
                    link=reverse("mdt:action", args=[action.pk]),
                    dedupe_key=f"mdt_action:{action.pk}:{kind.name}:{today}:{owner.pk}",
                    due_at=now,
                )
    return sent


def withdraw_action_reminders(action: MdtAction) -> None:
    from thurrock_care.notifications.services import withdraw

    keys = Notification.objects.filter(
        dedupe_key__startswith=f"mdt_action:{action.pk}:", read_at__isnull=True
    ).values_list("dedupe_key", flat=True)
    for key in list(keys):
        withdraw(dedupe_key=key)


def summarise_overdue(*, now: datetime | None = None) -> list[Notification]:
    """Once a day, each coordinator of a locality with overdue MDT actions: how many, where."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    for locality_id, name in MdtAction.objects.overdue(today).values_list(
        "mdt__locality_id", "mdt__locality__name"
    ):
        counts[locality_id] += 1
        names[locality_id] = name
    sent: list[Notification] = []
    for locality_id, count in sorted(counts.items()):
        coordinators = User.objects.filter(access.coordinators_of(locality_id)).order_by("pk")
        for coordinator in coordinators:
            _remind(
                sent,
                recipient=coordinator,
                kind=OVERDUE_SUMMARY.name,
                subject=f"{count} MDT action{'s' if count != 1 else ''} overdue in "
                f"{names[locality_id]}",
                body="The MDT board lists them, with their owners.",
                link=reverse("mdt:board") + f"?locality={locality_id}",
                dedupe_key=f"mdt_overdue_summary:{locality_id}:{today}:{coordinator.pk}",
                due_at=now,
            )
    return sent
