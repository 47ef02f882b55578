"""Introductions: list, read, make (no referral form), change (version-checked) and reassign
in bulk."""

from __future__ import annotations

from django.forms.models import model_to_dict
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from introductions import holders
from introductions.api.common import (
    ID,
    NOT_FOUND,
    SCORE,
    ResidentFilterSerializer,
    audit_list,
    audit_one,
    service_errors,
)
from introductions.forms.introductions import EditIntroductionForm, NewIntroductionForm
from introductions.models import INTRODUCTION_FIELDS, Introduction, IntroductionQuerySet
from introductions.services import introductions as services
from localities.models import Resident
from thurrock_care import access
from thurrock_care.accounts.models import User
from thurrock_care.api.errors import CONFLICT, VALIDATION_ERROR, ErrorSerializer
from thurrock_care.api.fields import (
    caller,
    form_data,
    submission_key_field,
    validate_with,
    version_field,
)


class IntroductionSerializer(serializers.ModelSerializer):
    resident_reference = serializers.CharField(source="resident.reference", read_only=True)
    holder_name = serializers.CharField(source="holder.full_name", read_only=True)

    class Meta:
        model = Introduction
        fields = ["id", "resident", "resident_reference", *INTRODUCTION_FIELDS, "holder_name",
                  "ended_on", "drop_in", "version", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields


class IntroductionValuesSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Introduction.Source.choices)  # type: ignore[assignment]
    source_other = serializers.CharField(max_length=200, required=False, allow_blank=True)
    introduced_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
    introduced_on = serializers.DateField(required=False)
    holder = serializers.IntegerField(help_text="The LAC's user id.", **ID)
    status = serializers.ChoiceField(choices=Introduction.Status.choices, required=False)
    ended_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    stay_in_touch_by = serializers.DateField(required=False, allow_null=True)


class WellbeingScoresSerializer(serializers.Serializer):
    life_satisfaction = serializers.IntegerField(**SCORE)
    worthwhile = serializers.IntegerField(**SCORE)
    happy_yesterday = serializers.IntegerField(**SCORE)
    anxious_yesterday = serializers.IntegerField(**SCORE)


class NewIntroductionSerializer(IntroductionValuesSerializer):
    resident = serializers.IntegerField(**ID)
    wellbeing = WellbeingScoresSerializer(
        required=False,
        help_text="Their answers to the wellbeing questions, if they chose to answer (refused "
        "if they answered less than a quarter ago).",
    )
    submission_key = submission_key_field()


class IntroductionChangesSerializer(IntroductionValuesSerializer):
    source = serializers.ChoiceField(choices=Introduction.Source.choices, required=False)
    holder = serializers.IntegerField(required=False, help_text="The LAC's user id.", **ID)
    version = version_field()


class ReassignSerializer(serializers.Serializer):
    introductions = serializers.ListField(
        child=serializers.IntegerField(**ID), min_length=1, max_length=500
    )
    to = serializers.IntegerField(help_text="The LAC who takes them on (user id).", **ID)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReassignedSerializer(serializers.Serializer):
    reassigned = serializers.ListField(child=serializers.IntegerField())


class ListFilterSerializer(ResidentFilterSerializer):
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only open introductions the caller holds."
    )


