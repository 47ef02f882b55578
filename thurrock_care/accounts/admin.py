"""Accounts in the administration site. Every change goes through accounts/services.py, so each
is audited: adding a person sends an invitation (nobody's password is set here), changes are
recorded field by field, and authenticators and API tokens are reset or issued by actions."""

from typing import cast

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.authtoken.models import TokenProxy

from thurrock_care.accounts import services
from thurrock_care.accounts.models import User
from thurrock_care.accounts.typing import AuthenticatedRequest

# Roles decide what people may do; groups, per-user permissions, e-mail address records,
# authenticators and tokens are not edited directly (actions below do it, audited).
for model in (Group, TokenProxy, EmailAddress, Authenticator):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class InviteForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "role", "organisation", "localities"]


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [*services.ACCOUNT_FIELDS, "localities"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "localities"]
    list_select_related = ["organisation"]
    search_fields = ["full_name", "email"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["localities"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email"]}),
        ("Who they are", {"fields": ["full_name", "role", "organisation", "localities"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            "Invite a person: they get an e-mail with a link to choose a password",
            {"fields": ["email", "full_name", "role", "organisation", "localities"]},
        )
    ]
    actions = ["send_invitation", "reset_mfa", "issue_api_token", "revoke_api_token"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # accounts are deactivated (untick "active"), never deleted

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AccountForm if obj is not None else InviteForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        """Nothing is saved here: save_related makes one audited change through the services
        once the localities chosen are known too."""

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        by = cast(User, request.user)
        names = AccountForm.Meta.fields if change else InviteForm.Meta.fields
        data = {name: form.cleaned_data[name] for name in names}
        localities = list(data.pop("localities"))
        if change:
            saved = services.update_account(
                user=form.instance, by=by, localities=localities, **data
            )
        else:  # the form has checked that nobody has the address yet
            saved = services.invite_user(by=by, localities=localities, **data)
        form.instance.pk, form.instance._state.adding = saved.pk, False

    @admin.action(description="Send an invitation e-mail (link to choose a password)")
    def send_invitation(self, request: AuthenticatedRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.send_invitation(user=user, by=request.user)
        messages.success(request, f"Sent {queryset.count()} invitation(s).")

    @admin.action(description="Reset two-factor authentication (a lost phone)")
    def reset_mfa(self, request: AuthenticatedRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.reset_mfa(user=user, by=request.user)
        messages.success(
            request,
            f"Reset two-factor authentication for {queryset.count()} account(s): they set up "
            "an authenticator at their next sign-in.",
        )

    @admin.action(description="Issue a new API token (replaces any earlier one)")
    def issue_api_token(self, request: AuthenticatedRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            token = services.issue_api_token(user=user, by=request.user)
            messages.success(
                request, f"API token for {user.email}: {token.key} (copy it now: it is secret)."
            )

    @admin.action(description="Revoke API tokens")
    def revoke_api_token(self, request: AuthenticatedRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.revoke_api_token(user=user, by=request.user)
        messages.success(request, f"Revoked the API tokens of {queryset.count()} account(s).")
