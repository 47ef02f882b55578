from django.conf import settings
from django.db import models


class Submission(models.Model):
    """A request that created something, by the one-off key its form or client sent with it.
    The key is the primary key: of two requests with one key, PostgreSQL lets one in."""

    key = models.UUIDField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # A hash of what was asked for: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100)
    object_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.key} → {self.object_type} {self.object_id}"
