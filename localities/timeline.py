"""localities' entries in the resident's timeline (registered in LocalitiesConfig.ready):
story changes, consent decisions, people and places, status changes, merges and break-glass
access. Each is a query over the table that keeps it, shaped by `timeline.rows`.

Merges and break-glass access are shown only to those who review the record's access trail
and merge its duplicates (its locality's coordinators, and administrators), as the "Who
looked at this record" page is: the other record of a merge, and who broke the glass and why,
are not everyone's to know. Everything else is on the page already for everyone who sees it.
Key safety information is never in an entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Concat, Greatest, Length, LPad
from django.urls import reverse

from localities.models import (
    BreakGlassGrant,
    Connection,
    Consent,
    Merge,
    Organisation,
    Resident,
    StoryEntry,
    StorySection,
)
from thurrock_care import timeline
from thurrock_care.audit.models import Action, Event

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def _text(*parts: Combinable | str) -> Concat:
    """Text made of strings and columns, in SQL."""
    return Concat(
        *(Value(part) if isinstance(part, str) else part for part in parts),
        output_field=TextField(),
    )


def _if(condition: Q, *parts: Combinable | str) -> Case:
    """The parts, when the condition holds; else nothing."""
    return Case(When(condition, then=_text(*parts)), default=Value(""), output_field=TextField())


def _reference(field: str) -> Concat:
    """A record's number as pages write it (Resident.reference): TC000123."""
    digits = Cast(field, TextField())
    return _text("TC", LPad(digits, Greatest(Value(6), Length(digits)), Value("0")))


def story_changes(resident_id: int, user: User) -> QuerySet[Any]:
    """Each version of a section of their story: "About me written" (the first version) or
    "About me updated", with the text."""
    earlier = StoryEntry.objects.filter(
        resident_id=OuterRef("resident_id"),
        section=OuterRef("section"),
        written_at__lt=OuterRef("written_at"),
    )
    return timeline.rows(
        StoryEntry.objects.filter(resident_id=resident_id).annotate(updated=Exists(earlier)),
        at=F("written_at"),
        title=_text(
            timeline.choice_label("section", StorySection.choices),
            Case(When(updated=True, then=Value(" updated")), default=Value(" written")),
        ),
        text=F("text"),
        actor=timeline.person("written_by"),
    )


DECISION_TITLES = [
    (Consent.Decision.GIVEN, "Consent to share given"),
    (Consent.Decision.DECLINED, "Consent to share declined"),
    (Consent.Decision.NOT_ASKED, "Consent to share not yet asked"),
]


def consent_decisions(resident_id: int, user: User) -> QuerySet[Any]:
    """Each decision recorded: given, declined or not yet asked; when; whom it covers; until
    when."""
    names = Organisation.objects.filter(consents=OuterRef("pk")).order_by("name").values("name")
    covers = Func(ArraySubquery(names), Value(", "), function="array_to_string")
    decisions = Consent.objects.filter(resident_id=resident_id).annotate(
        covers=ExpressionWrapper(covers, output_field=TextField())
    )
    return timeline.rows(
        decisions,
        at=F("recorded_at"),
        title=timeline.choice_label("decision", DECISION_TITLES),
        text=_text(
            "Decided ",
            timeline.day("decided_on"),
            _if(~Q(covers=""), ". Covers ", F("covers")),
            _if(Q(expires_on__isnull=False), ". Expires ", timeline.day("expires_on")),
            ".",
        ),
        actor=timeline.person("recorded_by"),
    )


