"""Every write of the MDT app: keyword-only, typed, atomic, one audit entry each (on the
resident's trail: `details["mdt"]` says what happened)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from localities.models import Organisation, Resident
from mdt import calendar, working_days
from mdt import notifications as tell
from mdt.models import (
    CalendarAttachment,
    Invitation,
    Mdt,
    MdtAction,
    MeetingRecord,
    Response,
    Slot,
)
from thurrock_care import submissions
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record
from thurrock_care.versions import update_versioned

SLOT_LENGTH = timedelta(hours=1)
MAX_SLOTS = 20


NO_SUCH_TIME = "That time does not exist on the day the clocks change; choose another"
TWICE_TIME = "That time happens twice on the day the clocks change; choose another"


def local_moment(naive: datetime) -> datetime:
    """A wall-clock time on the local clock as one instant; a time the clocks skip (spring)
    or go through twice (autumn) is refused rather than guessed."""
    zone = timezone.get_current_timezone()
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        raise ValidationError(NO_SUCH_TIME if back != naive else TWICE_TIME)
    return first


class AlreadyConfirmed(Exception):
    """Someone else confirmed a slot first."""

    def __init__(self, slot: Slot | None) -> None:
        self.slot = slot
        when = f" for {slot}" if slot else ""
        super().__init__(
            f"Another coordinator has already confirmed this MDT{when}. Nothing was changed: "
            "check the time below, and move it if it should change."
        )


def _audit(mdt: Mdt, *, by: User | None, what: str, request: HttpRequest | None = None,
           reason: str = "", **details: object) -> None:  # fmt: skip
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=mdt.resident_id,
        subject=mdt,
        reason=reason,
        request=request,
        details={"mdt": what, **details},
        anonymous="Availability link",
    )


# --- Request ---------------------------------------------------------------------------------


def request_mdt(
    *,
    resident: Resident,
    by: User,
    urgency: str,
    concern: str,
    residents_voice: str,
    organisations: Sequence[Organisation],
    required: Sequence[Organisation],
    consent_given: bool,
    lawful_basis: str = "",
    submission_key: uuid.UUID | None = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Mdt:
    if not organisations:
        raise ValidationError("Choose at least one organisation to invite.")
    if not consent_given and not lawful_basis:
        raise ValidationError(
            "Without the resident's consent to share, choose the lawful basis for sharing."
        )
    if set(required) - set(organisations):
        raise ValidationError("A required organisation must also be invited.")
    now = now or timezone.now()

    def create() -> Mdt:
        mdt = Mdt.objects.create(
            resident=resident,
            locality=resident.locality,
            urgency=urgency,
            concern=concern,
            residents_voice=residents_voice,
            consent_given=consent_given,
            lawful_basis="" if consent_given else lawful_basis,
            requested_by=by,
            requested_at=now,
            deadline=working_days.deadline_for(
                urgent=urgency == Mdt.Urgency.URGENT, requested_at=now
            ),
        )
        required_ids = {organisation.pk for organisation in required}
        Invitation.objects.bulk_create(
            Invitation(
                mdt=mdt,
                organisation=organisation,
                required=organisation.pk in required_ids,
                invited_at=now,
            )
            for organisation in organisations
        )
        _audit(mdt, by=by, what="requested", request=request, urgency=urgency,
               organisations=sorted(o.pk for o in organisations))  # fmt: skip
        return mdt

    return submissions.once(
        key=submission_key,
        by=by,
        model=Mdt,
        payload={
            "resident": resident,
            "urgency": urgency,
            "concern": concern,
            "organisations": list(organisations),
            "required": list(required),
        },
        create=create,
    )


# --- Finding a time ---------------------------------------------------------------------------


@transaction.atomic
def propose_slots(
    *, mdt: Mdt, by: User, starts: Iterable[datetime], request: HttpRequest | None = None
) -> list[Slot]:
    """Add times (an hour each); every invited organisation gets a new availability link."""
    mdt = Mdt.objects.select_for_update().select_related("locality").get(pk=mdt.pk)
    if not mdt.is_finding_time:
        raise ValidationError("This MDT is not looking for a time now.")
    now = timezone.now()
    existing = set(mdt.slots.values_list("starts_at", flat=True))
    # In UTC: an hour on the local clock is not always an hour (the clocks change).
    wanted = sorted({m.astimezone(UTC) for m in starts} - existing)
    if not wanted:
        raise ValidationError("Choose at least one new time.")
    if any(moment <= now for moment in wanted):
        raise ValidationError("Propose times in the future.")
    if any(moment > now + timedelta(days=366) for moment in wanted):
        raise ValidationError("Propose times within the next year.")
    if len(existing) + len(wanted) > MAX_SLOTS:
        raise ValidationError(f"An MDT can have at most {MAX_SLOTS} proposed times.")
    slots = Slot.objects.bulk_create(
        Slot(mdt=mdt, starts_at=moment, ends_at=moment + SLOT_LENGTH, proposed_by=by)
        for moment in wanted
    )
    invitations = list(mdt.invitations.select_related("organisation"))
    for invitation in invitations:
        invitation.link_nonce = uuid.uuid4()
        invitation.invited_at = now
    Invitation.objects.bulk_update(invitations, ["link_nonce", "invited_at"])
    if mdt.status != Mdt.Status.FINDING:
        mdt.status = Mdt.Status.FINDING
        mdt.save(update_fields=["status", "updated_at"])
    _audit(mdt, by=by, what="slots_proposed", request=request,
           slots=[timezone.localtime(s.starts_at).isoformat() for s in slots])  # fmt: skip
    tell.ask_availability(mdt=mdt, invitations=invitations)
    _email_organisations_without_accounts(invitations)
    return slots


def _email_organisations_without_accounts(invitations: list[Invitation]) -> None:
    """An invited organisation nobody in Thurrock Care works for gets the link at its contact
    address (through a task, once this transaction commits)."""
    from mdt import tasks

    with_members = set(
        User.objects.filter(
            organisation_id__in=[i.organisation_id for i in invitations], is_active=True
        ).values_list("organisation_id", flat=True)
    )
    for invitation in invitations:
        if invitation.organisation.contact_email and invitation.organisation_id not in with_members:
            tasks.email_availability.delay_on_commit(
                invitation_id=invitation.pk, nonce=invitation.link_nonce.hex
            )


@dataclass(frozen=True)
class Answer:
    slot: Slot
    answer: str
    delegate: str = ""


def answer_slots(
    *,
    invitation: Invitation,
    answers: Sequence[Answer],
    by: User | None,
    via_link: bool = False,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> list[Response]:
    """One record per answer. Through the availability link each slot is answered once (a
    second use of the link changes nothing); in the app, a later answer replaces an earlier
    one (both kept) and a double submission makes one set of records."""
    if not answers:
        raise ValidationError("Answer at least one time.")
    if any(item.slot.mdt_id != invitation.mdt_id for item in answers):
        raise ValidationError("That time is not one of this MDT's.")
    if len({item.slot.pk for item in answers}) != len(answers):
        raise ValidationError("Answer each time only once.")

    def create() -> Response:
        locked = Invitation.objects.select_for_update().select_related("mdt").get(pk=invitation.pk)
        if not locked.mdt.is_finding_time:
            raise ValidationError("This MDT is no longer looking for a time.")
        if via_link:
            done = set(
                Response.objects.filter(invitation=locked, via_link=True).values_list(
                    "slot_id", flat=True
                )
            )
            if any(item.slot.pk in done for item in answers):
                raise ValidationError("These times have already been answered through this link.")
        now = timezone.now()
        made = Response.objects.bulk_create(
            Response(
                invitation=locked,
                slot=item.slot,
                answer=item.answer,
                delegate=item.delegate if item.answer == Response.Answer.DELEGATE else "",
                answered_by=by,
                via_link=via_link,
                answered_at=now,
            )
            for item in answers
        )
        _audit(locked.mdt, by=by, what="answered", request=request,
               organisation=locked.organisation_id, via_link=via_link,
               answers={str(item.slot.pk): item.answer for item in answers})  # fmt: skip
        tell.withdraw_chasers(locked)
        return made[0]

    first = submissions.once(
        key=submission_key,
        by=by,
        model=Response,
        payload={"invitation": invitation, "answers": [f"{a.slot.pk}:{a.answer}" for a in answers]},
        create=create,
    )
    return list(
        Response.objects.filter(invitation=invitation, answered_at=first.answered_at).order_by("pk")
    )


def _send_calendar(mdt: Mdt, *, method: str, occasion: str, what: str) -> None:
    slot = mdt.confirmed_slot
    assert slot is not None
    organisation_ids = list(mdt.invitations.values_list("organisation_id", flat=True))
    emails = sorted({m.email for m in tell.members(organisation_ids) if m.email})
    ics = calendar.invitation(mdt=mdt, slot=slot, method=method, attendees=emails)
    tell.tell_meeting(mdt=mdt, method=method, ics=ics, occasion=occasion, what=what)


def _when(slot: Slot) -> str:
    return f"{timezone.localtime(slot.starts_at):%A %-d %B at %H:%M}"


def _check_meeting_time(mdt: Mdt, slot: Slot) -> None:
    """A meeting is fixed only at a time still to come that no required organisation has
    said (in its latest answer) it cannot make."""
    if slot.starts_at <= timezone.now():
        raise ValidationError("That time has passed; choose a time still to come.")
    latest = (
        Response.objects.filter(slot=slot, invitation__mdt=mdt, invitation__required=True)
        .order_by("invitation_id", "-answered_at", "-pk")
        .distinct("invitation_id")
        .select_related("invitation__organisation")
    )
    cannot = sorted(r.invitation.organisation.name for r in latest
                    if r.answer == Response.Answer.CANNOT)  # fmt: skip
    if cannot:
        raise ValidationError(
            f"{' and '.join(cannot)} cannot make this time; propose more times or choose another."
        )


@transaction.atomic
def confirm_slot(*, mdt: Mdt, slot: Slot, by: User, request: HttpRequest | None = None) -> Mdt:
    """Fix the meeting at `slot`. Of two coordinators confirming at once, the first to lock
    the MDT wins; the other gets AlreadyConfirmed (and nothing changes)."""
    locked = (
        Mdt.objects.select_for_update(of=("self",))
        .select_related("locality", "requested_by")
        .get(pk=mdt.pk)
    )
    if locked.confirmed_slot_id is not None or not locked.is_finding_time:
        # Read after the lock (a join in the locking query would show the old row).
        raise AlreadyConfirmed(Slot.objects.filter(pk=locked.confirmed_slot_id or 0).first())
    if slot.mdt_id != locked.pk:
        raise ValidationError("That time is not one of this MDT's.")
    _check_meeting_time(locked, slot)
    locked.confirmed_slot = slot
    locked.status = Mdt.Status.SCHEDULED
    if CalendarAttachment.objects.filter(mdt=locked).exists():
        locked.calendar_sequence += 1  # confirmed again after a cancellation: a newer version
    locked.save(update_fields=["confirmed_slot", "status", "calendar_sequence", "updated_at"])
    _audit(locked, by=by, what="confirmed", request=request, slot=slot.pk)
    _send_calendar(locked, method=calendar.REQUEST, occasion=f"seq{locked.calendar_sequence}",
                   what=f"meeting on {_when(slot)}")  # fmt: skip
    return locked


@transaction.atomic
def reschedule(*, mdt: Mdt, slot: Slot, by: User, request: HttpRequest | None = None) -> Mdt:
    """Move a scheduled meeting to another proposed slot: the same calendar UID, SEQUENCE+1."""
    locked = (
        Mdt.objects.select_for_update(of=("self",))
        .select_related("locality", "requested_by")
        .get(pk=mdt.pk)
    )
    if locked.status != Mdt.Status.SCHEDULED:
        raise ValidationError("Only a scheduled meeting can be moved.")
    if slot.mdt_id != locked.pk or slot.pk == locked.confirmed_slot_id:
        raise ValidationError("Choose another of this MDT's times.")
    _check_meeting_time(locked, slot)
    locked.confirmed_slot = slot
    locked.calendar_sequence += 1
    locked.save(update_fields=["confirmed_slot", "calendar_sequence", "updated_at"])
    _audit(locked, by=by, what="rescheduled", request=request, slot=slot.pk)
    _send_calendar(locked, method=calendar.REQUEST, occasion=f"seq{locked.calendar_sequence}",
                   what=f"meeting moved to {_when(slot)}")  # fmt: skip
    return locked


@transaction.atomic
def cancel_meeting(*, mdt: Mdt, by: User, request: HttpRequest | None = None) -> Mdt:
    """Call the meeting off (METHOD:CANCEL); the MDT looks for a time again."""
    locked = (
        Mdt.objects.select_for_update(of=("self",))
        .select_related("locality", "requested_by")
        .get(pk=mdt.pk)
    )
    if locked.status != Mdt.Status.SCHEDULED:
        raise ValidationError("Only a scheduled meeting can be called off.")
    locked.calendar_sequence += 1
    _send_calendar(locked, method=calendar.CANCEL, occasion=f"seq{locked.calendar_sequence}",
                   what="meeting called off")  # fmt: skip
    locked.confirmed_slot = None
    locked.status = Mdt.Status.FINDING
    locked.save(update_fields=["confirmed_slot", "calendar_sequence", "status", "updated_at"])
    _audit(locked, by=by, what="meeting_cancelled", request=request)
    return locked


# --- The meeting and its actions --------------------------------------------------------------


@transaction.atomic
def record_meeting(
    *,
    mdt: Mdt,
    by: User,
    attended: Sequence[Organisation],
    apologies: Sequence[Organisation],
    discussion: str,
    residents_voice: str,
    decisions: str,
    version: int | None = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> MeetingRecord:
    """Write (or, with the version read, rewrite) the meeting's record; the MDT's actions are
    then in progress."""
    locked = Mdt.objects.select_for_update().get(pk=mdt.pk)
    if locked.status not in (Mdt.Status.SCHEDULED, Mdt.Status.ACTIONS):
        raise ValidationError("Record the meeting once its time is confirmed.")
    if locked.status == Mdt.Status.SCHEDULED:
        slot = Slot.objects.get(pk=locked.confirmed_slot_id or 0)
        if slot.starts_at > (now or timezone.now()):
            raise ValidationError(
                f"The meeting is on {_when(slot)}: record it once it has begun (until then it "
                "can still be moved or called off)."
            )
    if set(attended) & set(apologies):
        raise ValidationError("An organisation either attended or sent apologies, not both.")
    existing = MeetingRecord.objects.filter(mdt=locked).first()
    fields = {"discussion": discussion, "residents_voice": residents_voice, "decisions": decisions}
    if existing is None:
        meeting = MeetingRecord.objects.create(mdt=locked, recorded_by=by, **fields)
    else:
        update_versioned(MeetingRecord, pk=existing.pk, version=version or 0, **fields)
        meeting = MeetingRecord.objects.get(pk=existing.pk)
    meeting.attended.set(attended)
    meeting.apologies.set(apologies)
    if locked.status != Mdt.Status.ACTIONS:
        locked.status = Mdt.Status.ACTIONS
        locked.save(update_fields=["status", "updated_at"])
    _audit(locked, by=by, what="recorded" if existing is None else "record_changed",
           request=request)  # fmt: skip
    return meeting


def due_date_bounds(today: date | None = None) -> tuple[date, date]:
    """An action is due from a week ago (a meeting recorded late) to two years ahead."""
    today = today or timezone.localdate()
    try:
        latest = today.replace(year=today.year + 2)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + 2, day=28)
    return today - timedelta(days=7), latest


def check_due_date(due_on: date) -> None:
    earliest, latest = due_date_bounds()
    if not earliest <= due_on <= latest:
        raise ValidationError(
            f"Give a due date from {earliest:%-d %B %Y} to {latest:%-d %B %Y}",
            code="due_on",
        )


def add_action(
    *,
    mdt: Mdt,
    by: User,
    what: str,
    owner_organisation: Organisation,
    owner_person: User | None,
    due_on: date,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> MdtAction:
    current = Mdt.objects.filter(pk=mdt.pk).values_list("status", flat=True).first()
    if current not in (Mdt.Status.SCHEDULED, Mdt.Status.ACTIONS):
        raise ValidationError("Add actions to a meeting that has a confirmed time.")
    if owner_person is not None and owner_person.organisation_id != owner_organisation.id:
        raise ValidationError("The person who owns it works for another organisation.")
    check_due_date(due_on)

    def create() -> MdtAction:
        # Lock the MDT and look again: an action added while a coordinator closes the MDT
        # waits for the close, then is refused (never a closed MDT with an open action).
        locked = Mdt.objects.select_for_update().get(pk=mdt.pk)
        if locked.status == Mdt.Status.CLOSED:
            raise ValidationError(
                f"{locked.reference} has just been closed, so no action can be added. Reopen "
                "it first if this action is needed."
            )
        if locked.status not in (Mdt.Status.SCHEDULED, Mdt.Status.ACTIONS):
            raise ValidationError("Add actions to a meeting that has a confirmed time.")
        action = MdtAction.objects.create(
            mdt=locked, what=what, owner_organisation=owner_organisation,
            owner_person=owner_person, due_on=due_on, created_by=by,
        )  # fmt: skip
        _audit(locked, by=by, what="action_added", request=request, action=action.pk,
               owner_organisation=owner_organisation.pk)  # fmt: skip
        return action

    return submissions.once(
        key=submission_key,
        by=by,
        model=MdtAction,
        payload={"mdt": mdt, "what": what, "owner": owner_organisation, "due_on": due_on},
        create=create,
    )


@transaction.atomic
def update_action(
    *,
    action: MdtAction,
    by: User,
    status: str,
    note: str,
    version: int,
    request: HttpRequest | None = None,
) -> MdtAction:
    """Mark an action done, open, or cannot be done (with the reason), with a note. Never
    overwrites someone else's update (EditConflict)."""
    # Lock the MDT: an action cannot change while (or after) its MDT closes.
    mdt = Mdt.objects.select_for_update().get(pk=action.mdt_id)
    if mdt.status == Mdt.Status.CLOSED:
        raise ValidationError(
            f"{mdt.reference} is closed, so its actions can no longer be changed. Ask its "
            "coordinator to reopen it if this action needs more work."
        )
    if status == MdtAction.Status.CANNOT and not note.strip():
        raise ValidationError("Say why it cannot be done.")
    completed_at = timezone.now() if status != MdtAction.Status.OPEN else None
    update_versioned(MdtAction, pk=action.pk, version=version, status=status, note=note,
                     completed_at=completed_at)  # fmt: skip
    action.refresh_from_db()
    _audit(mdt, by=by, what="action_updated", request=request, action=action.pk,
           status=status, note=note)  # fmt: skip
    if status != MdtAction.Status.OPEN:
        tell.withdraw_action_reminders(action)
    return action


