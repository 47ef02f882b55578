"""Introductions: a resident introduced to a Local Area Coordinator by anyone, with no referral
form and no eligibility question, and the relationship that follows, for as long as needed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from localities.models import Resident

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


# What a person edits about an introduction: the forms, the API and the services use this list.
INTRODUCTION_FIELDS = [
    "source",
    "source_other",
    "introduced_by",
    "introduced_on",
    "holder",
    "status",
    "ended_reason",
    "stay_in_touch_by",
]


class IntroductionQuerySet(models.QuerySet["Introduction"]):
    def visible_to(self, user: User) -> IntroductionQuerySet:
        """Introductions of the residents this user may see (the need-to-know gate)."""
        return self.filter(resident__in=Resident.objects.visible_to(user))

    def changeable_by(self, user: User) -> IntroductionQuerySet:
        """Introductions this user may change: those of residents whose record they change
        (core practitioners and coordinators of the locality, administrators), and those
        they hold."""
        changeable = Resident.objects.changeable_by(user)
        return self.visible_to(user).filter(Q(resident__in=changeable) | Q(holder=user))

    def reassignable_by(self, user: User) -> IntroductionQuerySet:
        """Introductions whose holder this user may change in bulk: the coordinators of the
        resident's locality, and administrators."""
        return self.visible_to(user).filter(resident__in=Resident.objects.reviewable_by(user))

    def open(self) -> IntroductionQuerySet:
        return self.exclude(status=Introduction.Status.ENDED)


class Introduction(models.Model):
    """A resident introduced to a Local Area Coordinator (the holder). Nothing closes it by
    itself: it ends when the resident and the LAC agree, with the reason. A resident has one
    open introduction at a time (services/introductions.py; not a database constraint, so that
    merging two records that each have one never fails: a coordinator then ends one)."""

    class Source(models.TextChoices):
        SELF = "self", "Themselves"
        FAMILY_OR_FRIEND = "family_or_friend", "Family or a friend"
        NEIGHBOUR = "neighbour", "A neighbour"
        GP_PRACTICE = "gp_practice", "A GP practice"
        HOUSING = "housing", "Housing"
        POLICE = "police", "The police"
        COMMUNITY_GROUP = "community_group", "A community group"
        DROP_IN = "drop_in", "A drop-in or community event"
        THURROCK_FIRST = "thurrock_first", "Thurrock First"
        SCHOOL = "school", "A school"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        GETTING_TO_KNOW = "getting_to_know", "Getting to know"
        WALKING_ALONGSIDE = "walking_alongside", "Walking alongside"
        STAYING_IN_TOUCH = "staying_in_touch", "Staying in touch"
        ENDED = "ended", "Ended (agreed together)"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="introductions")
    source = models.CharField("who introduced them", max_length=30, choices=Source.choices)
    source_other = models.CharField("other: who", max_length=200, blank=True)
    introduced_by = models.CharField(
        "their name or organisation (optional)", max_length=200, blank=True
    )
    introduced_on = models.DateField("date of the introduction", default=timezone.localdate)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="introductions_held",
        verbose_name="Local Area Coordinator",
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.GETTING_TO_KNOW)
    ended_reason = models.TextField("why it ended", blank=True)
    ended_on = models.DateField(null=True, blank=True)
    stay_in_touch_by = models.DateField("stay in touch by (optional)", null=True, blank=True)
    drop_in = models.ForeignKey(
        "introductions.DropInSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="introductions",
        help_text="The drop-in or community event where they were met, if any.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        ordering = ["-introduced_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ended") | ~Q(ended_reason=""),
                name="introduction_ended_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(source="other") | ~Q(source_other=""),
                name="introduction_other_source_named",
            ),
        ]
        indexes = [
            models.Index(fields=["holder", "status"], name="introduction_holder"),
            # The API's list, newest first, reads a page in order (cursor pagination).
            models.Index(fields=["-introduced_on", "-id"], name="introduction_recent"),
        ]

    def __str__(self) -> str:
        return f"Introduction of {self.resident_id} ({self.get_status_display()})"

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def source_label(self) -> str:
        if self.source == self.Source.OTHER:
            return self.source_other
        return self.get_source_display()


class IntroductionHolder(models.Model):
    """Who held an introduction, from when until when: reassigning keeps the history."""

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="holders")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_from = models.DateTimeField(default=timezone.now)
    held_until = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["held_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["introduction"],
                condition=Q(held_until__isnull=True),
                name="introduction_one_current_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_id} held {self.introduction_id} from {self.held_from:%d %b %Y}"
