"""How are you feeling: the ONS4 answers, optional, at most once a quarter."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from introductions.api.common import (
    ID,
    NOT_FOUND,
    SCORE,
    ResidentFilterSerializer,
    audit_list,
    service_errors,
    visible_resident,
)
from introductions.models import (
    WELLBEING_FIELDS,
    Introduction,
    WellbeingAnswer,
    WellbeingAnswerQuerySet,
)
from introductions.services import wellbeing as services
from thurrock_care import access
from thurrock_care.api.errors import VALIDATION_ERROR
from thurrock_care.api.fields import caller, submission_key_field


class WellbeingAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = WellbeingAnswer
        fields = ["id", "resident", "answered_on", *WELLBEING_FIELDS, "introduction",
                  "recorded_at"]  # fmt: skip
        read_only_fields = fields


class NewWellbeingAnswerSerializer(serializers.Serializer):
    resident = serializers.IntegerField(**ID)
    answered_on = serializers.DateField(required=False)
    life_satisfaction = serializers.IntegerField(**SCORE)
    worthwhile = serializers.IntegerField(**SCORE)
    happy_yesterday = serializers.IntegerField(**SCORE)
    anxious_yesterday = serializers.IntegerField(**SCORE)
    submission_key = submission_key_field()


@extend_schema_view(
    list=extend_schema(
        summary="Wellbeing answers of residents the caller may see",
        parameters=[ResidentFilterSerializer],
        responses={200: WellbeingAnswerSerializer(many=True), 400: VALIDATION_ERROR},
    ),
    create=extend_schema(
        summary="Record their answers (no sooner than a quarter after the last)",
        request=NewWellbeingAnswerSerializer,
        responses={201: WellbeingAnswerSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
)
class WellbeingAnswerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = WellbeingAnswerSerializer

    def get_queryset(self) -> WellbeingAnswerQuerySet:
        return WellbeingAnswer.objects.visible_to(caller(self.request)).order_by(
            "-answered_on", "-id"
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = ResidentFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = self.get_queryset()
        if "resident" in params.validated_data:
            found = found.filter(resident_id=params.validated_data["resident"])
        page = self.paginate_queryset(found)
        audit_list(request, [a.resident_id for a in page or []])
        return self.get_paginated_response(WellbeingAnswerSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        if not access.sees_named_residents(caller(request)):
            raise NotFound
        serializer = NewWellbeingAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        resident = visible_resident(request, values.pop("resident"))
        key = values.pop("submission_key", None)
        with service_errors():
            answer = services.record_wellbeing(
                resident=resident, by=caller(request), submission_key=key,
                introduction=Introduction.objects.open().filter(resident=resident).first(),
                request=request._request, **values,
            )  # fmt: skip
        return Response(WellbeingAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)
