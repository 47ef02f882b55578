"""Multi-disciplinary team meetings (MDTs): a resident's case brought to the organisations that
can act on it, within two working days when it is urgent.

An MDT is requested (urgency, concern, the resident's voice, the organisations needed, consent
or the lawful basis), then a time is found (slots proposed, each invited organisation answers
per slot), a slot is confirmed, the meeting is recorded with its actions, and the MDT is closed
once the actions are done. Every write is in services.py.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from localities.models import Locality, Organisation, Resident
from thurrock_care import access

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


class MdtQuerySet(models.QuerySet["Mdt"]):
    def visible_to(self, user: User) -> MdtQuerySet:
        """MDTs of the residents this user may see (the need-to-know gate)."""
        return self.filter(resident__in=Resident.objects.visible_to(user))

    def coordinated_by(self, user: User) -> MdtQuerySet:
        """MDTs this user runs (proposes times, confirms, records, closes): the coordinators
        of the MDT's locality, whoever requested it, and administrators."""
        return self.visible_to(user).filter(runs(user))

    def open(self) -> MdtQuerySet:
        return self.exclude(status=Mdt.Status.CLOSED)


def runs(user: User) -> Q:
    """Over MDTs: those the user would run if they see them (MdtQuerySet.coordinated_by)."""
    localities = Locality.objects.filter(access.coordinated_localities(user))
    return Q(locality__in=localities) | Q(requested_by=user)


