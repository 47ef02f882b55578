"""Reads that assemble Local Area Coordination's pages (and the API's lists)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from introductions import holders
from introductions.models import (
    QUARTER_DAYS,
    ConnectionMade,
    Conversation,
    DropInSession,
    FollowUp,
    Introduction,
    WellbeingAnswer,
)
from introductions.models.conversations import readable_by
from localities.models import (
    Connection,
    Locality,
    Organisation,
    Resident,
    StoryEntry,
    StorySection,
)
from thurrock_care import access
from thurrock_care.accounts.models import User


def next_offer_on(resident: Resident) -> date | None:
    """When the questions may be offered again (None: now)."""
    last = (
        WellbeingAnswer.objects.filter(resident=resident)
        .order_by("-answered_on")
        .values_list("answered_on", flat=True)
        .first()
    )
    if last is None:
        return None
    again = last + timedelta(days=QUARTER_DAYS)
    return again if again > timezone.localdate() else None


def open_connections(resident: Resident, user: User) -> list[ConnectionMade]:
    """Connections made with the resident that no conversation has checked yet (those made in
    a conversation this user may read)."""
    made = ConnectionMade.objects.filter(resident=resident, outcome=ConnectionMade.Outcome.MADE)
    return list(
        made.filter(readable_by(user, "conversation__")).select_related("asset").order_by("pk")
    )


def tell_us_once(resident: Resident) -> dict[str, Any]:
    """The resident's story in their own words (the current version of each section) and the
    people and places in their life: shown on the conversation form so nobody asks again."""
    latest = (
        StoryEntry.objects.filter(resident=resident)
        .order_by("section", "-written_at", "-id")
        .distinct("section")
    )
    by_section = {entry.section: entry for entry in latest}
    return {
        "story": [
            {"label": section.label, "entry": by_section.get(section.value)}
            for section in StorySection
        ],
        "people_and_places": list(
            Connection.objects.filter(resident=resident, removed_at__isnull=True)
        ),
    }


def conversation_page(conversation: Conversation) -> dict[str, Any]:
    return {
        "organisations": list(conversation.organisations.order_by("name")),
        "connections_made": list(conversation.connections_made.select_related("asset")),
        "connections_checked": list(conversation.connections_checked.select_related("asset")),
    }


def introduction_page(introduction: Introduction, user: User) -> dict[str, Any]:
    """The introduction's page: who held it, the conversations with the resident (those this
    user may read), open follow-ups, wellbeing answers; a fixed number of queries."""
    return {
        "holders": list(introduction.holders.select_related("holder", "assigned_by")),
        "conversations": list(
            Conversation.objects.visible_to(user)
            .filter(resident_id=introduction.resident_id)
            .select_related("held_by")
            .order_by("-held_at", "-id")[:20]
        ),
        "follow_ups": list(
            FollowUp.objects.open()
            .filter(resident_id=introduction.resident_id)
            .select_related("owner")
        ),
        "wellbeing": list(
            WellbeingAnswer.objects.filter(resident_id=introduction.resident_id).order_by(
                "-answered_on"
            )
        ),
        "can_change": Introduction.objects.changeable_by(user).filter(pk=introduction.pk).exists(),
        "next_offer_on": next_offer_on(introduction.resident),
    }


def my_work(user: User) -> dict[str, Any]:
    """The introductions a LAC holds (open ones) and their follow-ups due, overdue first."""
    today = timezone.localdate()
    return {
        "introductions": list(
            Introduction.objects.visible_to(user)
            .open()
            .filter(holder=user)
            .select_related("resident__neighbourhood")
            .order_by("resident__full_name", "pk")
        ),
        **follow_ups_due(user, today=today),
    }


def follow_ups_due(user: User, *, today: date | None = None) -> dict[str, Any]:
    """The user's follow-ups due today and overdue (residents they still may see), in two
    queries whatever their number."""
    today = today or timezone.localdate()
    due = list(
        FollowUp.objects.due(today)
        .filter(owner=user, resident__in=Resident.objects.visible_to(user))
        .select_related("resident__neighbourhood")
        .order_by("due_on", "pk")[:50]
    )
    return {
        "due_today": [f for f in due if f.due_on == today],
        "overdue": [f for f in due if f.due_on < today],
        "today": today,
    }


def reassignable(user: User, holder: User | None) -> QuerySet[Introduction]:
    if holder is None:
        return Introduction.objects.none()
    return (
        Introduction.objects.reassignable_by(user)
        .open()
        .filter(holder=holder)
        .select_related("resident")
        .order_by("resident__full_name", "pk")
    )


def upcoming_by_locality(user: User) -> dict[str, Any]:
    """Upcoming sessions (the next 60 days), grouped by locality; the user's localities
    first. Two queries."""
    now = timezone.now()
    sessions = (
        DropInSession.objects.upcoming(now)
        .filter(starts_at__lt=now + timedelta(days=60))
        .select_related("locality", "asset")
        .prefetch_related(Prefetch("organisations", queryset=Organisation.objects.order_by("name")))
    )
    own = set(Locality.objects.worked_in_by(user).values_list("pk", flat=True))
    localities = sorted(Locality.objects.all(), key=lambda loc: (loc.pk not in own, loc.name))
    by_locality: dict[int, list[DropInSession]] = {loc.pk: [] for loc in localities}
    for session in sessions:
        by_locality[session.locality_id].append(session)
    runs = set(DropInSession.objects.run_by(user).values_list("locality_id", flat=True).distinct())
    return {
        "groups": [
            {"locality": loc, "sessions": by_locality[loc.pk], "runs": loc.pk in own}
            for loc in localities
        ],
        "can_plan": access.runs_drop_ins(user) and bool(own),
        "runs": runs,
    }


def public_sessions(locality: Locality, *, since: datetime) -> QuerySet[DropInSession]:
    """What the public feed lists: the locality's sessions from a month ago on (a calendar
    keeps the recent past), cancelled ones included so calendars drop them."""
    return (
        DropInSession.objects.filter(locality=locality, ends_at__gte=since - timedelta(days=31))
        .select_related("asset")
        .prefetch_related(Prefetch("organisations", queryset=Organisation.objects.order_by("name")))
        .order_by("starts_at", "pk")
    )


def sessions_in_month(locality: Locality, month: date) -> QuerySet[DropInSession]:
    following = (month + timedelta(days=32)).replace(day=1)
    return (
        DropInSession.objects.filter(
            locality=locality,
            cancelled=False,
            starts_at__date__gte=month,
            starts_at__date__lt=following,
        )
        .select_related("asset")
        .prefetch_related(Prefetch("organisations", queryset=Organisation.objects.order_by("name")))
        .order_by("starts_at", "pk")
    )


def drop_in_page(session: DropInSession, user: User) -> dict[str, Any]:
    """The session page: the residents met there whom this user may see (each once, with
    whether they have an open introduction and may be introduced by this user), the
    organisations attending, in a fixed number of queries."""
    met = list(
        Conversation.objects.visible_to(user)
        .filter(drop_in=session)
        .select_related("resident__neighbourhood", "held_by")
        .annotate(
            introduced=Exists(
                Introduction.objects.open().filter(resident_id=OuterRef("resident_id"))
            ),
            may_introduce=Exists(
                Resident.objects.changeable_by(user).filter(pk=OuterRef("resident_id"))
            ),
        )
        .order_by("held_at", "pk")
    )
    residents: dict[int, Conversation] = {}
    for conversation in met:
        residents.setdefault(conversation.resident_id, conversation)
    may_hold = holders.eligible(session.locality_id).filter(pk=user.pk).exists()
    return {
        "met": list(residents.values()),
        "people_seen": len(residents) + session.headcount,
        "organisations": list(session.organisations.order_by("name")),
        "may_hold": may_hold,
    }


def figures_by_locality() -> list[dict[str, Any]]:
    """Per locality, figures (no names): open introductions, conversations in the last 30
    days, connections made and connections kept. One query for each figure."""
    since = timezone.now() - timedelta(days=30)
    locality = "resident__neighbourhood__locality"
    open_introductions = dict(
        Introduction.objects.open().values_list(locality).annotate(n=Count("pk"))
    )
    recent = dict(
        Conversation.objects.filter(held_at__gte=since)
        .values_list(locality)
        .annotate(n=Count("pk"))
    )
    connections = {
        row[locality]: row
        for row in ConnectionMade.objects.values(locality).annotate(
            made=Count("pk"), kept=Count("pk", filter=Q(outcome=ConnectionMade.Outcome.KEPT))
        )
    }
    return [
        {
            "locality": place,
            "open_introductions": open_introductions.get(place.pk, 0),
            "conversations": recent.get(place.pk, 0),
            "connections_made": connections.get(place.pk, {}).get("made", 0),
            "connections_kept": connections.get(place.pk, {}).get("kept", 0),
        }
        for place in Locality.objects.order_by("name")
    ]
