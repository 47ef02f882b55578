"""Place and people: the four localities, their neighbourhoods, and the organisations that work
in them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models.functions import Lower

from thurrock_care import access

if TYPE_CHECKING:
    from localities.models.ilt import Membership
    from thurrock_care.accounts.models import User


# What a person edits about an organisation (the admin, the services).
ORGANISATION_FIELDS = ["name", "kind", "description", "website", "contact_email", "contact_phone"]


class LocalityQuerySet(models.QuerySet["Locality"]):
    """Gates over localities; the rules are in thurrock_care/access.py."""

    def worked_in_by(self, user: User) -> LocalityQuerySet:
        return self.filter(access.own_localities(user)).distinct()

    def coordinated_by(self, user: User) -> LocalityQuerySet:
        return self.filter(access.coordinated_localities(user)).distinct()

    def learning_run_by(self, user: User) -> LocalityQuerySet:
        return self.filter(access.learning_localities(user)).distinct()

    def open_to_new_residents_by(self, user: User) -> LocalityQuerySet:
        return self.filter(access.new_resident_localities(user)).distinct()


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
