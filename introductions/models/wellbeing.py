"""How are you feeling: the four ONS personal wellbeing questions, offered (never required)
at an introduction and again no more than once a quarter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from localities.models import Resident

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User

# The questions, in the ONS's words; each answered 0 (not at all) to 10 (completely).
ONS4_QUESTIONS = {
    "life_satisfaction": "Overall, how satisfied are you with your life nowadays?",
    "worthwhile": "Overall, to what extent do you feel that the things you do in your life "
    "are worthwhile?",
    "happy_yesterday": "Overall, how happy did you feel yesterday?",
    "anxious_yesterday": "On a scale where 0 is not at all anxious and 10 is completely "
    "anxious, overall, how anxious did you feel yesterday?",
}
WELLBEING_FIELDS = list(ONS4_QUESTIONS)
# Offered again no sooner than this many days after the last answers.
QUARTER_DAYS = 91


def _score(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )


class WellbeingAnswerQuerySet(models.QuerySet["WellbeingAnswer"]):
    def visible_to(self, user: User) -> WellbeingAnswerQuerySet:
        return self.filter(resident__in=Resident.objects.visible_to(user))


class WellbeingAnswer(models.Model):
    """A resident's answers to the ONS4 questions on one day; any may be left unanswered."""

    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="wellbeing_answers"
    )
    answered_on = models.DateField(default=timezone.localdate)
    life_satisfaction = _score("life satisfaction")
    worthwhile = _score("things done are worthwhile")
    happy_yesterday = _score("happy yesterday")
    anxious_yesterday = _score("anxious yesterday")
    introduction = models.ForeignKey(
        "introductions.Introduction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wellbeing_answers",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = WellbeingAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["-answered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(life_satisfaction__lte=10)
                & models.Q(worthwhile__lte=10)
                & models.Q(happy_yesterday__lte=10)
                & models.Q(anxious_yesterday__lte=10),
                name="wellbeing_scores_0_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"Wellbeing of {self.resident_id} on {self.answered_on:%d %b %Y}"
