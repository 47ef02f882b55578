"""Wellbeing Teams: small self-managed home-care teams (Buurtzorg style). A team has members
with roles; residents join its caseload (people supported) with commissioned hours and personal
outcomes in their own words; visits are planned (one-off or from a recurring pattern) and
recorded (arrived, left, what happened, outcome progress); workers record their other time by
category; health events are kept for evaluating the model (before and after joining)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from localities.models import Locality, Neighbourhood, Resident
from thurrock_care import access

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User

# A visit still unrecorded this long after its planned start is late.
LATE_AFTER = timedelta(minutes=30)
# Still unrecorded this long after its planned start, the team's coordinators are told too.
TEAM_TOLD_AFTER = timedelta(minutes=60)
# A visit started within this of its planned start was on time (punctuality).
ON_TIME_WITHIN = timedelta(minutes=15)
# The Buurtzorg golden rule: at least this share of a worker's time in direct contact.
DIRECT_CONTACT_TARGET = 61
# Continuity: distinct workers per person over this many days; more than FLAG is flagged.
CONTINUITY_DAYS = 28
CONTINUITY_FLAG = 4
# Most hours a week anyone is commissioned or contracted for (a week has 168).
MAX_WEEKLY_HOURS = 168


def after_leaving_days() -> int:
    """How long a team keeps seeing a person after they leave its caseload (to finish notes)."""
    return int(getattr(settings, "WELLBEING_TEAMS_ACCESS_AFTER_LEAVING_DAYS", 28))


class TeamQuerySet(models.QuerySet["Team"]):
    def visible_to(self, user: User) -> TeamQuerySet:
        """A team's pages (its day, members, figures): its own members; coordinators and core
        practitioners of its locality; administrators. Managers and everyone else: none."""
        if not access.sees_named_residents(user):
            return self.none()
        if access.is_administrator(user):
            return self.all()
        allowed = Q(pk__in=TeamMember.objects.current().filter(user=user).values("team_id"))
        if access.is_coordinator(user) or access.is_core_practitioner(user):
            allowed |= Q(locality__in=user.localities.all())
        return self.filter(allowed)

    def run_by(self, user: User) -> TeamQuerySet:
        """Teams whose caseload and rota this user manages: their current members (the team
        manages itself); administrators."""
        if access.is_administrator(user):
            return self.all()
        if not access.sees_named_residents(user):
            return self.none()
        return self.filter(pk__in=TeamMember.objects.current().filter(user=user).values("team_id"))

    def managed_by(self, user: User) -> TeamQuerySet:
        """Teams whose membership this user manages: the coordinators of the team's locality's
        ILT, the team's own coordinators, administrators."""
        if access.is_administrator(user):
            return self.all()
        if not access.sees_named_residents(user):
            return self.none()
        own = TeamMember.objects.current().filter(user=user, role=TeamMember.Role.COORDINATOR)
        allowed = Q(pk__in=own.values("team_id"))
        if access.is_coordinator(user):
            allowed |= Q(locality__in=Locality.objects.coordinated_by(user))
        return self.filter(allowed)

    def members_ended_by(self, user: User) -> TeamQuerySet:
        """Teams whose memberships this user ends (a worker leaves): those they manage
        (managed_by) and those they are the planning support worker of."""
        if access.is_administrator(user):
            return self.all()
        if not access.sees_named_residents(user):
            return self.none()
        planning = TeamMember.objects.current().filter(user=user, role=TeamMember.Role.PLANNING)
        return self.filter(
            Q(pk__in=self.managed_by(user).values("pk")) | Q(pk__in=planning.values("team_id"))
        )


class Team(models.Model):
    name = models.CharField(max_length=120)
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="teams")
    neighbourhoods = models.ManyToManyField(Neighbourhood, blank=True, related_name="teams")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("wellbeing_teams:team", args=[self.pk])


class TeamMemberQuerySet(models.QuerySet["TeamMember"]):
    def current(self, on: date | None = None) -> TeamMemberQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gte=on))