@transaction.atomic
def close_mdt(
    *, mdt: Mdt, by: User, outcome: str, version: int, request: HttpRequest | None = None
) -> Mdt:
    mdt = Mdt.objects.select_for_update().get(pk=mdt.pk)
    if mdt.status != Mdt.Status.ACTIONS:
        raise ValidationError("Close an MDT once its meeting is recorded.")
    if mdt.actions.filter(status=MdtAction.Status.OPEN).exists():
        raise ValidationError("Some actions are still open: each must be done, or marked as "
                              "cannot be done with the reason, before the MDT closes.")  # fmt: skip
    if not outcome.strip():
        raise ValidationError("Write the outcome summary.")
    update_versioned(Mdt, pk=mdt.pk, version=version, status=Mdt.Status.CLOSED,
                     outcome=outcome, closed_at=timezone.now(), closed_by=by)  # fmt: skip
    mdt.refresh_from_db()
    _audit(mdt, by=by, what="closed", request=request)
    return mdt


@transaction.atomic
def reopen_mdt(
    *, mdt: Mdt, by: User, reason: str, version: int, request: HttpRequest | None = None
) -> Mdt:
    mdt = Mdt.objects.select_for_update().get(pk=mdt.pk)
    if mdt.status != Mdt.Status.CLOSED:
        raise ValidationError("Only a closed MDT can be reopened.")
    if not reason.strip():
        raise ValidationError("Say why it is reopened.")
    update_versioned(Mdt, pk=mdt.pk, version=version, status=Mdt.Status.ACTIONS,
                     closed_at=None, closed_by=None)  # fmt: skip
    mdt.refresh_from_db()
    _audit(mdt, by=by, what="reopened", request=request, reason=reason)
    return mdt
