"""The Integrated Locality Team: membership and requests to join, monthly meetings and their
actions, learning cycles, and the community assets directory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from localities.models.places import Locality, Neighbourhood, Organisation
from thurrock_care import access

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


class Membership(models.Model):
    """An organisation's membership of one locality's ILT."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    joined_on = models.DateField()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "organisation"], name="membership_unique_per_locality"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.locality}"


class JoinRequestQuerySet(models.QuerySet["JoinRequest"]):
    def visible_to(self, user: User) -> JoinRequestQuerySet:
        """Only the coordinators of the locality (and administrators) see its requests."""
        return self.filter(locality__in=Locality.objects.coordinated_by(user))

    def pending(self) -> JoinRequestQuerySet:
        return self.filter(status=JoinRequest.Status.PENDING)


class JoinRequest(models.Model):
    """An organisation asking to join a locality's ILT: anyone may ask, a coordinator decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="join_requests")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="join_requests",
        help_text="The organisation the coordinator decided this request is from (on approval).",
    )
    organisation_name = models.CharField(max_length=200)
    kind = models.CharField(
        "type of organisation", max_length=40, choices=Organisation.Kind.choices
    )
    offer = models.TextField("what your organisation offers")
    contact_name = models.CharField(max_length=150)
    contact_email = models.EmailField("contact e-mail address")
    contact_phone = models.CharField("contact phone number", max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation_name} asks to join {self.locality}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def editable_by(self, user: User) -> MeetingQuerySet:
        return self.filter(locality__in=Locality.objects.coordinated_by(user))


class Meeting(models.Model):
    """A monthly meeting of one locality's ILT. Everyone signed in reads; coordinators write."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("date and time")
    place = models.CharField(max_length=200, blank=True, help_text="Where the meeting is held.")
    online_link = models.URLField(
        "online meeting link", max_length=500, blank=True, help_text="For example, a Teams link."
    )
    attending = models.ManyToManyField(
        Organisation, blank=True, related_name="meetings_attended", verbose_name="attending"
    )
    apologies = models.ManyToManyField(
        Organisation, blank=True, related_name="meeting_apologies", verbose_name="apologies"
    )
    notes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.locality.short_name} ILT meeting, {self.starts_at:%d %B %Y}"


class ActionItem(models.Model):
    """Something a meeting agreed to do; open items are carried over to the next meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    text = models.TextField("action")
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name="owner organisation",
    )
    done = models.BooleanField(default=False)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
        help_text="The item of an earlier meeting that this one carries over.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class LearningCycleQuerySet(models.QuerySet["LearningCycle"]):
    def editable_by(self, user: User) -> LearningCycleQuerySet:
        return self.filter(locality__in=Locality.objects.learning_run_by(user))


class LearningCycle(models.Model):
    """Human Learning Systems: a question, what we tried, what we learned, what we do next."""

    class Status(models.TextChoices):
        EXPLORING = "exploring", "Exploring"
        TRYING = "trying", "Trying something"
        LEARNED = "learned", "Learned"
        STOPPED = "stopped", "Stopped"

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="learning_cycles")
    question = models.CharField("question or idea", max_length=300)
    tried = models.TextField("what we tried", blank=True)
    learned = models.TextField("what we learned", blank=True)
    next_steps = models.TextField("what we will do next", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.EXPLORING)
    concluded_on = models.DateField(
        null=True, blank=True, help_text="When it was learned from or stopped (for the digest)."
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearningCycleQuerySet.as_manager()

    CONCLUDED = frozenset({Status.LEARNED, Status.STOPPED})

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.question


# What a person edits about a community asset: the form, the API and the services use this list.
ASSET_FIELDS = ["name", "kind", "neighbourhood", "offer", "when", "where", "contact", "cost"]
ASSET_FIELDS += ["accessibility"]


class CommunityAssetQuerySet(models.QuerySet["CommunityAsset"]):
    def editable_by(self, user: User) -> CommunityAssetQuerySet:
        return self.all() if access.edits_assets(user) else self.none()


class CommunityAsset(models.Model):
    """Something in a neighbourhood that helps: a group, a lunch club, a drop-in venue…"""

    class Kind(models.TextChoices):
        GROUP = "group", "Group"
        MICRO_ENTERPRISE = "micro_enterprise", "Micro-enterprise"
        LUNCH_CLUB = "lunch_club", "Lunch club"
        DROP_IN_VENUE = "drop_in_venue", "Drop-in venue"
        SERVICE = "service", "Service"
        OTHER = "other", "Other"

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="assets"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    offer = models.TextField("what it offers")
    when = models.CharField(
        max_length=200, blank=True, help_text="For example, Wednesdays 12pm to 2pm."
    )
    where = models.CharField(max_length=200, blank=True, help_text="Venue and address.")
    contact = models.CharField(max_length=200, blank=True, help_text="Name, phone or e-mail.")
    cost = models.CharField(max_length=100, blank=True, help_text="For example, free, or £3.")
    accessibility = models.TextField(
        blank=True, help_text="Step-free access, hearing loop, parking, toilets…"
    )
    active = models.BooleanField(
        "still running", default=True, help_text="Untick if it has stopped; it stays on record."
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommunityAssetQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
