"""What API views share beyond errors: the caller, version and submission-key fields, and the
bridge from a serializer's values to the web form that holds the rules (so both validate alike).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from rest_framework import serializers

from thurrock_care.versions import MAX_VERSION

if TYPE_CHECKING:
    from rest_framework.request import Request

    from thurrock_care.accounts.models import User

SUBMISSION_KEY_HELP = (
    "Optional: your own key (a UUID) for this request. Sending it again, even at the same "
    "moment, gives the same record; the same key with another body is a 422."
)


def caller(request: Request) -> User:
    """The signed-in member of staff: IsStaffMemberWithMFA lets nobody else through."""
    return cast("User", request.user)


def submission_key_field() -> serializers.UUIDField:
    return serializers.UUIDField(
        write_only=True, required=False, allow_null=True, help_text=SUBMISSION_KEY_HELP
    )


def version_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        help_text="Required: the version you last read; if it changed since, nothing is written "
        "and the answer is 409 with the current version.",
    )


def form_data(values: dict[str, Any]) -> dict[str, Any]:
    """Values already typed by a serializer, as a form's data (None for "not given")."""
    return {name: "" if value is None else value for name, value in values.items()}


def validate_with(form: forms.BaseForm) -> dict[str, Any]:
    """The form's cleaned data, or a 400 with its messages under the same field names."""
    if not form.is_valid():
        errors = form.errors.get_json_data()
        raise serializers.ValidationError(
            {
                ("non_field_errors" if field == NON_FIELD_ERRORS else field): [
                    error["message"] for error in field_errors
                ]
                for field, field_errors in errors.items()
            }
        )
    return form.cleaned_data
