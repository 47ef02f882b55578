"""The MDT's entries in the resident's timeline: each MDT requested, its meeting, its close."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse

from mdt.models import Mdt
from thurrock_care import timeline

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def mdts(resident_id: int, user: User) -> list[QuerySet[Any]]:
    rows = Mdt.objects.filter(resident_id=resident_id)
    requested = timeline.rows(
        rows,
        at=F("requested_at"),
        title=Concat(
            Value("MDT requested ("),
            timeline.choice_label("urgency", [("urgent", "urgent"), ("routine", "routine")]),
            Value(")"),
            output_field=TextField(),
        ),
        text=F("concern"),
        actor=timeline.person("requested_by"),
    )
    met = timeline.rows(
        rows.filter(record__isnull=False),
        at=F("confirmed_slot__starts_at"),
        title="MDT met",
        text=F("record__decisions"),
        actor=timeline.person("record__recorded_by"),
    )
    closed = timeline.rows(
        rows.filter(closed_at__isnull=False),
        at=F("closed_at"),
        title="MDT closed",
        text=F("outcome"),
        actor=timeline.person("closed_by"),
    )
    return [requested, met, closed]


def mdt_page(entry: timeline.Entry) -> str:
    return reverse("mdt:detail", args=[entry.object_id])
