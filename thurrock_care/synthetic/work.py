"""The work: introductions to Local Area Coordinators and the conversations that follow,
drop-in sessions, MDTs and their actions."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from introductions.holders import HOLDER_ROLES
from introductions.models import Conversation, DropInSession, Introduction, IntroductionHolder
from mdt.models import Mdt, MdtAction
from thurrock_care.synthetic.copying import Table
from thurrock_care.synthetic.world import World

WHAT_MATTERS = [
    "Getting out of the house more and seeing people",
    "Staying in my own home",
    "Walking the dog again after my operation",
    "Being able to look after my grandchildren",
    "Finding work that fits around my health",
    "Feeling less lonely since my wife died",
    "Getting the garden back in order",
    "Sorting out the damp in the flat",
    "Going back to church on Sundays",
    "Learning to use the computer to talk to my family",
    "Managing my money and the bills",
    "Cooking proper meals again",
]
STRENGTHS = ["Knows everyone on the street", "Good with their hands", "Keen gardener",
             "Loves to sing", "Was a nurse for thirty years", "Determined", ""]  # fmt: skip
NEXT_STEPS = ["Go together to the lunch club on Wednesday", "Call back next week",
              "Introduce to the walking group", "Help fill in the blue badge form", ""]  # fmt: skip
ENDED = ["Doing well on their own now", "Moved out of Thurrock", "Agreed together to stop",
         "Now supported by the Wellbeing Team"]  # fmt: skip
VENUES = ["Community hub", "Library", "Church hall", "Health centre", "Family hub"]
CONCERNS = [
    "Falls at home and not eating well; family worried",
    "Carer is exhausted and the person is becoming isolated",
    "Frequent calls to 999 and A&E attendances",
    "Rent arrears and at risk of losing the tenancy",
    "Hoarding putting the person and neighbours at risk",
]
VOICES = ["I want to stay in my home", "I don't want to go into a care home",
          "I want my daughter to be involved", "I just want some help with the stairs"]  # fmt: skip
ACTIONS = ["Arrange an occupational therapy assessment", "Refer to the falls service",
           "Visit with the housing officer", "Set up a carer's assessment",
           "Review medication with the GP", "Introduce to the befriending service"]  # fmt: skip


class Work:
    """Keeps what later tables need: each introduction's resident, holder and window."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.intros: list[tuple[int, int, int, int]] = []  # resident, holder, first, last day
        self.drop_ins: dict[int, list[tuple[int, int]]] = {}  # locality: (day, id)


def drop_ins(world: World, work: Work) -> int:
    rng = world.rng("drop_ins")
    table = Table(
        DropInSession,
        [
            "title",
            "kind",
            "locality_id",
            "venue",
            "starts_at",
            "ends_at",
            "headcount",
            "started_at",
            "ended_at",
            "created_by_id",
        ],
        now=world.now,
    )
    first = table.next_id()
    localities = list(world.localities)
    span = (world.today - world.first_day).days + 60
    rows = []
    for n in range(world.scale.drop_ins):
        locality = rng.choice(localities)
        day = world.first_day + timedelta(days=rng.randrange(span))
        starts = world.moment(day, rng.choice([10, 11, 13, 14, 18]) * 60)
        ends = starts + timedelta(hours=2)
        kind = "community_event" if rng.random() < 0.2 else "drop_in"
        past = ends < world.now
        staff = world.by_role(*HOLDER_ROLES, locality=locality)
        title = f"{rng.choice(VENUES)} {'drop-in' if kind == 'drop_in' else 'coffee morning'}"
        rows.append((
            title, kind, locality, f"{rng.choice(VENUES)}, {rng.randrange(1, 90)} High Street",
            starts, ends, rng.randrange(3, 40) if past else 0,
            starts if past else None, ends if past else None,
            rng.choice(staff).id if staff else world.author_id,
        ))  # fmt: skip
        work.drop_ins.setdefault(locality, []).append((day.toordinal(), first + n))
    return table.write(rows, first_id=first)


