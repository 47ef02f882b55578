"""Drop-in sessions and community events ("Talking Shop", "Community Tuesday at the
supermarket", "Information Marketplace at the pub"): where and when, who attends, the people
met (quick conversations) and an anonymous headcount of people helped without a record."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from localities.models import CommunityAsset, Locality, Organisation
from thurrock_care import access

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


# What a person edits about a session (the forms, the API and the services use this list).
DROP_IN_FIELDS = ["title", "kind", "locality", "venue", "asset", "starts_at", "ends_at"]
DROP_IN_FIELDS += ["organisations", "description"]


class DropInSessionQuerySet(models.QuerySet["DropInSession"]):
    def run_by(self, user: User) -> DropInSessionQuerySet:
        """Sessions whose page (with the people met there) this user opens: those of the
        localities they work in, for the roles that run drop-ins (access.runs_drop_ins)."""
        if not access.runs_drop_ins(user):
            return self.none()
        return self.filter(locality__in=Locality.objects.worked_in_by(user))

    def upcoming(self, now: datetime) -> DropInSessionQuerySet:
        return self.filter(ends_at__gte=now, cancelled=False).order_by("starts_at", "id")


class DropInSession(models.Model):
    """A drop-in or community event in a locality."""

    class Kind(models.TextChoices):
        DROP_IN = "drop_in", "Drop-in"
        COMMUNITY_EVENT = "community_event", "Community event"

    title = models.CharField(
        max_length=200, help_text="For example: Community Tuesday at Morrisons."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DROP_IN)
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="drop_ins")
    asset = models.ForeignKey(
        CommunityAsset,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drop_ins",
        verbose_name="venue from the community assets (optional)",
    )
    venue = models.CharField(
        max_length=200, blank=True, help_text="Name and address, as on a poster."
    )
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="drop_ins", verbose_name="organisations attending"
    )
    description = models.TextField(
        "what people can come for (optional)", blank=True, help_text="Shown on the poster."
    )
    headcount = models.PositiveIntegerField(
        default=0, help_text="People helped without a record (anonymous)."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    cancelled_reason = models.CharField(
        "why it is cancelled (optional)", max_length=300, blank=True,
        help_text="Shown in the calendar feed. For example: the venue is closed.",
    )  # fmt: skip
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DropInSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="drop_in_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(asset__isnull=False) | ~Q(venue=""), name="drop_in_has_a_venue"
            ),
        ]
        indexes = [models.Index(fields=["locality", "starts_at"], name="drop_in_locality")]

    def __str__(self) -> str:
        return f"{self.title}, {self.starts_at:%d %b %Y}"

    @property
    def place(self) -> str:
        if self.venue:
            return self.venue
        return self.asset.where or self.asset.name if self.asset else ""

    @property
    def is_running(self) -> bool:
        return self.started_at is not None and self.ended_at is None
