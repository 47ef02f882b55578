from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from localities import services
from localities.models import (
    ActionItem,
    CommunityAsset,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Membership,
    Neighbourhood,
    Organisation,
    Resident,
)


class NeighbourhoodInline(admin.TabularInline):
    model = Neighbourhood
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [NeighbourhoodInline, MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind", "localities"]
    search_fields = ["name"]


class ViewOnlyAdmin(admin.ModelAdmin):
    """Shown for reference; every change goes through the ILT pages and their services
    (version checks, carried-over actions, invitations), never a bare save here."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(JoinRequest)
class JoinRequestAdmin(ViewOnlyAdmin):
    list_display = ["organisation_name", "locality", "kind", "status", "created_at", "decided_by"]
    list_filter = ["status", "locality", "kind"]
    list_select_related = ["locality", "decided_by"]
    search_fields = ["organisation_name", "contact_name", "contact_email"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    fk_name = "meeting"
    extra = 0
    fields = ["text", "owner", "done", "carried_from"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ViewOnlyAdmin):
    list_display = ["__str__", "locality", "starts_at", "place"]
    list_filter = ["locality"]
    list_select_related = ["locality"]
    date_hierarchy = "starts_at"
    inlines = [ActionItemInline]


@admin.register(LearningCycle)
class LearningCycleAdmin(ViewOnlyAdmin):
    list_display = ["question", "locality", "status", "updated_at"]
    list_filter = ["status", "locality"]
    list_select_related = ["locality"]
    search_fields = ["question"]


@admin.register(CommunityAsset)
class CommunityAssetAdmin(ViewOnlyAdmin):
    list_display = ["name", "kind", "neighbourhood", "active", "updated_at"]
    list_filter = ["active", "kind", "neighbourhood__locality"]
    list_select_related = ["neighbourhood"]
    search_fields = ["name", "offer", "where"]


@admin.register(Resident)
class ResidentAdmin(ViewOnlyAdmin):
    """Residents through the same need-to-know gate as every page; read-only here (changes go
    through the resident pages, which audit them), and never deleted."""

    list_display = ["full_name", "date_of_birth", "neighbourhood", "status"]
    list_filter = ["status", "neighbourhood__locality"]
    search_fields = ["full_name", "preferred_name", "=nhs_number", "postcode"]
    list_select_related = ["neighbourhood"]
    exclude = ["key_safety_information"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Resident]:
        return Resident.objects.visible_to(request.user)  # type: ignore[arg-type]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        resident = self.get_object(request, object_id)
        if resident is not None:  # opening a record here is in the audit trail too
            services.record_view(resident=resident, by=request.user, request=request)
        return super().change_view(request, object_id, form_url, extra_context)