def connections(resident_id: int, user: User) -> list[QuerySet[Any]]:
    """People and places: an entry when one is added, another when it is removed."""
    rows = Connection.objects.filter(resident_id=resident_id)
    what = _text(
        timeline.choice_label("kind", Connection.Kind.choices),
        _if(~Q(details=""), ": ", F("details")),
    )
    added = timeline.rows(
        rows,
        at=F("added_at"),
        title=_text("Added to people and places: ", F("name")),
        text=what,
        actor=timeline.person("added_by"),
    )
    # The row keeps when it was removed; who removed it, the audit trail.
    remover = Event.objects.filter(
        object_type=Connection._meta.label_lower,
        object_id=OuterRef("pk"),
        details__connection="removed",
    ).order_by("at")
    removed = timeline.rows(
        rows.filter(removed_at__isnull=False),
        at=F("removed_at"),
        title=_text("Removed from people and places: ", F("name")),
        text=what,
        actor=Subquery(remover.values("actor_name")[:1]),
    )
    return [added, removed]


STATUS_TITLES = [
    (Resident.Status.MOVED_AWAY, "Marked as moved away"),
    (Resident.Status.DIED, "Marked as died"),
    (Resident.Status.ACTIVE, "Marked as active again"),
]


def status_changes(resident_id: int, user: User) -> QuerySet[Any]:
    """Moved away, died, active again: from the audit trail, the only place that keeps every
    change of status (the record keeps the latest)."""
    events = Event.objects.filter(resident_id=resident_id, action=Action.STATUS_CHANGED)
    events = events.annotate(
        new_status=KeyTextTransform("status", "details"),
        status_on=Cast(KeyTextTransform("on", "details"), DateField()),
    )
    return timeline.rows(
        events,
        at=F("at"),
        title=timeline.choice_label("new_status", STATUS_TITLES, default="Status changed"),
        text=_if(Q(status_on__isnull=False), "On ", timeline.day("status_on"), "."),
        actor=F("actor_name"),
    )


def _reviews_this_record(resident_id: int, user: User) -> Exists:
    """The user reviews this resident's access trail and merges (in SQL, no query of its own)."""
    return Exists(Resident.objects.reviewable_by(user).filter(pk=resident_id))


def merges(resident_id: int, user: User) -> list[QuerySet[Any]]:
    """Records merged into this one, this record merged into another, and merges reversed."""
    involved = Merge.objects.filter(Q(survivor_id=resident_id) | Q(duplicate_id=resident_id))
    involved = involved.filter(_reviews_this_record(resident_id, user))
    merged = timeline.rows(
        involved,
        at=F("merged_at"),
        title=Case(
            When(
                survivor_id=resident_id,
                then=_text("Record ", _reference("duplicate_id"), " merged into this one"),
            ),
            default=_text("This record merged into ", _reference("survivor_id")),
            output_field=TextField(),
        ),
        text="Everything attached to the duplicate moved to the record kept.",
        actor=timeline.person("merged_by"),
    )
    reversed_ = timeline.rows(
        involved.filter(reversed_at__isnull=False),
        at=F("reversed_at"),
        title=Case(
            When(
                survivor_id=resident_id,
                then=_text("Merge of record ", _reference("duplicate_id"), " reversed"),
            ),
            default=_text("Merge into ", _reference("survivor_id"), " reversed"),
            output_field=TextField(),
        ),
        text="What came from the duplicate went back to it.",
        actor=timeline.person("reversed_by"),
    )
    return [merged, reversed_]


def break_glass(resident_id: int, user: User) -> QuerySet[Any]:
    """Who opened the record with break-glass access, why, and whether that was reviewed."""
    grants = BreakGlassGrant.objects.reviewable_by(user).filter(resident_id=resident_id)
    return timeline.rows(
        grants,
        at=F("granted_at"),
        title="Opened with break-glass access",
        text=_text(
            "Reason: ",
            F("reason"),
            Case(
                When(reviewed_at__isnull=True, then=Value("\nNot reviewed yet.")),
                default=_text("\nReviewed by ", timeline.person("reviewed_by"), "."),
                output_field=TextField(),
            ),
        ),
        actor=_text(
            timeline.person("user"),
            _if(Q(user__organisation__isnull=False), ", ", F("user__organisation__name")),
        ),
    )


def break_glass_review(entry: timeline.Entry) -> str:
    """Break-glass entries link to the page where they are reviewed."""
    return reverse("residents:break_glass_review")
