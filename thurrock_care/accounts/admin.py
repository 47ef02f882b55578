from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet

from thurrock_care.accounts import services
from thurrock_care.accounts.models import User
from thurrock_care.accounts.typing import AuthenticatedRequest


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "localities"]
    list_select_related = ["organisation"]
    search_fields = ["full_name", "email"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["localities", "groups", "user_permissions"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Who they are", {"fields": ["full_name", "role", "organisation", "localities"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "organisation", "password1", "password2"],
            },
        )
    ]
    actions = ["send_invitation"]

    @admin.action(description="Send an invitation e-mail (link to choose a password)")
    def send_invitation(self, request: AuthenticatedRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.send_invitation(user=user, invited_by=request.user)
        messages.success(request, f"Sent {queryset.count()} invitation(s).")
