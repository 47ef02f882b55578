from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from thurrock_care import access
from thurrock_care.accounts.models import Role

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


class LocalityQuerySet(models.QuerySet["Locality"]):
    def coordinated_by(self, user: User) -> LocalityQuerySet:
        """Localities whose ILT this user runs: a coordinator's own; every one for admins."""
        if user.role == Role.ADMINISTRATOR:
            return self.all()
        if user.role == Role.COORDINATOR:
            return self.filter(staff=user)
        return self.none()

    def learning_run_by(self, user: User) -> LocalityQuerySet:
        """Localities where this user may write learning cycles."""
        if user.role == Role.ADMINISTRATOR:
            return self.all()
        if user.role in (Role.COORDINATOR, Role.PRACTITIONER):
            return self.filter(staff=user)
        return self.none()


class Locality(models.Model):
    """One of Thurrock's four Primary Care Network localities; each has its own ILT."""

    name = models.CharField(max_length=100, unique=True)
    short_name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(unique=True)

    objects = LocalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"

    def __str__(self) -> str:
        return self.name

    def is_coordinated_by(self, user: User) -> bool:
        return Locality.objects.coordinated_by(user).filter(pk=self.pk).exists()


class Neighbourhood(models.Model):
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="neighbourhoods")
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A council service, NHS body, partner agency or community group working in an ILT."""

    class Kind(models.TextChoices):
        ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
        CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
        COMMUNITY_HEALTH = "community_health", "Community health"
        ACUTE_HEALTH = "acute_health", "Acute health"
        MENTAL_HEALTH = "mental_health", "Mental health"
        GP_PRACTICE = "gp_practice", "GP practice"
        COMMUNITY_POLICING = "community_policing", "Community policing"
        FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue"
        HOUSING = "housing", "Housing"
        SAFEGUARDING = "safeguarding", "Safeguarding"
        COMMISSIONING = "commissioning", "Commissioning"
        VOLUNTARY_GROUP = "voluntary_group", "Voluntary and community group"
        CARE_PROVIDER = "care_provider", "Care provider"
        MICRO_ENTERPRISE = "micro_enterprise", "Micro-enterprise"
        THURROCK_FIRST = "thurrock_first", "Thurrock First"

    # The council, the NHS and Thurrock First: their practitioners work across a locality.
    CORE_KINDS = frozenset(
        {
            Kind.ADULT_SOCIAL_CARE,
            Kind.CHILDRENS_SOCIAL_CARE,
            Kind.COMMUNITY_HEALTH,
            Kind.ACUTE_HEALTH,
            Kind.MENTAL_HEALTH,
            Kind.SAFEGUARDING,
            Kind.COMMISSIONING,
            Kind.THURROCK_FIRST,
        }
    )

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    description = models.TextField(blank=True, help_text="What the organisation offers.")
    website = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    localities: models.ManyToManyField[Locality, Membership] = models.ManyToManyField(
        Locality, through="Membership", related_name="organisations", blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_core(self) -> bool:
        return self.kind in self.CORE_KINDS


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
        help_text="The existing organisation this request is from, when it is already known.",
    )
    submission_key = models.UUIDField(
        default=uuid.uuid4, unique=True, help_text="Makes a double submission create one request."
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
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearningCycleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.question


# Who adds and updates community assets; managers only read.
ASSET_EDITOR_ROLES = frozenset(
    {Role.PRACTITIONER, Role.COORDINATOR, Role.WELLBEING_WORKER, Role.PARTNER, Role.ADMINISTRATOR}
)


class CommunityAssetQuerySet(models.QuerySet["CommunityAsset"]):
    def editable_by(self, user: User) -> CommunityAssetQuerySet:
        return self.all() if user.role in ASSET_EDITOR_ROLES else self.none()


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


# --- Residents -------------------------------------------------------------------------------


class ResidentQuerySet(models.QuerySet["Resident"]):
    def visible_to(self, user: User) -> ResidentQuerySet:
        """The need-to-know gate (thurrock_care/access.py): the residents this user may see."""
        return self.filter(access.resident_filter(user)).exclude(status=Resident.Status.MERGED)

    def working(self) -> ResidentQuerySet:
        """Residents still in working lists: not moved away, died or merged."""
        return self.filter(status=Resident.Status.ACTIVE)


class Resident(models.Model):
    """One record per person. Never deleted: moved away, died or merged keep the history."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        MOVED_AWAY = "moved_away", "Moved away"
        DIED = "died", "Died"
        MERGED = "merged", "Merged into another record"

    preferred_name = models.CharField(max_length=100, blank=True)
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_is_approximate = models.BooleanField(default=False)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True, help_text="Normalised: 'RM18 7AB'.")
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="residents"
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    las_person_id = models.CharField("Liquidlogic (LAS) person ID", max_length=40, blank=True)
    communication_needs = models.TextField(blank=True)
    key_safety_information = models.TextField(blank=True)  # sensitive: access.SENSITIVE_ROLES
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_changed_on = models.DateField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records"
    )
    # Lower-case name without accents or punctuation, kept by services for trigram search.
    search_name = models.CharField(max_length=320, editable=False)
    # The form's one-off key, so a double submit creates one record.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [
            GinIndex(
                OpClass(F("search_name"), name="gin_trgm_ops"), name="resident_search_name_trgm"
            ),
            models.Index(fields=["postcode"], name="resident_postcode"),
            models.Index(fields=["date_of_birth"], name="resident_date_of_birth"),
            models.Index(fields=["nhs_number"], name="resident_nhs_number"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name not in self.full_name:
            return f"{self.full_name} ({self.preferred_name})"
        return self.full_name

    @property
    def reference(self) -> str:
        return f"TC{self.pk:06d}"

    @property
    def locality(self) -> Locality:
        return self.neighbourhood.locality

    @property
    def age(self) -> int | None:
        if self.date_of_birth is None:
            return None
        today = timezone.localdate()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def partial_postcode(self) -> str:
        """Enough of the postcode to tell two people apart without giving the address."""
        outward, _, inward = self.postcode.partition(" ")
        return f"{outward} {inward[:1]}" if inward else outward


class StorySection(models.TextChoices):
    ABOUT_ME = "about_me", "About me"
    WHAT_MATTERS = "what_matters", "What matters to me"
    STRENGTHS = "strengths", "My strengths"


class StoryEntry(models.Model):
    """One version of one section of the resident's story, in their own words. The newest
    version of each section is the current one; earlier ones are its history."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="story")
    section = models.CharField(max_length=20, choices=StorySection.choices)
    text = models.TextField()
    written_at = models.DateTimeField(auto_now_add=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["section", "-written_at", "-id"]
        verbose_name_plural = "story entries"

    def __str__(self) -> str:
        return f"{self.get_section_display()} ({self.written_at:%d %b %Y})"


class Connection(models.Model):
    """An entry in "My people and places": a person, group, pet or place in the resident's
    life. Removing one keeps it, marked removed, as history."""

    class Kind(models.TextChoices):
        FAMILY = "family", "Family"
        FRIEND = "friend", "Friend"
        NEIGHBOUR = "neighbour", "Neighbour"
        GROUP = "group", "Group or club"
        PET = "pet", "Pet"
        PLACE = "place", "Place they go"
        PROFESSIONAL = "professional", "Professional"
        OTHER = "other", "Other"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="connections")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    details = models.CharField(
        max_length=500, blank=True, help_text="For example: daughter, visits on Sundays."
    )
    contact = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Consent(models.Model):
    """A record of the resident's decision about sharing their story with ILT partners. The
    newest record is the current one."""

    class Decision(models.TextChoices):
        GIVEN = "given", "Given"
        DECLINED = "declined", "Declined"
        NOT_ASKED = "not_asked", "Not yet asked"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="consents")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    decided_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="consents", help_text="Who it covers."
    )
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(is_current=True),
                name="consent_one_current_per_resident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.decided_on:%d %b %Y}"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def status_label(self) -> str:
        if self.decision == self.Decision.GIVEN and self.is_expired:
            return "Expired"
        return self.get_decision_display()


class BreakGlassGrant(models.Model):
    """Time-limited access to one resident for a user who states why they need it."""

    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.resident_id} until {self.expires_at:%d %b %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class Merge(models.Model):
    """A duplicate record merged into the surviving one: what moved, so it can be reversed."""

    survivor = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    duplicate = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # {"<app_label.model>": {"<field>": [ids moved]}} and the survivor's fields filled in.
    moved = models.JSONField(default=dict)
    filled_fields = models.JSONField(default=dict)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.duplicate_id} merged into {self.survivor_id}"
