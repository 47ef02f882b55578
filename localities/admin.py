from typing import cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from localities.models import (
    ORGANISATION_FIELDS,
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
from localities.services import ilt, places, residents
from thurrock_care.accounts.models import User
from thurrock_care.accounts.typing import AuthenticatedRequest


class ViewOnly:
    """Shown for reference; every change goes through the pages and their services (version
    checks, carried-over actions, invitations, audit entries), never a bare save here."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ViewOnlyAdmin(ViewOnly, admin.ModelAdmin):
    pass


class ViewOnlyInline(ViewOnly, admin.TabularInline):
    extra = 0


class NeighbourhoodInline(ViewOnlyInline):
    model = Neighbourhood


class MembershipInline(ViewOnlyInline):
    model = Membership


@admin.register(Locality)
class LocalityAdmin(ViewOnlyAdmin):
    """The four PCN localities and their neighbourhoods are reference data from a migration:
    moving a neighbourhood would change who sees which residents. Membership is managed
    under ILT memberships."""

    list_display = ["name", "short_name"]
    inlines = [NeighbourhoodInline, MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Through the services: each addition and change is audited (an organisation's kind
    decides whether its practitioners see the residents of their localities)."""

    list_display = ["name", "kind"]
    list_filter = ["kind", "localities"]
    search_fields = ["name"]
    fields = (*ORGANISATION_FIELDS,)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # people, meetings and consent refer to it: it stays

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        by = cast(User, request.user)
        data = {name: form.cleaned_data[name] for name in ORGANISATION_FIELDS}
        if change:
            saved = places.update_organisation(organisation=obj, by=by, **data)
        else:
            saved = places.create_organisation(by=by, **data)
        obj.pk, obj._state.adding = saved.pk, False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Which organisations are in which ILT: added (usually by approving a request to join)
    and removed through the services, each audited."""

    list_display = ["organisation", "locality", "joined_on"]
    list_filter = ["locality"]
    list_select_related = ["organisation", "locality"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "locality"]
    actions = ["end_memberships"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None  # the list, yes; an existing membership is kept or ended

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # ended with the action below, which records it

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        saved = ilt.add_membership(
            organisation=form.cleaned_data["organisation"],
            locality=form.cleaned_data["locality"],
            by=cast(User, request.user),
        )
        obj.pk, obj._state.adding = saved.pk, False

    @admin.action(description="Remove the organisations from these ILTs")
    def end_memberships(self, request: AuthenticatedRequest, queryset: QuerySet[Membership]):
        for membership in queryset.select_related("locality"):
            ilt.end_membership(membership=membership, by=request.user)


@admin.register(JoinRequest)
class JoinRequestAdmin(ViewOnlyAdmin):
    list_display = ["organisation_name", "locality", "kind", "status", "created_at", "decided_by"]
    list_filter = ["status", "locality", "kind"]
    list_select_related = ["locality", "decided_by"]
    search_fields = ["organisation_name", "contact_name", "contact_email"]


class ActionItemInline(ViewOnlyInline):
    model = ActionItem
    fk_name = "meeting"
    fields = ["text", "owner", "done", "carried_from"]


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
            residents.record_view(resident=resident, by=request.user, request=request)
        return super().change_view(request, object_id, form_url, extra_context)
