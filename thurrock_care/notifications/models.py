"""A notification to one person, and each person's choice of e-mail per kind."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


class NotificationQuerySet(models.QuerySet["Notification"]):
    def inbox_of(self, user: User, *, now: datetime | None = None) -> NotificationQuerySet:
        """What a person sees in the app: their own notifications that are due, newest first."""
        return self.filter(recipient=user, due_at__lte=now or timezone.now()).order_by(
            "-due_at", "-id"
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a person should know. It shows in their list in the app from `due_at`; its
    e-mail (if they want e-mail for its kind) goes at `email_due_at`, exactly once in effect:
    a worker claims the row (`email_claimed_at`, `email_claimed_by`) before sending and marks
    it sent after (see delivery.py)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=50)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)  # a path in the product: /residents/…
    # One notification per key, however many times it is asked for: "break_glass:12:34".
    dedupe_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    # The e-mail. No e-mail is wanted when email_due_at is empty.
    email_due_at = models.DateTimeField(null=True, blank=True)
    email_queued_at = models.DateTimeField(null=True, blank=True)  # a task was last asked then
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_claimed_by = models.CharField(max_length=200, blank=True)
    email_attempts = models.PositiveIntegerField(default=0)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_failed_at = models.DateTimeField(null=True, blank=True)  # given up: see last error
    email_last_error = models.TextField(blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-id"]
        indexes = [
            # The list, newest first; the unread count in every page's header.
            models.Index(fields=["recipient", "-due_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient", "due_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            # The sweeper: e-mails due and neither sent nor given up.
            models.Index(
                fields=["email_due_at"],
                condition=Q(
                    email_due_at__isnull=False,
                    email_sent_at__isnull=True,
                    email_failed_at__isnull=True,
                ),
                name="notification_email_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}: {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """Whether a person wants e-mail for one kind (in the app they always see it). Without a
    row, the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=50)
    email = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: e-mail {'on' if self.email else 'off'}"
