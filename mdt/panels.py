"""The MDT app's home panels (registered in MdtConfig.ready): an owner's open MDT actions
(overdue first), and a coordinator's MDTs waiting for a time or a meeting. A fixed number of
queries each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from mdt.models import Mdt, MdtAction

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User

SHOWN = 10


def my_actions(user: User) -> dict[str, Any]:
    mine = Q(owner_person=user)
    if user.organisation_id is not None:
        mine |= Q(owner_person__isnull=True, owner_organisation_id=user.organisation_id)
    actions = list(
        MdtAction.objects.visible_to(user)
        .open()
        .filter(mine)
        .select_related("mdt__locality", "owner_organisation")
        .order_by("due_on", "pk")[:SHOWN]
    )
    today = timezone.localdate()
    return {"mdt_actions": actions, "mdt_today": today,
            "mdt_overdue": sum(1 for a in actions if a.due_on < today)}  # fmt: skip


def waiting(user: User) -> dict[str, Any]:
    mdts = list(
        Mdt.objects.coordinated_by(user)
        .filter(status__in=[Mdt.Status.REQUESTED, Mdt.Status.FINDING, Mdt.Status.SCHEDULED])
        .select_related("locality", "confirmed_slot")
        .order_by("deadline", "pk")[:SHOWN]
    )
    return {"mdts_waiting": mdts, "mdt_now": timezone.now()}
