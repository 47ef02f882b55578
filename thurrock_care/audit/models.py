from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    VIEWED = "viewed", "Viewed the record"
    OPENED_FROM_SEARCH = "opened_from_search", "Opened from search results"
    SEARCHED = "searched", "Searched"
    CREATED = "created", "Created the record"
    CHANGED = "changed", "Changed the record"
    STATUS_CHANGED = "status_changed", "Marked as moved away or died"
    CONSENT_RECORDED = "consent_recorded", "Recorded consent"
    EXPORTED = "exported", "Exported"
    BREAK_GLASS = "break_glass", "Break-glass access"
    BREAK_GLASS_REVIEWED = "break_glass_reviewed", "Reviewed break-glass access"
    MERGED = "merged", "Merged a duplicate record"
    UNMERGED = "unmerged", "Reversed a merge"


class Event(models.Model):
    """One entry of the append-only audit trail. PostgreSQL refuses UPDATE, DELETE and TRUNCATE
    on this table (see the migration), so nobody can edit or remove an entry."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Who it was at the time, kept even if the account is later renamed.
    actor_name = models.CharField(max_length=200)
    actor_organisation = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    # The resident the event is about, by id: the trail outlives any record and never blocks
    # a change to it (no foreign key).
    resident_id = models.BigIntegerField(null=True, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.BigIntegerField(null=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["resident_id", "-at"], name="audit_resident_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"
