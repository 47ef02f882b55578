"""Reads that assemble the MDT pages: a fixed number of queries each, whatever the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from localities.models import Locality, Organisation
from mdt import recommend, working_days
from mdt.models import Invitation, Mdt, MdtAction, Response, Slot

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def ilt_organisations(locality_id: int) -> QuerySet[Organisation]:
    """The organisations of a locality's Integrated Locality Team."""
    return Organisation.objects.filter(memberships__locality_id=locality_id).order_by("name")


def latest_answers(mdt: Mdt) -> list[Response]:
    return list(
        Response.objects.filter(slot__mdt=mdt)
        .order_by("invitation_id", "slot_id", "-answered_at", "-pk")
        .distinct("invitation_id", "slot_id")
    )


@dataclass
class SlotRow:
    slot: Slot
    answers: list[tuple[Invitation, Response | None]]
    coming: int
    recommended: bool


def slot_table(mdt: Mdt, invitations: list[Invitation]) -> dict[str, Any]:
    """The slots with each organisation's latest answer, and the recommendation."""
    slots = list(mdt.slots.all())
    answers = {(r.invitation_id, r.slot_id): r for r in latest_answers(mdt)}
    org_of = {invitation.pk: invitation.organisation_id for invitation in invitations}
    attends = {(org_of[inv], slot): r.attends for (inv, slot), r in answers.items()}
    advice = recommend.recommend(
        slots=[recommend.SlotView(pk=s.pk, starts_at=s.starts_at) for s in slots],
        required=[i.organisation_id for i in invitations if i.required],
        invited=[i.organisation_id for i in invitations],
        attends=attends,
    )
    rows = [
        SlotRow(
            slot=slot,
            answers=[(inv, answers.get((inv.pk, slot.pk))) for inv in invitations],
            coming=sum(1 for inv in invitations if attends.get((inv.organisation_id, slot.pk))),
            recommended=slot.pk == advice.slot_id,
        )
        for slot in slots
    ]
    return {"slot_rows": rows, "recommendation": advice, "slots": slots}


def mdt_page(mdt: Mdt, user: User) -> dict[str, Any]:
    invitations = list(mdt.invitations.select_related("organisation").order_by("-required", "pk"))
    context = slot_table(mdt, invitations)
    now = timezone.now()
    context.update(
        invitations=invitations,
        my_invitation=next(
            (i for i in invitations if i.organisation_id == user.organisation_id), None
        ),
        actions=list(mdt.actions.select_related("owner_organisation", "owner_person")),
        earlier_actions=earlier_open_actions(mdt),
        owned=set(
            MdtAction.objects.owned_by(user)
            .filter(mdt__resident_id=mdt.resident_id)
            .values_list("pk", flat=True)
        ),
        picks=[
            pick
            for pick in recommend.quick_picks(
                now=now, deadline=mdt.deadline, known=working_days.holidays()
            )
            if pick not in {slot.starts_at for slot in context["slots"]}
        ]
        if mdt.is_finding_time
        else [],
        now=now,
        today=timezone.localdate(),
    )
    return context


def earlier_open_actions(mdt: Mdt) -> list[MdtAction]:
    """Outstanding actions from this resident's earlier MDTs: shown first at the meeting."""
    return list(
        MdtAction.objects.open()
        .filter(mdt__resident_id=mdt.resident_id, mdt__requested_at__lt=mdt.requested_at)
        .exclude(mdt=mdt)
        .select_related("mdt", "owner_organisation", "owner_person")
        .order_by("due_on", "pk")
    )


BOARD_COLUMNS = [
    Mdt.Status.REQUESTED,
    Mdt.Status.FINDING,
    Mdt.Status.SCHEDULED,
    Mdt.Status.ACTIONS,
    Mdt.Status.CLOSED,
]
CLOSED_SHOWN = 20


@dataclass
class BoardCard:
    mdt: Mdt
    hours_to_meeting: float | None
    overdue_actions: int
    open_actions: int


def _open_actions(**conditions: Any) -> Coalesce:
    """How many open actions an MDT has (meeting `conditions`): counted for each MDT shown,
    not for every MDT of the locality before the page is chosen."""
    counted = (
        MdtAction.objects.open()
        .filter(mdt=OuterRef("pk"), **conditions)
        .order_by()
        .values("mdt")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def board(locality: Locality, user: User, *, now: datetime | None = None) -> dict[str, Any]:
    """The locality's MDTs by status (closed: the latest few), each with its countdown, the
    hours from request to meeting, and its overdue actions. Four queries, each read from
    indexes: the closed ones in the order of `mdt_board_closed`, stopping at CLOSED_SHOWN."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    shown = Mdt.objects.visible_to(user).filter(locality=locality)
    mdts = shown.select_related("resident", "confirmed_slot").annotate(
        overdue_actions=_open_actions(due_on__lt=today), open_actions=_open_actions()
    )
    open_mdts = list(mdts.open().order_by("deadline", "pk"))
    closed = list(
        mdts.filter(status=Mdt.Status.CLOSED).order_by("-closed_at", "-pk")[:CLOSED_SHOWN]
    )
    columns: dict[str, list[BoardCard]] = {status: [] for status in BOARD_COLUMNS}
    for mdt in open_mdts + closed:
        hours = None
        if mdt.confirmed_slot is not None:
            hours = round(
                (mdt.confirmed_slot.starts_at - mdt.requested_at).total_seconds() / 3600, 1
            )
        columns[mdt.status].append(
            BoardCard(
                mdt=mdt,
                hours_to_meeting=hours,
                overdue_actions=mdt.overdue_actions,  # type: ignore[attr-defined]
                open_actions=mdt.open_actions,  # type: ignore[attr-defined]
            )
        )
    overdue = list(
        MdtAction.objects.overdue(today)
        .filter(mdt__in=shown.values("pk"))
        .select_related("mdt", "owner_organisation", "owner_person")
        .order_by("due_on", "pk")
    )
    owned = set(
        MdtAction.objects.owned_by(user)
        .filter(pk__in=[action.pk for action in overdue])
        .values_list("pk", flat=True)
    )
    return {
        "columns": [
            (Mdt.Status(status).label, status, columns[status]) for status in BOARD_COLUMNS
        ],
        "overdue": overdue,
        "owned": owned,
        "now": now,
        "resident_ids": [card.mdt.resident_id for cards in columns.values() for card in cards],
    }


def prefetch_invitations() -> Prefetch:
    return Prefetch("invitations", queryset=Invitation.objects.select_related("organisation"))
