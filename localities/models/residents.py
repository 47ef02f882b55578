"""Residents: one record per person, their story in their own words, people and places,
consent, break-glass access, merges and possible duplicates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Func
from django.utils import timezone

from localities.models.places import Locality, Neighbourhood, Organisation
from thurrock_care import access

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


# What a person edits about a resident: the form, the API and the services use this list.
RESIDENT_DETAIL_FIELDS = [
    "full_name",
    "preferred_name",
    "date_of_birth",
    "date_of_birth_is_approximate",
    "address",
    "postcode",
    "neighbourhood",
    "phone",
    "email",
    "nhs_number",
    "las_person_id",
    "communication_needs",
    "key_safety_information",
]
# Of those, what a merge copies to the kept record where it has none.
FILLABLE_FIELDS = [
    name
    for name in RESIDENT_DETAIL_FIELDS
    if name not in ("full_name", "neighbourhood", "date_of_birth_is_approximate")
]


class CompactName(Func):
    """A search name without its spaces ("ann marie" → "annmarie"): what "annmarie" and
    "mc donald" are found by. Indexed (trigrams), so the SQL is fixed, with no parameters."""

    template = "REPLACE(%(expressions)s, ' ', '')"
    output_field = models.TextField()


class NameWords(Func):
    """The words of a search name, as an array ("harry keldon" → {harry,keldon}). Was indexed
    (migration 0007); ResidentWord holds them now."""

    template = "STRING_TO_ARRAY(%(expressions)s, ' ')"
    output_field = ArrayField(models.TextField())


class PostcodeDistrict(Func):
    """The outward code of a normalised postcode ("RM18 7AB" → "RM18"). Indexed."""

    template = "SPLIT_PART(%(expressions)s, ' ', 1)"
    output_field = models.TextField()


class ResidentQuerySet(models.QuerySet["Resident"]):
    def visible_to(self, user: User) -> ResidentQuerySet:
        """The need-to-know gate (thurrock_care/access.py): the residents this user may see."""
        return self.filter(access.resident_filter(user)).exclude(status=Resident.Status.MERGED)

    def changeable_by(self, user: User) -> ResidentQuerySet:
        """Residents whose details, story, people and places, consent and status this user
        may change: always a subset of those they see, by the rules' construction (each
        role's change filter is part of its resident_filter), so the gate itself is not
        compiled in again (tests/residents/test_access_pairs.py holds them to it)."""
        return self.filter(access.resident_change_filter(user)).exclude(
            status=Resident.Status.MERGED
        )

    def reviewable_by(self, user: User) -> ResidentQuerySet:
        """Residents whose access trail this user reviews and whose duplicates they merge
        (a subset of those they see, as for changeable_by)."""
        return self.filter(access.resident_review_filter(user)).exclude(
            status=Resident.Status.MERGED
        )

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
            # Trigram indexes written as each resident is saved (no pending list that every
            # search would read until the next vacuum): searches stay as fast between vacuums.
            GinIndex(
                OpClass(F("search_name"), name="gin_trgm_ops"),
                name="resident_search_name_trgm",
                fastupdate=False,
            ),
            # Every kind of search is index-backed (docs/performance.md): a name's words by
            # trigrams (word similarity, typos), its space-free form, a postcode district
            # listed in name order, a full postcode, a date of birth, an NHS number.
            GinIndex(
                OpClass(CompactName("search_name"), name="gin_trgm_ops"),
                name="resident_compact_name_trgm",
                fastupdate=False,
            ),
            models.Index(
                PostcodeDistrict("postcode"), F("full_name"), F("id"), name="resident_district_name"
            ),
            models.Index(fields=["postcode"], name="resident_postcode"),
            models.Index(fields=["date_of_birth"], name="resident_date_of_birth"),
            models.Index(fields=["nhs_number"], name="resident_nhs_number"),
            # Lists of residents in name order (the API's list) read a page in order.
            models.Index(fields=["full_name", "id"], name="resident_name_order"),
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


class ResidentWord(models.Model):
    """Each word of a resident's search name, beside the name residents are listed by: the
    people with exactly one word in their name ("smith") are read from its index a page at a
    time in name order, not all gathered and sorted (docs/performance.md). Written by a
    trigger on the residents' table (migration 0010) whenever a search name or full name is
    written, whatever writes it; never by the application."""

    word = models.TextField()
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="words")
    full_name = models.CharField(max_length=200)  # the resident's, as ordered by

    class Meta:
        indexes = [
            models.Index(fields=["word", "full_name", "resident"], name="resident_word_order")
        ]
        constraints = [
            models.UniqueConstraint(fields=["resident", "word"], name="resident_word_once")
        ]

    def __str__(self) -> str:
        return self.word


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


class BreakGlassGrantQuerySet(models.QuerySet["BreakGlassGrant"]):
    def reviewable_by(self, user: User) -> BreakGlassGrantQuerySet:
        """Grants to records whose access trail this user reviews (their coordinators)."""
        return self.filter(resident__in=Resident.objects.reviewable_by(user))


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

    objects = BreakGlassGrantQuerySet.as_manager()

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


class PossibleDuplicateQuerySet(models.QuerySet["PossibleDuplicate"]):
    def reviewable_by(self, user: User) -> PossibleDuplicateQuerySet:
        """Flags this user can settle: they review (and may merge) both records."""
        reviewable = Resident.objects.reviewable_by(user)
        return self.filter(resident__in=reviewable, candidate__in=reviewable)

    def open(self) -> PossibleDuplicateQuerySet:
        return self.filter(resolved_at__isnull=True)


class PossibleDuplicate(models.Model):
    """A record added while an existing one that its author may not see looked like the same
    person. The author is told nothing (that would reveal the other record); the coordinators
    who see both decide: merge them, or mark them as different people."""

    class Outcome(models.TextChoices):
        MERGED = "merged", "Merged"
        DIFFERENT = "different", "Different people"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    objects = PossibleDuplicateQuerySet.as_manager()

    class Meta:
        ordering = ["flagged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "candidate"], name="possible_duplicate_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} may be {self.candidate_id}"
