"""Conversations, the everyday record; the connections they make to community assets and to
people (and whether those held); and stay-in-touch follow-ups."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from localities.models import CommunityAsset, Organisation, Resident
from thurrock_care import access

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


# The optional fields of a conversation (the forms, the API and the services use this list).
# The required ones are the resident, when, how we met and what matters: four.
CONVERSATION_FIELDS = [
    "held_at",
    "how_we_met",
    "what_matters",
    "asset",
    "venue",
    "organisations",
    "strengths",
    "next_steps",
    "stay_in_touch_by",
    "sensitive",
]


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def visible_to(self, user: User) -> ConversationQuerySet:
        """Conversations with residents this user may see; one marked sensitive only for the
        roles that see key safety information (and its author)."""
        return self.filter(resident__in=Resident.objects.visible_to(user)).filter(readable_by(user))


def readable_by(user: User, conversation: str = "") -> Q:
    """Of the conversations with a resident this user sees, those whose content they may read:
    one marked sensitive only for the roles that see key safety information, and its author.
    `conversation`: the path to it from another model ("conversation__")."""
    if access.can_see_sensitive(user):
        return Q()
    return Q(**{f"{conversation}sensitive": False}) | Q(**{f"{conversation}held_by": user})


class Conversation(models.Model):
    """A conversation with a resident: where and how we met, what matters to them."""

    class HowWeMet(models.TextChoices):
        HOME_VISIT = "home_visit", "Home visit"
        PHONE = "phone", "Phone"
        DROP_IN = "drop_in", "Drop-in"
        COMMUNITY_EVENT = "community_event", "Community event"
        OUT_AND_ABOUT = "out_and_about", "Out and about"
        VIDEO = "video", "Video call"
        OTHER = "other", "Other"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="conversations")
    held_at = models.DateTimeField("when", default=timezone.now)
    how_we_met = models.CharField(max_length=30, choices=HowWeMet.choices)
    what_matters = models.TextField("what matters to them")
    asset = models.ForeignKey(
        CommunityAsset,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name="where: a community asset",
    )
    venue = models.CharField("where: another place", max_length=200, blank=True)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="conversations", verbose_name="who else was there"
    )
    strengths = models.TextField("strengths noticed", blank=True)
    next_steps = models.TextField(blank=True)
    stay_in_touch_by = models.DateField(null=True, blank=True)
    sensitive = models.BooleanField(
        default=False,
        help_text="Safeguarding detail: shown only to practitioners, coordinators and "
        "Wellbeing Team workers.",
    )
    drop_in = models.ForeignKey(
        "introductions.DropInSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
    )
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conversations_held"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-held_at", "-id"]
        indexes = [
            models.Index(fields=["resident", "-held_at"], name="conversation_resident"),
            # Lists of conversations newest first (the API's list) read a page in order.
            models.Index(fields=["-held_at", "-id"], name="conversation_recent"),
        ]

    def __str__(self) -> str:
        return f"Conversation with {self.resident_id}, {self.held_at:%d %b %Y}"


class ConnectionMadeQuerySet(models.QuerySet["ConnectionMade"]):
    def visible_to(self, user: User) -> ConnectionMadeQuerySet:
        """Connections with residents this user sees, made in a conversation they may read (a
        sensitive conversation's connections are as sensitive as the conversation)."""
        return self.filter(resident__in=Resident.objects.visible_to(user)).filter(
            readable_by(user, "conversation__")
        )


class ConnectionMade(models.Model):
    """A conversation connected the resident to a community asset or to a person; a later
    conversation records whether the connection held."""

    class Outcome(models.TextChoices):
        MADE = "made", "Made"
        KEPT = "kept", "Kept"
        NOT_KEPT = "not_kept", "Did not hold"

    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="connections_made"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="connections_made"
    )
    asset = models.ForeignKey(
        CommunityAsset,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="connections_made",
    )
    person = models.CharField(
        max_length=200, blank=True, help_text="A person or group not in the directory."
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.MADE)
    checked_in = models.ForeignKey(
        Conversation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="connections_checked",
        help_text="The later conversation that recorded whether it held.",
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    objects = ConnectionMadeQuerySet.as_manager()

    class Meta:
        ordering = ["conversation__held_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(asset__isnull=False) | ~Q(person=""),
                name="connection_made_to_something",
            ),
        ]

    def __str__(self) -> str:
        return f"Connection of {self.resident_id} to {self.asset_id or self.person}"

    @property
    def name(self) -> str:
        return self.asset.name if self.asset_id and self.asset else self.person


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> FollowUpQuerySet:
        return self.filter(done_at__isnull=True)

    def due(self, on: date) -> FollowUpQuerySet:
        """Open, and due on that day or earlier (overdue)."""
        return self.open().filter(due_on__lte=on)


class FollowUp(models.Model):
    """Stay in touch: a date set on an introduction or a conversation, for its owner. A later
    conversation with the resident does it."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="follow_ups")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups"
    )
    due_on = models.DateField()
    introduction = models.ForeignKey(
        "introductions.Introduction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        Conversation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups_done",
        help_text="The conversation that did it (empty if it was withdrawn).",
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["owner", "due_on"],
                condition=Q(done_at__isnull=True),
                name="follow_up_open_by_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow up {self.resident_id} by {self.due_on:%d %b %Y}"

    @property
    def reminder_key(self) -> str:
        """One reminder per follow-up and date (thurrock_care.notifications de-duplication)."""
        return f"follow_up:{self.pk}:{self.due_on.isoformat()}"
