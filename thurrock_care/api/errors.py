"""The API's error bodies, as serializers and documented responses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

if TYPE_CHECKING:
    from django.http import HttpRequest, JsonResponse


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField()


VALIDATION_ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="Invalid input: each field's problems, as a list of messages under its name.",
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such record you may see.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Not allowed for your role.")
CONFLICT = OpenApiResponse(
    ConflictSerializer,
    description="Someone else changed it since the version you sent: nothing was written. "
    "Read it again and re-apply your changes with `current_version`.",
)

# Every operation may answer these, whatever it does.
NOT_SIGNED_IN = OpenApiResponse(
    ErrorSerializer,
    description="Not signed in: send `Authorization: Token <key>` (or use a signed-in session).",
)
NOT_ALLOWED = OpenApiResponse(
    ErrorSerializer,
    description="Signed in, but two-factor authentication is not set up (roles that see "
    "residents need it), or your role may not do this.",
)


NOT_ACCEPTABLE = OpenApiResponse(
    ErrorSerializer, description="The Accept header asks for something other than JSON."
)
UNSUPPORTED_MEDIA_TYPE = OpenApiResponse(
    ErrorSerializer, description="The body is not JSON: send `Content-Type: application/json`."
)


@csrf_exempt  # it changes nothing, whatever the method: no form to protect
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any address under /api/v1/ that is no endpoint: a JSON 404, never an HTML page."""
    from django.http import JsonResponse

    return JsonResponse({"detail": "No such endpoint: see /api/v1/schema/."}, status=404)


KEY_REUSED = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="The submission_key was already used for a different request: nothing was "
    "written. Send a new key for a new record.",
)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, and: an edit conflict is a 409 with the current version; a submission key
    reused for a different request is a 422; a rule a service enforces (Django's
    ValidationError) is a 400 in the shape of any other invalid input, never a 500."""
    from django.core.exceptions import ValidationError

    from thurrock_care.submissions import KeyReused
    from thurrock_care.versions import EditConflict

    if isinstance(exc, EditConflict):
        body = {
            "detail": "Someone else changed this since you read it: nothing was written. Read "
            "it again, then send your changes with its current version.",
            "current_version": exc.current_version,
        }
        return Response(body, status=409)
    if isinstance(exc, KeyReused):
        body = {"submission_key": ["This key was already used for a different request."]}
        return Response(body, status=422)
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return Response({field: list(errors) for field, errors in exc.message_dict.items()},
                            status=400)  # fmt: skip
        return Response({"non_field_errors": exc.messages}, status=400)
    return drf_exception_handler(exc, context)
