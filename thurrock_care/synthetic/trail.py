"""The trails: the audit trail (as audit.services.record writes it) and notifications."""

from __future__ import annotations

import json
from datetime import timedelta

from introductions.notifications import FOLLOW_UP_DUE
from localities.notifications import BREAK_GLASS
from mdt.notifications import ACTION_DUE, ACTION_OVERDUE, AVAILABILITY, MEETING
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Action, Event
from thurrock_care.notifications.models import Notification
from thurrock_care.synthetic.copying import Table
from thurrock_care.synthetic.world import World
from wellbeing_teams.notifications import VISIT_LATE

# What staff do most: open residents' records, search, record things.
AUDIT_MIX = [
    (Action.VIEWED, "localities.resident", 55),
    (Action.OPENED_FROM_SEARCH, "localities.resident", 10),
    (Action.SEARCHED, "", 12),
    (Action.CREATED, "introductions.conversation", 12),
    (Action.CHANGED, "localities.resident", 6),
    (Action.CREATED, "mdt.mdt", 2),
    (Action.CONSENT_RECORDED, "localities.consent", 2),
    (Action.EXPORTED, "", 1),
]
NOTIFICATION_KINDS = [
    (FOLLOW_UP_DUE, "A follow-up is due", "/residents/{r}/", 30),
    (ACTION_DUE, "An MDT action is due", "/mdt/", 20),
    (ACTION_OVERDUE, "An MDT action is overdue", "/mdt/", 10),
    (AVAILABILITY, "When can you come to an MDT?", "/mdt/", 15),
    (MEETING, "An MDT meeting is arranged", "/mdt/", 10),
    (VISIT_LATE, "A visit has not been recorded", "/wellbeing-teams/", 12),
    (BREAK_GLASS, "Someone used break-glass access", "/residents/{r}/", 3),
]


def audit(world: World) -> int:
    rng = world.rng("audit")
    table = Table(
        Event,
        [
            "at",
            "actor_id",
            "actor_name",
            "actor_organisation",
            "action",
            "resident_id",
            "object_type",
            "object_id",
            "reason",
            "ip_address",
            "details",
        ],
        now=world.now,
    )
    actors = [s for s in world.staff if s.role != Role.MANAGER] or world.staff
    actions = [(a.value, t) for a, t, _ in AUDIT_MIX]
    weights = [w for _, _, w in AUDIT_MIX]
    start = world.moment(world.first_day, 0)
    step = (world.now - start) / max(1, world.scale.audit_events)
    residents = world.resident_ids
    empty = json.dumps({})

    def rows():
        picks = rng.choices(range(len(actions)), weights=weights, k=world.scale.audit_events)
        for n, pick in enumerate(picks):
            action, object_type = actions[pick]
            actor = actors[rng.randrange(len(actors))]
            resident = residents[rng.randrange(len(residents))]
            about = object_type == "localities.resident"
            details = json.dumps({"results": rng.randrange(60)}) if action == "searched" else empty
            yield (
                start + step * n, actor.id, actor.full_name, actor.organisation, action,
                resident if object_type else None, object_type,
                resident if about else (rng.randrange(1, 10**6) if object_type else None),
                "", f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                details,
            )  # fmt: skip

    return table.write(rows())


def notifications(world: World) -> int:
    rng = world.rng("notifications")
    table = Table(
        Notification,
        [
            "recipient_id",
            "kind",
            "subject",
            "body",
            "link",
            "dedupe_key",
            "created_at",
            "due_at",
            "read_at",
            "email_due_at",
            "email_sent_at",
        ],
        now=world.now,
    )
    recipients = [s for s in world.staff if s.role != Role.MANAGER] or world.staff
    weights = [w for *_, w in NOTIFICATION_KINDS]
    start = world.moment(world.first_day, 0)
    step = (world.now - start) / max(1, world.scale.notifications)
    residents = world.resident_ids

    def rows():
        for n in range(world.scale.notifications):
            kind, subject, link, _ = rng.choices(NOTIFICATION_KINDS, weights=weights)[0]
            recipient = recipients[rng.randrange(len(recipients))]
            due = start + step * n
            recent = world.now - due < timedelta(days=30)
            read = None if recent and rng.random() < 0.5 else due + timedelta(hours=3)
            emailed = due if rng.random() < 0.6 else None
            yield (
                recipient.id, kind.name, subject, "", link.format(r=rng.choice(residents)),
                f"{kind.name}:generated:{world.seed}:{n}", due, due, read, emailed,
                emailed + timedelta(minutes=1) if emailed else None,
            )  # fmt: skip

    return table.write(rows())
