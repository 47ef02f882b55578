"""Local Area Coordination's entries in the resident's timeline (registered in
IntroductionsConfig.ready): conversations, introduction changes, drop-in attendance,
connections made and checked, wellbeing answers. One query per provider, shaped by
`timeline.rows`.

A conversation marked sensitive is an entry for everyone who sees the record, but its text
only for the roles that see key safety information (and its author): others read that there
is one, as with key safety information on the record itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim
from django.urls import reverse

from introductions.models import (
    ConnectionMade,
    Conversation,
    DropInSession,
    Introduction,
    WellbeingAnswer,
)
from introductions.models.conversations import readable_by
from thurrock_care import timeline
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Action, Event

SENSITIVE_TEXT = (
    "Marked sensitive: shown only to practitioners, coordinators and Wellbeing Team workers."
)


def _text(*parts: Any) -> Concat:
    return Concat(
        *(Value(part) if isinstance(part, str) else part for part in parts),
        output_field=TextField(),
    )


def _if(condition: Q, *parts: Any) -> Case:
    return Case(When(condition, then=_text(*parts)), default=Value(""), output_field=TextField())


def conversations(resident_id: int, user: User) -> QuerySet[Any]:
    """Each conversation: how they met and what matters (unless sensitive and not for this
    user), and next steps."""
    hidden = ~readable_by(user) if readable_by(user) else Q(pk__in=[])
    text = Case(
        When(hidden, then=Value(SENSITIVE_TEXT)),
        default=_text(F("what_matters"), _if(~Q(next_steps=""), "\nNext steps: ", F("next_steps"))),
        output_field=TextField(),
    )
    return timeline.rows(
        Conversation.objects.filter(resident_id=resident_id),
        at=F("held_at"),
        title=_text(
            "Conversation: ",
            timeline.choice_label("how_we_met", Conversation.HowWeMet.choices),
            _if(Q(drop_in__isnull=False) & ~hidden, " at ", F("drop_in__title")),
        ),
        text=text,
        actor=timeline.person("held_by"),
    )


def conversation_page(entry: timeline.Entry) -> str:
    return reverse("introductions:conversation", args=[entry.object_id])


STATUS_TITLES = [
    ("created", "Introduced to Local Area Coordination"),
    ("changed", "Introduction changed"),
    ("reassigned", "Introduction given to another Local Area Coordinator"),
]


def _holder_name() -> Subquery:
    """The Local Area Coordinator an entry gave the introduction to (`to` when reassigned,
    `holder` when made or changed), by name, from the id the audit entry keeps (annotated
    on the entries as `holder_id`)."""
    named = User.objects.filter(pk=OuterRef("holder_id"))
    name = Coalesce(NullIf(F("full_name"), Value("")), F("email"), output_field=TextField())
    return Subquery(named.values(name=name)[:1], output_field=TextField())


def introduction_changes(resident_id: int, user: User) -> QuerySet[Any]:
    """Introduced (where from), changed (status, holder…), reassigned: from the audit trail,
    which keeps every change (the introduction keeps the latest)."""
    events = Event.objects.filter(
        resident_id=resident_id,
        action=Action.CHANGED,
        object_type=Introduction._meta.label_lower,
    )
    holder_id = Coalesce(KT("details__to"), KT("details__holder"))
    events = events.annotate(holder_id=Cast(holder_id, BigIntegerField()))
    return timeline.rows(
        events,
        at=F("at"),
        title=timeline.choice_label("details__introduction", STATUS_TITLES, default="Introduction"),
        text=Trim(
            _text(
                _if(
                    Q(details__has_key="status"),
                    "Now: ",
                    timeline.choice_label("details__status", Introduction.Status.choices),
                    ". ",
                ),
                _if(
                    Q(details__has_key="to") | Q(details__has_key="holder"),
                    "Held by ",
                    _holder_name(),
                    ". ",
                ),
                _if(~Q(reason=""), "Why: ", F("reason"), "."),
            )
        ),
        actor=F("actor_name"),
        object_id=F("object_id"),
    )


def introduction_page(entry: timeline.Entry) -> str:
    return reverse("introductions:introduction", args=[entry.object_id])


def drop_in_attendance(resident_id: int, user: User) -> QuerySet[Any]:
    """Met at a drop-in or community event (one entry per session)."""
    met = Conversation.objects.filter(
        readable_by(user), drop_in=OuterRef("pk"), resident_id=resident_id
    )
    return timeline.rows(
        DropInSession.objects.filter(Exists(met)),
        at=F("starts_at"),
        title=_text("Came to ", F("title")),
        text=F("venue"),
        actor="",
    )


def connections(resident_id: int, user: User) -> list[QuerySet[Any]]:
    """Connections made to community assets or people, and later whether they held."""
    rows = ConnectionMade.objects.filter(
        readable_by(user, "conversation__"), resident_id=resident_id
    )
    name = Coalesce(F("asset__name"), F("person"), output_field=TextField())
    made = timeline.rows(
        rows,
        at=F("conversation__held_at"),
        title=_text("Connected to ", name),
        text="",
        actor=timeline.person("conversation__held_by"),
    )
    checked = timeline.rows(
        rows.filter(checked_at__isnull=False),
        at=F("checked_at"),
        title=_text(
            "Connection to ",
            name,
            Case(
                When(outcome=ConnectionMade.Outcome.KEPT, then=Value(" kept up")),
                default=Value(" did not hold"),
                output_field=TextField(),
            ),
        ),
        text="",
        actor=timeline.person("checked_in__held_by"),
    )
    return [made, checked]


def wellbeing_answers(resident_id: int, user: User) -> QuerySet[Any]:
    def score(field: str, label: str) -> Any:
        return _if(Q(**{f"{field}__isnull": False}), f"{label} ", Cast(field, TextField()), ". ")

    return timeline.rows(
        WellbeingAnswer.objects.filter(resident_id=resident_id),
        at=F("recorded_at"),
        title="Answered: how are you feeling",
        text=_text(
            score("life_satisfaction", "Life satisfaction"),
            score("worthwhile", "Worthwhile"),
            score("happy_yesterday", "Happy yesterday"),
            score("anxious_yesterday", "Anxious yesterday"),
            "(0 to 10)",
        ),
        actor=timeline.person("recorded_by"),
    )