class TeamMember(models.Model):
    class Role(models.TextChoices):
        INDEPENDENCE = "independence", "Independence support worker"
        MEDICATION = "medication", "Medication support worker"
        PLANNING = "planning", "Planning support worker (trusted assessor)"
        COORDINATOR = "coordinator", "Coordinator"
        NURSE = "nurse", "Nurse"
        PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
        OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    contracted_hours = models.DecimalField(
        "contracted hours a week",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_WEEKLY_HOURS)],
    )
    joined_on = models.DateField(default=timezone.localdate)
    left_on = models.DateField(null=True, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["team", "user__full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(left_on__isnull=True),
                name="team_member_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class PersonSupportedQuerySet(models.QuerySet["PersonSupported"]):
    def visible_to(self, user: User) -> PersonSupportedQuerySet:
        """People supported whom this user sees (the need-to-know gate) through the team: its
        members, the practitioners and coordinators of its locality, administrators. Not a
        partner named in their consent nor a break-glass reader (they see the resident's
        record, not the team's notes, medication and concerns)."""
        return self.filter(
            resident__in=Resident.objects.visible_to(user),
            team__in=Team.objects.visible_to(user),
        )

    def current(self, on: date | None = None) -> PersonSupportedQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), started_on__lte=on)


class PersonSupported(models.Model):
    """A resident on a team's caseload, from `started_on` (until `ended_on`)."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="team_support")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="caseload")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    hours_per_week = models.DecimalField(
        "commissioned hours a week",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_WEEKLY_HOURS)],
    )
    preferred_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="preferred_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonSupportedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "people supported"
        ordering = ["team", "resident__full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(ended_on__isnull=True),
                name="person_supported_once",
            ),
        ]
        indexes = [models.Index(fields=["team", "ended_on"], name="caseload_team")]

    def __str__(self) -> str:
        return f"{self.resident_id} with {self.team_id}"

    def get_absolute_url(self) -> str:
        return reverse("wellbeing_teams:person", args=[self.pk])


class HoursChange(models.Model):
    """A change of commissioned hours, made by a planning support worker, and why."""

    person = models.ForeignKey(
        PersonSupported, on_delete=models.PROTECT, related_name="hours_changes"
    )
    hours_before = models.DecimalField(max_digits=5, decimal_places=2)
    hours_after = models.DecimalField(max_digits=5, decimal_places=2)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.hours_before} to {self.hours_after} hours"


class PersonalOutcome(models.Model):
    """What the person wants, in their own words ("walk to the shop on my own")."""

    person = models.ForeignKey(PersonSupported, on_delete=models.PROTECT, related_name="outcomes")
    words = models.TextField("in their words")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    achieved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.words


class OutcomeRating(models.Model):
    """Progress towards an outcome, 1 (not yet) to 5 (achieved), with a note."""

    SCALE = (
        (1, "1: not started"),
        (2, "2: a little progress"),
        (3, "3: some progress"),
        (4, "4: nearly there"),
        (5, "5: achieved"),
    )

    outcome = models.ForeignKey(PersonalOutcome, on_delete=models.PROTECT, related_name="ratings")
    rating = models.PositiveSmallIntegerField(
        choices=SCALE, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(blank=True)
    visit = models.ForeignKey(
        "wellbeing_teams.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rated_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="outcome_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating} on {self.outcome_id}"


class VisitPattern(models.Model):
    """A recurring visit: on these weekdays (0 Monday … 6 Sunday), at this local time, for
    this long, from `starts_on` (until `ends_on`)."""

    person = models.ForeignKey(PersonSupported, on_delete=models.PROTECT, related_name="patterns")
    weekdays = ArrayField(models.PositiveSmallIntegerField())
    start_time = models.TimeField()
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)]
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    workers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        days = ", ".join(WEEKDAY_NAMES[d] for d in sorted(self.weekdays))
        return f"{days} {self.start_time:%H:%M}, {self.minutes} min"


WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


class VisitQuerySet(models.QuerySet["Visit"]):
    def visible_to(self, user: User) -> VisitQuerySet:
        """Visits this user sees: of residents they see, of teams they see (as
        PersonSupported.visible_to)."""
        return self.filter(
            resident__in=Resident.objects.visible_to(user),
            team__in=Team.objects.visible_to(user),
        )

    def recordable_by(self, user: User) -> VisitQuerySet:
        """Visits this user records: those of the people their team supports (they may see)."""
        return self.visible_to(user).filter(team__in=Team.objects.run_by(user))

    def for_worker(self, user: User) -> VisitQuerySet:
        return self.visible_to(user).filter(workers=user)

    def on(self, day: date) -> VisitQuerySet:
        return self.filter(planned_on=day)

    def late(self, now: datetime | None = None) -> VisitQuerySet:
        """Still unrecorded 30 minutes after the planned start."""
        now = now or timezone.now()
        return self.filter(status=Visit.Status.PLANNED, planned_start__lte=now - LATE_AFTER)


class Visit(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    person = models.ForeignKey(PersonSupported, on_delete=models.PROTECT, related_name="visits")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="team_visits")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="visits")
    pattern = models.ForeignKey(
        VisitPattern, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    planned_start = models.DateTimeField()
    planned_on = models.DateField(help_text="The planned start's day, UK time.")
    planned_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)]
    )
    workers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="visits_assigned")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    arrived_at = models.DateTimeField(null=True, blank=True)
    arrived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    left_at = models.DateTimeField(null=True, blank=True)
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    what_happened = models.TextField(blank=True)
    health_tasks = models.TextField(
        "health care tasks done", blank=True, help_text="Medication prompts and the like."
    )
    concerns = models.TextField("concerns raised", blank=True)
    missed_reason = models.TextField(blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_reason = models.TextField(blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["planned_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "planned_start"], name="visit_once_per_pattern_start"
            ),
        ]
        indexes = [
            models.Index(fields=["team", "planned_on"], name="visit_team_day"),
            # The team's figures: visits planned (punctuality) and arrived at (direct
            # contact, continuity) in a period.
            models.Index(fields=["team", "planned_start"], name="visit_team_planned"),
            models.Index(fields=["team", "arrived_at"], name="visit_team_arrived"),
            models.Index(fields=["resident", "planned_start"], name="visit_resident"),
            models.Index(fields=["status", "planned_start"], name="visit_status_start"),
            # The API's list, in time order, reads a page in order (cursor pagination).
            models.Index(fields=["planned_start", "id"], name="visit_start_order"),
        ]

    def __str__(self) -> str:
        return f"Visit {self.pk} at {self.planned_start:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("wellbeing_teams:visit", args=[self.pk])

    @property
    def planned_end(self) -> datetime:
        return self.planned_start + timedelta(minutes=self.planned_minutes)

    def is_late(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        # now - LATE_AFTER, not planned_start + LATE_AFTER: never past the last datetime.
        return self.status == self.Status.PLANNED and now - LATE_AFTER >= self.planned_start

    @property
    def contact_minutes(self) -> int:
        if self.arrived_at and self.left_at and self.left_at > self.arrived_at:
            return int((self.left_at - self.arrived_at).total_seconds() // 60)
        return 0


class VisitCorrection(models.Model):
    """A correction of a recorded time (arrived or left): the original is kept here."""

    class Field(models.TextChoices):
        ARRIVED = "arrived_at", "Arrived"
        LEFT = "left_at", "Left"

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="corrections")
    field = models.CharField(max_length=20, choices=Field.choices)
    original = models.DateTimeField()
    corrected = models.DateTimeField()
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["corrected_at", "id"]

    def __str__(self) -> str:
        return f"{self.field} of visit {self.visit_id}"


class TimeEntry(models.Model):
    """Time a worker spent other than with people (direct contact comes from visits)."""

    class Category(models.TextChoices):
        TRAVEL = "travel", "Travel"
        TEAM_MEETING = "team_meeting", "Team meeting"
        TRAINING = "training", "Training"
        ADMIN = "admin", "Admin"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="time_entries")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    on = models.DateField("day")
    minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name_plural = "time entries"
        indexes = [models.Index(fields=["team", "on"], name="time_entry_team_day")]

    def __str__(self) -> str:
        return f"{self.minutes} min {self.category} on {self.on}"


class HealthEvent(models.Model):
    """A use of health services, for evaluating the model (rates before and after joining a
    team, per person-month). Recorded for people supported, including from before they
    joined."""

    class Kind(models.TextChoices):
        GP_APPOINTMENT = "gp_appointment", "GP appointment"
        AE_ATTENDANCE = "ae_attendance", "A&E attendance"
        UNPLANNED_ADMISSION = "unplanned_admission", "Unplanned hospital admission"
        FALL = "fall", "Fall"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="health_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_on = models.DateField()
    source = models.CharField(
        max_length=200, blank=True, help_text="Where this is known from: GP record, the person…"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["resident", "occurred_on"], name="health_event_resident")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.occurred_on}"
