from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower


class Locality(models.Model):
    """One of Thurrock's four Primary Care Network localities; each has its own ILT."""

    name = models.CharField(max_length=100, unique=True)
    short_name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"

    def __str__(self) -> str:
        return self.name


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
