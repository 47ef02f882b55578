"""The key pages of issue 13, on a generated borough: who looks at which page of what. The
benchmark (`make bench`) drives them over HTTP; tests/platform/test_key_pages_at_scale.py
checks their query counts and query plans. Both choose the same subjects here, from the data.

`choose` picks the busiest people and records of the largest locality; `prepare` gives the
chosen resident the long history the issue asks for (200 timeline entries)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NoReturn
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from introductions.models import Conversation, DropInSession, Introduction
from localities.models import Locality, Resident
from mdt.models import Mdt
from thurrock_care.accounts.models import Role, User
from wellbeing_teams.models import TeamMember, Visit

TIMELINE_ENTRIES = 200


@dataclass(frozen=True)
class Subjects:
    locality: Locality
    practitioner: User  # holds the most introductions in the locality
    coordinator: User  # coordinates the locality
    manager: User
    worker: User  # the Wellbeing Team worker with the most visits on `day`
    team_id: int
    day: date  # the last day of the generated data
    resident: Resident  # held by the practitioner; given a 200-entry timeline by `prepare`
    other_resident: Resident  # held by the practitioner too: conversations are logged about them
    drop_in: DropInSession
    mdt: Mdt  # an MDT of the locality with actions (under way, where one is)
    searches: dict[str, str]  # kind of search → what the practitioner types


@dataclass(frozen=True)
class KeyPage:
    name: str
    role: str  # an attribute of Subjects: whose session asks for the page
    path: str
    expect: str  # text every good answer holds (a redirect: its Location)
    method: str = "GET"
    form: Callable[[], dict[str, str]] | None = field(default=None, compare=False)


def last_day() -> date:
    """The day the generated data ends (its newest visit)."""
    newest = Visit.objects.order_by("-planned_on").values_list("planned_on", flat=True).first()
    return newest or timezone.localdate()


def choose() -> Subjects:
    locality = Locality.objects.annotate(n=Count("neighbourhoods__residents")).order_by("-n")[0]
    day = min(last_day(), timezone.localdate())
    held = (
        Introduction.objects.filter(
            resident__neighbourhood__locality=locality, holder__role=Role.PRACTITIONER
        )
        .exclude(status=Introduction.Status.ENDED)
        .values("holder")
        .annotate(n=Count("id"))
        .order_by("-n", "holder")
    )
    practitioner = User.objects.get(pk=held[0]["holder"])
    residents = list(
        Resident.objects.filter(
            introductions__holder=practitioner,
            neighbourhood__locality=locality,
        )
        .exclude(introductions__status=Introduction.Status.ENDED)
        .order_by("pk")[:2]
    )
    worker_id = (
        Visit.objects.filter(planned_on=day, team__members__user__role=Role.WELLBEING_WORKER)
        .values("workers")
        .annotate(n=Count("id"))
        .filter(workers__isnull=False)
        .order_by("-n", "workers")[0]["workers"]
    )
    membership = TeamMember.objects.filter(user_id=worker_id).order_by("pk").first()
    assert membership is not None, "a visiting worker belongs to a team"
    return Subjects(
        locality=locality,
        practitioner=practitioner,
        coordinator=User.objects.filter(role=Role.COORDINATOR, localities=locality)
        .order_by("pk")
        .first()
        or _missing("a coordinator"),
        manager=User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk").first()
        or _missing("a manager"),
        worker=User.objects.get(pk=worker_id),
        team_id=membership.team_id,
        day=day,
        resident=residents[0],
        other_resident=residents[1],
        drop_in=DropInSession.objects.filter(locality=locality, cancelled=False)
        .filter(starts_at__lte=timezone.now())
        .order_by("-starts_at")
        .first()
        or _missing("a drop-in session"),
        mdt=_mdt_with_actions(locality),
        searches=searches(practitioner, locality),
    )


def _mdt_with_actions(locality: Locality) -> Mdt:
    """The locality's MDT with the most actions, preferring one whose actions are under way
    (few are, in a small generated borough: an MDT is in that state from its 14th to its 60th
    day)."""
    mdts = (
        Mdt.objects.filter(locality=locality)
        .annotate(n=Count("actions"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
    )
    return (
        mdts.filter(status=Mdt.Status.ACTIONS).first()
        or mdts.first()
        or _missing("an MDT with actions")
    )


def _missing(what: str) -> NoReturn:
    raise LookupError(f"The generated data has no {what}: generate it with generate_thurrock.")


def searches(practitioner: User, locality: Locality) -> dict[str, str]:
    """The four kinds of search of the issue, as a practitioner of the locality types them."""
    seen = Resident.objects.visible_to(practitioner).filter(neighbourhood__locality=locality)
    sample = list(seen.order_by("pk").values_list("full_name", "postcode")[:5000])
    surnames = Counter(
        name.split()[-1]
        for name in Resident.objects.order_by("pk").values_list("full_name", flat=True)[:50_000]
    )
    commonest = surnames.most_common(1)[0][0]
    rare_name, postcode = next(
        (name, postcode)
        for name, postcode in sample
        if len(parts := name.split()) == 2
        and parts[0].isascii()
        and parts[1].isascii()
        and len(parts[1]) >= 5
        and parts[1][2] != parts[1][3]
        and surnames[parts[1]] <= 3
    )
    first, last = rare_name.split()
    return {
        "a rare full name": rare_name,
        "the commonest surname": commonest.lower(),
        "a misspelt name": f"{first} {last[:2]}{last[3]}{last[2]}{last[4:]}",
        "a partial postcode": postcode.split()[0],
    }


def prepare(subjects: Subjects, *, now: datetime | None = None) -> int:
    """Give the chosen resident TIMELINE_ENTRIES conversations with the practitioner, in the
    year before `now`, written as the generator writes them (in bulk). Returns those added."""
    now = now or timezone.now()
    have = Conversation.objects.filter(resident=subjects.resident).count()
    missing = max(0, TIMELINE_ENTRIES - have)
    Conversation.objects.bulk_create(
        Conversation(
            resident=subjects.resident,
            held_by=subjects.practitioner,
            held_at=now - timedelta(days=365 * n / max(missing, 1), hours=2),
            how_we_met=Conversation.HowWeMet.HOME_VISIT,
            what_matters=f"Talked about the garden and the lunch club (visit {n + 1}).",
        )
        for n in range(missing)
    )
    return missing


def pages(subjects: Subjects) -> list[KeyPage]:
    s = subjects
    day = s.day.isoformat()
    search = reverse("residents:search")
    conversation_form = reverse("introductions:conversation_create", args=[s.other_resident.pk])

    def conversation() -> dict[str, str]:
        return {
            "submission_key": str(uuid.uuid4()),
            "how_we_met": Conversation.HowWeMet.HOME_VISIT,
            "held_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
            "what_matters": "Her garden, and getting to church on Sundays.",
        }

    return [
        KeyPage("practitioner home", "practitioner", reverse("home"), "Hello,"),
        KeyPage("coordinator home", "coordinator", reverse("home"), "Hello,"),
        *(
            KeyPage(
                f"resident search: {kind}",
                "practitioner",
                f"{search}?{urlencode({'q': text})}",
                "Residents matching your search",
            )
            for kind, text in s.searches.items()
        ),
        KeyPage(
            f"resident page ({TIMELINE_ENTRIES}-entry timeline)",
            "practitioner",
            reverse("residents:detail", args=[s.resident.pk]),
            escape(s.resident.full_name),
        ),
        KeyPage(
            "logging a conversation (POST)",
            "practitioner",
            conversation_form,
            reverse("residents:detail", args=[s.other_resident.pk]),
            method="POST",
            form=conversation,
        ),
        KeyPage(
            "drop-in session",
            "practitioner",
            reverse("introductions:drop_in", args=[s.drop_in.pk]),
            escape(s.drop_in.title),
        ),
        KeyPage("MDT board", "coordinator", reverse("mdt:board"), "MDT board:"),
        KeyPage(
            "MDT meeting page",
            "coordinator",
            reverse("mdt:meeting", args=[s.mdt.pk]),
            "Meeting record",
        ),
        KeyPage(
            "a team's day",
            "worker",
            f"{reverse('wellbeing_teams:team_day', args=[s.team_id])}?day={day}",
            "The team's day",
        ),
        KeyPage(
            "a worker's day",
            "worker",
            f"{reverse('wellbeing_teams:my_day')}?day={day}",
            "My visits",
        ),
        KeyPage(
            "locality page",
            "coordinator",
            reverse("localities:detail", args=[s.locality.slug]),
            escape(s.locality.name),
        ),
        KeyPage("locality dashboard", "manager", reverse("reports:dashboard"), "Figures"),
        KeyPage("notifications", "practitioner", reverse("notifications:list"), "Notifications"),
        KeyPage("API list (conversations)", "practitioner", "/api/v1/conversations/", '"results"'),
    ]
