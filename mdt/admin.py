from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse

from mdt import working_days
from mdt.models import BankHoliday, Mdt, MdtAction


class HolidayWarningAdmin(admin.ModelAdmin):
    """Says, on the list, when the known bank holidays run out within six months."""

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        warning = working_days.holiday_warning()
        if warning:
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)


@admin.register(Mdt)
class MdtAdmin(HolidayWarningAdmin):
    list_display = ["reference", "locality", "urgency", "status", "requested_at", "deadline"]
    list_filter = ["locality", "urgency", "status"]
    fields = ("locality", "urgency", "status", "requested_at", "deadline", "closed_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MdtAction)
class MdtActionAdmin(admin.ModelAdmin):
    list_display = ["pk", "owner_organisation", "due_on", "status"]
    list_filter = ["status"]
    fields = ("owner_organisation", "due_on", "status")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BankHoliday)
class BankHolidayAdmin(HolidayWarningAdmin):
    list_display = ["date", "title", "fetched_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