@extend_schema_view(
    list=extend_schema(
        summary="Introductions of residents the caller may see",
        parameters=[ListFilterSerializer],
        responses={200: IntroductionSerializer(many=True), 400: VALIDATION_ERROR},
    ),
    retrieve=extend_schema(
        summary="An introduction (the view is in the audit trail)",
        responses={200: IntroductionSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Introduce a resident to a Local Area Coordinator",
        request=NewIntroductionSerializer,
        responses={201: IntroductionSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="Change an introduction",
        request=IntroductionChangesSerializer,
        responses={
            200: IntroductionSerializer,
            400: VALIDATION_ERROR,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    ),
)
class IntroductionViewSet(viewsets.GenericViewSet):
    serializer_class = IntroductionSerializer
    lookup_value_regex = "[0-9]{1,18}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> IntroductionQuerySet:
        return Introduction.objects.visible_to(caller(self.request)).select_related(
            "resident", "holder"
        )

    def list(self, request: Request) -> Response:
        params = ListFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = self.get_queryset().order_by("-introduced_on", "-id")
        if "resident" in params.validated_data:
            found = found.filter(resident_id=params.validated_data["resident"])
        if params.validated_data["mine"]:
            found = found.open().filter(holder=caller(request))
        page = self.paginate_queryset(found)
        audit_list(request, [i.resident_id for i in page or []])
        return self.get_paginated_response(IntroductionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        introduction = self.get_object()
        audit_one(request, introduction.resident)
        return Response(IntroductionSerializer(introduction).data)

    def create(self, request: Request) -> Response:
        if not access.sees_named_residents(caller(request)):
            raise NotFound
        serializer = NewIntroductionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        resident = (
            Resident.objects.changeable_by(caller(request))
            .select_related("neighbourhood")
            .filter(pk=values.pop("resident"))
            .first()
        )
        if resident is None:
            raise NotFound("No such resident whose introduction you may make.")
        key = values.pop("submission_key", None)
        scores = values.pop("wellbeing", None)
        values.setdefault("introduced_on", timezone.localdate())
        values.setdefault("status", Introduction.Status.GETTING_TO_KNOW)
        form = NewIntroductionForm(
            form_data(values), holders=holders.eligible(resident.neighbourhood.locality_id)
        )
        cleaned = validate_with(form)
        cleaned.pop("submission_key", None)
        with service_errors():
            introduction = services.create_introduction(
                resident=resident, by=caller(request), submission_key=key, wellbeing=scores,
                request=request._request, **cleaned,
            )  # fmt: skip
        return Response(IntroductionSerializer(introduction).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        introduction = (
            Introduction.objects.changeable_by(caller(request))
            .select_related("resident__neighbourhood", "holder")
            .filter(pk=int(pk))
            .first()
        )
        if introduction is None:
            raise NotFound
        serializer = IntroductionChangesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        current = model_to_dict(introduction, fields=INTRODUCTION_FIELDS)
        form = EditIntroductionForm(
            {**form_data(current), **form_data(changes), "version": version},
            holders=holders.eligible(introduction.resident.neighbourhood.locality_id),
        )
        values = validate_with(form)
        values.pop("version")
        with service_errors():
            services.update_introduction(
                introduction=introduction, by=caller(request), version=version,
                request=request._request, **values,
            )  # fmt: skip
        return Response(IntroductionSerializer(self.get_queryset().get(pk=introduction.pk)).data)

    @extend_schema(
        summary="Give introductions to another LAC (coordinators of the locality)",
        request=ReassignSerializer,
        responses={
            200: ReassignedSerializer,
            400: VALIDATION_ERROR,
            404: OpenApiResponse(ErrorSerializer, description="Not all are yours to reassign."),
        },
    )
    @action(detail=False, methods=["post"])
    def reassign(self, request: Request) -> Response:
        if not access.reviews_records(caller(request)):
            raise NotFound
        serializer = ReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = set(serializer.validated_data["introductions"])
        found = list(Introduction.objects.reassignable_by(caller(request)).filter(pk__in=ids))
        if len(found) != len(ids):
            raise NotFound("Not all of these are introductions you may reassign.")
        to = User.objects.filter(pk=serializer.validated_data["to"], is_active=True).first()
        if to is None:
            raise serializers.ValidationError({"to": ["No such Local Area Coordinator."]})
        with service_errors():
            moved = services.reassign_introductions(
                introductions=found, to=to, by=caller(request),
                reason=serializer.validated_data.get("reason", ""), request=request._request,
            )  # fmt: skip
        return Response({"reassigned": [i.pk for i in moved]})