class Mdt(models.Model):
    class Urgency(models.TextChoices):
        URGENT = "urgent", "Urgent (within two working days)"
        ROUTINE = "routine", "Routine (within ten working days)"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        FINDING = "finding", "Finding a time"
        SCHEDULED = "scheduled", "Scheduled"
        ACTIONS = "actions", "Actions in progress"
        CLOSED = "closed", "Closed"

    class LawfulBasis(models.TextChoices):
        SAFEGUARDING = "safeguarding", "Safeguarding (Care Act 2014, section 42)"
        VITAL_INTERESTS = "vital_interests", "Vital interests (their life or health is at risk)"
        PUBLIC_TASK = "public_task", "Public task (a statutory duty)"
        LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="mdts")
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="mdts")
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    concern = models.TextField("the concern, in plain words")
    residents_voice = models.TextField("what the resident wants, in their words")
    consent_given = models.BooleanField("the resident consents to sharing", default=False)
    lawful_basis = models.CharField(
        "lawful basis for sharing without consent",
        max_length=20,
        choices=LawfulBasis.choices,
        blank=True,
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    confirmed_slot = models.ForeignKey(
        "Slot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The meeting's calendar invitation: one UID for its life, SEQUENCE counts its changes.
    calendar_uid = models.UUIDField(default=uuid.uuid4, editable=False)
    calendar_sequence = models.PositiveIntegerField(default=0)
    outcome = models.TextField("outcome summary", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MdtQuerySet.as_manager()

    class Meta:
        verbose_name = "MDT"
        indexes = [
            # The board's open MDTs, read in order (mdt/queries.py board): only the open ones,
            # however many have closed over the years.
            models.Index(
                fields=["locality", "deadline", "id"],
                name="mdt_board_open",
                condition=~Q(status="closed"),
            ),
            # The board's latest closed MDTs, read in order; and any locality's by status.
            models.Index(
                fields=["locality", "status", "-closed_at", "-id"], name="mdt_board_closed"
            ),
            # The API's list, newest request first, reads a page in order (cursor pagination).
            models.Index(fields=["-requested_at", "-id"], name="mdt_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=True) | ~Q(lawful_basis=""),
                name="mdt_consent_or_lawful_basis",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("mdt:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"MDT-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def is_urgent(self) -> bool:
        return self.urgency == self.Urgency.URGENT

    @property
    def is_finding_time(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.FINDING)


class Invitation(models.Model):
    """An organisation asked to an MDT; `required` ones must be able to come to the slot."""

    mdt = models.ForeignKey(Mdt, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    required = models.BooleanField(default=False)
    # The availability link's nonce: a new link (after new slots) makes the old one useless.
    link_nonce = models.UUIDField(default=uuid.uuid4)
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mdt", "organisation"], name="mdt_invitation_once")
        ]
        indexes = [models.Index(fields=["organisation"])]

    def __str__(self) -> str:
        return f"{self.organisation} to {self.mdt}"


class Slot(models.Model):
    mdt = models.ForeignKey(Mdt, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["mdt", "starts_at"], name="mdt_slot_once"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="mdt_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%A %-d %B %Y, %H:%M}"


class Response(models.Model):
    """One answer of an invited organisation about one slot. Answers are kept: the latest per
    organisation and slot counts."""

    class Answer(models.TextChoices):
        CAN = "can", "Can attend"
        CANNOT = "cannot", "Cannot attend"
        DELEGATE = "delegate", "Will send someone else"

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="responses")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="responses")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    delegate = models.CharField("who will come instead", max_length=200, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via_link = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["slot", "invitation", "-answered_at"])]
        constraints = [
            # The availability link answers each slot once.
            models.UniqueConstraint(
                fields=["invitation", "slot"],
                condition=Q(via_link=True),
                name="mdt_link_answers_slot_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_answer_display()}: {self.slot}"

    @property
    def attends(self) -> bool:
        return self.answer in (self.Answer.CAN, self.Answer.DELEGATE)


class MeetingRecord(models.Model):
    """What happened at the MDT: who came, who sent apologies, what was said and decided."""

    mdt = models.OneToOneField(Mdt, on_delete=models.CASCADE, related_name="record")
    attended = models.ManyToManyField(Organisation, related_name="+", blank=True)
    apologies = models.ManyToManyField(Organisation, related_name="+", blank=True)
    discussion = models.TextField(blank=True)
    residents_voice = models.TextField("the resident's voice", blank=True)
    decisions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Record of {self.mdt}"


class ActionQuerySet(models.QuerySet["MdtAction"]):
    def visible_to(self, user: User) -> ActionQuerySet:
        return self.filter(mdt__in=Mdt.objects.visible_to(user))

    def owned_by(self, user: User) -> ActionQuerySet:
        """Actions this user may update: their organisation's (or their own), and every
        action of the MDTs they run."""
        mine = Q(owner_person=user)
        if user.organisation_id is not None:
            mine |= Q(owner_organisation_id=user.organisation_id)
        # EXISTS rather than IN: checked for the actions in hand, not by listing every MDT
        # the user runs (the same rows either way: mdt_id is never null). These actions are
        # already through the gate (their MDT is one the user sees), so whether the user runs
        # it is the rest of coordinated_by, without compiling the gate into the query again.
        ran = Exists(Mdt.objects.filter(runs(user), pk=OuterRef("mdt_id")))
        return self.visible_to(user).filter(mine | Q(ran))

    def open(self) -> ActionQuerySet:
        return self.filter(status=MdtAction.Status.OPEN)

    def overdue(self, today: object | None = None) -> ActionQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())


class MdtAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANNOT = "cannot", "Cannot be done"

    mdt = models.ForeignKey(Mdt, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField()
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True)  # the latest update's note (why not, for "cannot")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "MDT action"
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["owner_organisation", "status", "due_on"]),
            models.Index(fields=["status", "due_on"]),
            # The API's list, soonest due first, reads a page in order (cursor pagination).
            models.Index(fields=["due_on", "id"], name="mdt_action_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cannot") | ~Q(note=""), name="mdt_action_cannot_has_reason"
            )
        ]

    def __str__(self) -> str:
        return self.what[:60]

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class BankHoliday(models.Model):
    """England-and-Wales bank holidays fetched from GOV.UK by `refresh_bank_holidays`, beyond
    (or beside) those the govuk-bank-holidays package ships."""

    date = models.DateField(unique=True)
    title = models.CharField(max_length=200)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%-d %B %Y})"


class CalendarAttachment(models.Model):
    """The iCalendar invitation an MDT notification's e-mail carries (looked up by the
    notification's de-duplication key when the e-mail is composed)."""

    dedupe_key = models.CharField(max_length=200, unique=True)
    mdt = models.ForeignKey(Mdt, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=10)
    sequence = models.PositiveIntegerField()
    ics = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.dedupe_key
