"""Which proposed slot to confirm: the earliest one every *required* organisation can make
(coming or sending someone), and never one no organisation has said it can make; between slots
at the same time, the one most organisations can make. A pure function of the answers, so that
it is tested without a database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

NO_SLOT = (
    "No proposed time suits every required organisation. Propose more times (the quick picks "
    "below are the working-day mornings and afternoons before the deadline), or ask the "
    "required organisations to send someone else."
)

NO_ANSWER = (
    "No organisation has said it can make any of the proposed times yet. Wait for their "
    "answers, or propose more times."
)


@dataclass(frozen=True)
class SlotView:
    pk: int
    starts_at: datetime


@dataclass(frozen=True)
class Recommendation:
    slot_id: int | None
    attendees: int
    message: str


def recommend(
    *,
    slots: Iterable[SlotView],
    required: Iterable[int],
    invited: Iterable[int],
    attends: Mapping[tuple[int, int], bool],
) -> Recommendation:
    """`attends[(organisation_id, slot_id)]` is the latest answer (True: can come or send
    someone). Organisations that have not answered a slot are not counted as coming."""
    required_ids, invited_ids = set(required), set(invited)
    candidates = []
    for slot in slots:
        if all(attends.get((org, slot.pk), False) for org in required_ids):
            coming = sum(1 for org in invited_ids | required_ids
                         if attends.get((org, slot.pk), False))  # fmt: skip
            if coming:  # never a time no organisation has said it can make
                candidates.append((slot.starts_at, -coming, slot.pk))
    if not candidates:
        return Recommendation(slot_id=None, attendees=0,
                              message=NO_SLOT if required_ids else NO_ANSWER)  # fmt: skip
    _starts_at, minus_coming, slot_id = min(candidates)
    can = f"{-minus_coming} of {len(invited_ids)} invited organisations can"
    return Recommendation(
        slot_id=slot_id,
        attendees=-minus_coming,
        message=f"Every required organisation can make it; {can}."
        if required_ids
        else f"{can} make it.",
    )


QUICK_PICK_TIMES = (time(10, 0), time(14, 0))


def quick_picks(*, now: datetime, deadline: datetime, known: frozenset) -> list[datetime]:
    """The next working-day mornings (10:00) and afternoons (14:00) before the deadline;
    today's too, if still ahead. At most six."""
    from mdt.working_days import is_working_day

    local_now = timezone.localtime(now)
    tz = timezone.get_current_timezone()
    day = local_now.date()
    last = timezone.localtime(deadline).date()
    picks: list[datetime] = []
    while day <= last and len(picks) < 6:
        if is_working_day(day, known):
            for at in QUICK_PICK_TIMES:
                moment = timezone.make_aware(datetime.combine(day, at), tz)
                if now < moment and moment + timedelta(hours=1) <= deadline:
                    picks.append(moment)
        day += timedelta(days=1)
    return picks[:6]
