"""The evidence's records: case studies (written by coordinators, published only once
anonymised) and scrutiny reports (a PDF built in the background, kept for download)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from localities.models import Locality, Resident
from thurrock_care import access

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


class CaseStudyQuerySet(models.QuerySet["CaseStudy"]):
    def visible_to(self, user: User) -> CaseStudyQuerySet:
        """Managers and administrators: all; coordinators: their localities'."""
        if access.sees_every_locality(user):
            return self.all()
        if access.is_coordinator(user):
            return self.filter(locality__in=Locality.objects.coordinated_by(user))
        return self.none()


class CaseStudy(models.Model):
    """A resident's story, told for the scrutiny committee. It stays a draft until approved
    for publication, which is refused while it holds anything that identifies the resident
    it is about (anonymity.py); the resident is never shown with it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Approved for publication"

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="case_studies")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    story = models.TextField(help_text="What happened, and what changed for them.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name_plural = "case studies"
        indexes = [models.Index(fields=["status", "approved_at"], name="case_study_published")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ScrutinyReport(models.Model):
    """A PDF for the Health and Wellbeing Overview and Scrutiny Committee: figures for a
    period and some localities, built by a worker with its progress, then kept."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Could not be built"

    start = models.DateField()
    end = models.DateField()
    label = models.CharField(max_length=100)
    localities = models.ManyToManyField(Locality, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    stage = models.CharField(max_length=200, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Scrutiny report, {self.label}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class DigestQuerySet(models.QuerySet["Digest"]):
    def readable_by(self, user: User) -> DigestQuerySet:
        """A locality's members (those who work in it) and those who see every locality."""
        if access.sees_every_locality(user):
            return self.all()
        return self.filter(locality__in=Locality.objects.worked_in_by(user))


class Digest(models.Model):
    """A locality's monthly digest: the month's figures with the change since the month
    before, and what changed in its ILT. One per locality and month (a rebuild replaces it)."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="digests")
    month = models.DateField(help_text="The first day of the month it is about.")
    figures = models.JSONField(default=list)  # [{name, label, shown, change, delta}]
    changes = models.JSONField(default=dict)  # {"new_members": [...], "learning_concluded": [...]}
    pdf = models.BinaryField(editable=False)
    built_at = models.DateTimeField()
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DigestQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "locality__name"]
        constraints = [
            models.UniqueConstraint(fields=["locality", "month"], name="one_digest_a_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="digest_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.locality} digest, {self.month:%B %Y}"
