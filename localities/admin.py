from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from localities import services
from localities.models import Locality, Membership, Neighbourhood, Organisation, Resident


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


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
