"""How are you feeling: the ONS4 answers, never required, at most once a quarter."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone

from introductions import dates
from introductions.models import QUARTER_DAYS, WELLBEING_FIELDS, Introduction, WellbeingAnswer
from localities.models import Resident
from thurrock_care import submissions
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record

if TYPE_CHECKING:
    from django.http import HttpRequest


def record_wellbeing(
    *,
    resident: Resident,
    by: User,
    answered_on: date | None = None,
    introduction: Introduction | None = None,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
    **scores: int | None,
) -> WellbeingAnswer:
    """The resident's answers (any may be left out, none may be made up), no sooner than a
    quarter after their last ones."""
    unknown = set(scores) - set(WELLBEING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown wellbeing questions: {sorted(unknown)}")
    if all(scores.get(name) is None for name in WELLBEING_FIELDS):
        raise ValidationError("They answered none of the questions: there is nothing to save")
    for name, value in scores.items():
        if value is not None and not 0 <= value <= 10:
            raise ValidationError({name: "Choose a number from 0 to 10"})
    answered_on = answered_on or timezone.localdate()
    dates.check_happened(answered_on, field="answered_on", what="The answers")

    def create() -> WellbeingAnswer:
        Resident.objects.select_for_update().filter(pk=resident.pk).get()
        window = timedelta(days=QUARTER_DAYS)
        recent = WellbeingAnswer.objects.filter(
            resident=resident,
            answered_on__gt=answered_on - window,
            answered_on__lt=answered_on + window,
        ).first()
        if recent is not None:
            raise ValidationError(
                f"They answered on {recent.answered_on:%-d %B %Y}: the questions are offered "
                "no more than once a quarter."
            )
        answer = WellbeingAnswer.objects.create(
            resident=resident,
            answered_on=answered_on,
            introduction=introduction,
            recorded_by=by,
            **scores,
        )
        record(actor=by, action=Action.CHANGED, resident_id=resident.pk, subject=answer,
               request=request, details={"wellbeing": "answered"})  # fmt: skip
        return answer

    payload = {"resident": resident.pk, "answered_on": answered_on, **scores}
    return submissions.once(
        key=submission_key, by=by, model=WellbeingAnswer, payload=payload, create=create
    )
