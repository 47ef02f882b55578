from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    # A resident's record (resident_id is set).
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
    DUPLICATE_REVIEWED = "duplicate_reviewed", "Reviewed a possible duplicate"
    # Accounts: who can sign in, and what they may see.
    ACCOUNT_INVITED = "account_invited", "Invited a person to an account"
    INVITATION_SENT = "invitation_sent", "Sent an invitation again"
    EMAIL_CONFIRMED = "email_confirmed", "Confirmed their e-mail address"
    PASSWORD_CHANGED = "password_changed", "Chose a new password"
    AUTHENTICATOR_ADDED = "authenticator_added", "Set up two-factor authentication"
    AUTHENTICATOR_REMOVED = "authenticator_removed", "Removed two-factor authentication"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", "Made new recovery codes"
    ACCOUNT_CHANGED = "account_changed", "Changed an account"
    MFA_RESET = "mfa_reset", "Reset two-factor authentication"
    API_TOKEN_ISSUED = "api_token_issued", "Issued an API token"
    API_TOKEN_REVOKED = "api_token_revoked", "Revoked an API token"
    # Organisations and the ILT.
    ORGANISATION_CREATED = "organisation_created", "Added an organisation"
    ORGANISATION_CHANGED = "organisation_changed", "Changed an organisation"
    MEMBERSHIP_ADDED = "membership_added", "Added an organisation to an ILT"
    MEMBERSHIP_ENDED = "membership_ended", "Removed an organisation from an ILT"
    JOIN_REQUESTED = "join_requested", "Asked to join an ILT"
    JOIN_APPROVED = "join_approved", "Approved a request to join"
    JOIN_DECLINED = "join_declined", "Declined a request to join"
    MEETING_CREATED = "meeting_created", "Added an ILT meeting"
    MEETING_CHANGED = "meeting_changed", "Changed an ILT meeting"
    ACTION_ITEM_ADDED = "action_item_added", "Added an ILT action"
    ACTION_ITEM_DONE = "action_item_done", "Marked an ILT action done"
    LEARNING_CYCLE_CREATED = "learning_cycle_created", "Added a learning cycle"
    LEARNING_CYCLE_CHANGED = "learning_cycle_changed", "Changed a learning cycle"
    ASSET_CREATED = "asset_created", "Added a community asset"
    ASSET_CHANGED = "asset_changed", "Changed a community asset"
    # The evidence: case studies, scrutiny reports, digests.
    CASE_STUDY_WRITTEN = "case_study_written", "Wrote or changed a case study"
    CASE_STUDY_PUBLISHED = "case_study_published", "Approved a case study for publication"
    REPORT_REQUESTED = "report_requested", "Asked for a scrutiny report"
    DIGEST_BUILT = "digest_built", "Built a monthly digest"


class Event(models.Model):
    """One entry of the append-only audit trail: who did what, when, to which record (a
    resident's, by `resident_id`; anything else, by `object_type` and `object_id`). Public
    forms are recorded with no actor. PostgreSQL refuses UPDATE, DELETE and TRUNCATE
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
    resident_id = models.BigIntegerField(null=True)  # indexed by audit_resident_at, first
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.BigIntegerField(null=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["resident_id", "-at"], name="audit_resident_at"),
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"
