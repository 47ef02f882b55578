from django.contrib import admin

from localities.models import Locality, Membership, Neighbourhood, Organisation


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
