from django.contrib import admin
from django.http import HttpRequest

from thurrock_care.audit.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the trail can be searched here but never added to, changed or deleted."""

    list_display = ["at", "actor_name", "actor_organisation", "action", "resident_id", "reason"]
    list_filter = ["action"]
    search_fields = ["actor_name", "=resident_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