def introductions(world: World, work: Work) -> int:
    rng = world.rng("introductions")
    table = Table(
        Introduction,
        [
            "resident_id",
            "source",
            "introduced_on",
            "holder_id",
            "status",
            "ended_reason",
            "ended_on",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
        now=world.now,
    )
    holders = Table(
        IntroductionHolder,
        ["introduction_id", "holder_id", "held_from", "assigned_by_id"],
        now=world.now,
    )
    first = table.next_id()
    sources = [s for s in Introduction.Source.values if s != "other"]
    # One introduction per resident (a resident has one open at a time).
    chosen = rng.sample(world.resident_ids, min(world.scale.introductions, len(world.resident_ids)))
    locality_of = {r: loc for loc, rs in world.residents.items() for r in rs}
    lacs = {loc: world.by_role(*HOLDER_ROLES, locality=loc) for loc in world.localities}
    span = (world.today - world.first_day).days
    rows, holder_rows = [], []
    for n, resident in enumerate(chosen):
        staff = lacs[locality_of[resident]]
        holder = rng.choice(staff).id
        day = world.first_day + timedelta(days=rng.randrange(span))
        age = (world.today - day).days
        if age > 365 and rng.random() < 0.85:
            status = Introduction.Status.ENDED
            last = day + timedelta(days=rng.randrange(60, min(age, 720)))
            reason, ended_on = rng.choice(ENDED), last
        else:
            status = rng.choice(
                [
                    Introduction.Status.GETTING_TO_KNOW,
                    Introduction.Status.WALKING_ALONGSIDE,
                    Introduction.Status.STAYING_IN_TOUCH,
                ]
            )
            last, reason, ended_on = world.today, "", None
        created = world.moment(day, 9 * 60 + rng.randrange(8 * 60))
        rows.append((
            resident, rng.choice(sources), day, holder, status, reason, ended_on, holder,
            created, created,
        ))  # fmt: skip
        holder_rows.append((first + n, holder, created, holder))
        work.intros.append((resident, holder, day.toordinal(), last.toordinal()))
    count = table.write(rows, first_id=first)
    holders.write(holder_rows)
    return count


def conversations(world: World, work: Work) -> int:
    rng = world.rng("conversations")
    table = Table(
        Conversation,
        [
            "resident_id",
            "held_at",
            "how_we_met",
            "what_matters",
            "venue",
            "strengths",
            "next_steps",
            "sensitive",
            "held_by_id",
            "created_at",
        ],
        now=world.now,
    )
    ways = [w for w in Conversation.HowWeMet.values if w != "drop_in"]
    intros = work.intros
    base = world.moment(world.first_day, 0)
    offset = world.first_day.toordinal()

    def rows():
        for _ in range(world.scale.conversations):
            resident, holder, first_day, last_day = intros[rng.randrange(len(intros))]
            day = rng.randint(first_day, last_day)
            held = base + timedelta(days=day - offset, minutes=9 * 60 + rng.randrange(9 * 60))
            yield (
                resident, held, rng.choice(ways), rng.choice(WHAT_MATTERS),
                rng.choice(VENUES) if rng.random() < 0.3 else "", rng.choice(STRENGTHS),
                rng.choice(NEXT_STEPS), rng.random() < 0.03, holder, held,
            )  # fmt: skip

    return table.write(rows())


def mdts(world: World, work: Work) -> tuple[int, int]:
    rng = world.rng("mdts")
    table = Table(
        Mdt,
        [
            "resident_id",
            "locality_id",
            "urgency",
            "concern",
            "residents_voice",
            "consent_given",
            "lawful_basis",
            "status",
            "requested_by_id",
            "requested_at",
            "deadline",
            "calendar_uid",
            "outcome",
            "closed_at",
            "closed_by_id",
            "updated_at",
        ],
        now=world.now,
    )
    first = table.next_id()
    span = (world.today - world.first_day).days
    requesters = {loc: world.by_role(*HOLDER_ROLES, locality=loc) for loc in world.localities}
    localities = list(world.residents)
    rows = []
    with_actions: list[tuple[int, int, datetime, int]] = []  # mdt, locality, when, by
    for n in range(world.scale.mdts):
        locality = rng.choice(localities)
        resident = rng.choice(world.residents[locality])
        requester = rng.choice(requesters[locality]).id
        requested = world.moment(
            world.first_day + timedelta(days=rng.randrange(span)), 9 * 60 + rng.randrange(480)
        )
        urgent = rng.random() < 0.2
        deadline = requested + timedelta(days=2 if urgent else 14)
        consent = rng.random() < 0.9
        age = (world.now - requested).days
        if age > 60:
            status, outcome = Mdt.Status.CLOSED, "Agreed a plan with the resident; actions done"
            closed, closed_by = requested + timedelta(days=rng.randrange(20, 60)), requester
        else:
            status = Mdt.Status.ACTIONS if age > 14 else Mdt.Status.REQUESTED
            outcome, closed, closed_by = "", None, None
        rows.append((
            resident, locality, "urgent" if urgent else "routine", rng.choice(CONCERNS),
            rng.choice(VOICES), consent, "" if consent else "safeguarding", status, requester,
            requested, deadline, uuid.UUID(int=rng.getrandbits(128), version=4), outcome,
            closed, closed_by, closed or requested,
        ))  # fmt: skip
        if status != Mdt.Status.REQUESTED:
            with_actions.append((first + n, locality, requested, requester))
    count = table.write(rows, first_id=first)
    return count, actions(world, with_actions)


def actions(world: World, mdts_: list[tuple[int, int, datetime, int]]) -> int:
    if not mdts_:
        return 0
    rng = world.rng("mdt_actions")
    table = Table(
        MdtAction,
        [
            "mdt_id",
            "what",
            "owner_organisation_id",
            "due_on",
            "status",
            "note",
            "created_by_id",
            "created_at",
            "completed_at",
            "updated_at",
        ],
        now=world.now,
    )

    def rows():
        for _ in range(world.scale.actions):
            mdt, locality, requested, requester = mdts_[rng.randrange(len(mdts_))]
            created = requested + timedelta(days=rng.randrange(3, 14))
            due = (created + timedelta(days=rng.randrange(7, 42))).date()
            status = rng.choices(["done", "open", "cannot"], weights=[80, 15, 5])[0]
            if (world.now - created).days > 60 and status == "open":
                status = "done"
            note = "The resident did not want it" if status == "cannot" else ""
            done_at = created + timedelta(days=rng.randrange(1, 30)) if status == "done" else None
            yield (
                mdt, rng.choice(ACTIONS), rng.choice(world.org_localities[locality]), due,
                status, note, requester, created, done_at, done_at or created,
            )  # fmt: skip

    return table.write(rows())
