"""The OpenAPI schema (drf-spectacular), made to say what the API really does."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers

from thurrock_care.api.errors import (
    KEY_REUSED,
    NOT_ACCEPTABLE,
    NOT_ALLOWED,
    NOT_FOUND,
    NOT_SIGNED_IN,
    UNSUPPORTED_MEDIA_TYPE,
    VALIDATION_ERROR,
)

Direction = Literal["request", "response"]


class Schema(AutoSchema):
    """drf-spectacular's schema, made to say what the API really does:

    - every operation documents 401, 403 and 406; those with a body 415; operations on one
      record 404; lists 400 (a cursor not one we gave, or a `page`); creates that take a
      submission key 422;
    - a string the API refuses empty has `minLength: 1`;
    - a field a serializer lists in `Meta.absent_for_some_callers` is not `required` in
      responses (key safety information is left out for roles that may not see it).
    """

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        errors = {"401": NOT_SIGNED_IN, "403": NOT_ALLOWED, "406": NOT_ACCEPTABLE}
        if self.method in ("POST", "PUT", "PATCH"):
            errors["415"] = UNSUPPORTED_MEDIA_TYPE
        request = force_instance(self.get_request_serializer())
        keyed = isinstance(request, serializers.Serializer) and "submission_key" in request.fields
        if self.method == "POST" and keyed:
            errors["422"] = KEY_REUSED
        if "{" in self.path:
            errors["404"] = NOT_FOUND
        if self._is_list_view() and self._get_paginator():
            errors["400"] = VALIDATION_ERROR
        for status, response in errors.items():
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    response, status, direction=direction
                )
        return responses

    def _insert_field_validators(self, field: serializers.Field, schema: dict) -> None:
        super()._insert_field_validators(field, schema)
        refuses_empty = (
            isinstance(field, serializers.CharField)
            and not field.allow_blank
            and not field.read_only
            and schema.get("type") == "string"
        )
        if refuses_empty and "minLength" not in schema:
            schema["minLength"] = 1

    def _map_basic_serializer(self, serializer: serializers.Serializer, direction: str) -> dict:
        schema = super()._map_basic_serializer(serializer, direction)
        absent = getattr(getattr(serializer, "Meta", None), "absent_for_some_callers", ())
        if absent and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in absent]
        return schema
