"""What this app's endpoints share: reading a resident filter, turning a service's
ValidationError into a 400, auditing what a list shows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from localities.models import Resident
from localities.services import residents as resident_services
from thurrock_care.api.errors import ErrorSerializer
from thurrock_care.api.fields import caller
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record_many

MAX_ID = 2**63 - 1
ID: dict[str, Any] = {"min_value": 1, "max_value": MAX_ID}
# A wellbeing answer: 0 to 10, or left out.
SCORE: dict[str, Any] = {"min_value": 0, "max_value": 10, "required": False, "allow_null": True}
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such record, or not one the caller has a need to know."
)


class ResidentFilterSerializer(serializers.Serializer):
    resident = serializers.IntegerField(
        required=False, help_text="Only this resident's (their id).", **ID
    )


@contextmanager
def service_errors() -> Iterator[None]:
    """A service's refusal (Django's ValidationError) as a 400 with the same messages."""
    try:
        yield
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise serializers.ValidationError(error.message_dict) from None
        raise serializers.ValidationError({"non_field_errors": error.messages}) from None


def visible_resident(request: Request, pk: int) -> Resident:
    """A resident the caller may see, else 404 (nothing leaks)."""
    resident = (
        Resident.objects.visible_to(caller(request))
        .select_related("neighbourhood__locality")
        .filter(pk=pk)
        .first()
    )
    if resident is None:
        raise NotFound("No such resident, or not one you have a need to know about.")
    return resident


def audit_list(request: Request, resident_ids: Iterable[int]) -> None:
    """Resident data shown in a list is a view of each record (one insert for them all)."""
    ids = sorted(set(resident_ids))
    if ids:
        record_many(actor=caller(request), action=Action.VIEWED, resident_ids=ids,
                    request=request._request, details={"page": "api:lac"})  # fmt: skip


def audit_one(request: Request, resident: Resident) -> None:
    resident_services.record_view(
        resident=resident, by=caller(request), request=request._request, page="api:lac"
    )
