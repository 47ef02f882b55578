"""Drop-in sessions: those the caller runs (their localities), planning one, starting and
ending it, the anonymous headcount, and quick conversations there (an existing resident, or
someone new with localities' duplicate check)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from introductions.api.common import ID, NOT_FOUND, service_errors, visible_resident
from introductions.api.conversations import (
    ConversationSerializer,
    ConversationValuesSerializer,
    conversation_values,
)
from introductions.models import Conversation, DropInSession, DropInSessionQuerySet
from introductions.services import conversations as conversation_services
from introductions.services import drop_ins as services
from localities.api.residents import ResidentSummarySerializer
from localities.forms.residents import ResidentForm
from localities.models import CommunityAsset, Locality, Neighbourhood, Organisation
from localities.services.residents import LikelyDuplicates
from thurrock_care import access
from thurrock_care.api.errors import CONFLICT, VALIDATION_ERROR, ErrorSerializer
from thurrock_care.api.fields import caller, submission_key_field, validate_with, version_field


class DropInSerializer(serializers.ModelSerializer):
    locality = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    place = serializers.CharField(read_only=True)

    class Meta:
        model = DropInSession
        fields = ["id", "title", "kind", "locality", "venue", "asset", "place", "starts_at",
                  "ends_at", "organisations", "description", "headcount", "started_at",
                  "ended_at", "cancelled", "version"]  # fmt: skip
        read_only_fields = fields


class NewDropInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=DropInSession.Kind.choices, required=False)
    locality = serializers.SlugField(max_length=50, help_text="Its slug: grays, asop…")
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    asset = serializers.IntegerField(required=False, allow_null=True, **ID)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    organisations = serializers.ListField(
        child=serializers.IntegerField(**ID), required=False, max_length=100
    )
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    submission_key = submission_key_field()


class DropInChangesSerializer(NewDropInSerializer):
    """What changes (any of the fields), and the version read."""

    submission_key = None  # type: ignore[assignment]
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = name == "version"


class CancelSerializer(serializers.Serializer):
    version = version_field()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class HeadcountSerializer(serializers.Serializer):
    people = serializers.IntegerField(min_value=1, max_value=services.MAX_HEADCOUNT_STEP)
    submission_key = submission_key_field()


class NewPersonSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    neighbourhood = serializers.CharField(max_length=100, help_text="Its name.")
    date_of_birth = serializers.DateField(required=False, allow_null=True)


class QuickConversationSerializer(ConversationValuesSerializer):
    """With someone known (`resident`) or someone new (`new_resident`)."""

    resident = serializers.IntegerField(required=False, allow_null=True, **ID)
    new_resident = NewPersonSerializer(required=False, allow_null=True)
    confirm_new = serializers.BooleanField(
        required=False, default=False, help_text="None of the look-alikes is them (after a 409)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("resident")) == bool(attrs.get("new_resident")):
            raise serializers.ValidationError("Give either resident or new_resident.")
        return attrs


def _resolved(values: dict[str, Any]) -> dict[str, Any]:
    """The locality (by slug), the asset and the organisations (by id) named, or a 400."""
    if "locality" in values:
        values["locality"] = Locality.objects.filter(slug=values["locality"]).first()
        if values["locality"] is None:
            raise serializers.ValidationError({"locality": ["No such locality."]})
    if values.get("asset"):
        values["asset"] = CommunityAsset.objects.filter(pk=values["asset"]).first()
        if values["asset"] is None:
            raise serializers.ValidationError({"asset": ["No such community asset."]})
    elif "asset" in values:
        values["asset"] = None
    if "organisations" in values:
        ids = set(values["organisations"])
        values["organisations"] = list(Organisation.objects.filter(pk__in=ids))
        if len(values["organisations"]) != len(ids):
            raise serializers.ValidationError({"organisations": ["No such organisation."]})
    return values


class LookAlikesSerializer(serializers.Serializer):
    detail = serializers.CharField()
    duplicates = ResidentSummarySerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary="Sessions in the caller's localities, soonest first",
        responses={200: DropInSerializer(many=True)},
    ),
    retrieve=extend_schema(summary="A session", responses={200: DropInSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Plan a drop-in or community event",
        request=NewDropInSerializer,
        responses={
            201: DropInSerializer,
            400: VALIDATION_ERROR,
            404: OpenApiResponse(ErrorSerializer, description="Your role runs no drop-ins."),
        },
    ),
)
class DropInViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DropInSerializer
    lookup_value_regex = "[0-9]{1,18}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> DropInSessionQuerySet:
        return (
            DropInSession.objects.run_by(caller(self.request))
            .select_related("locality", "asset")
            .prefetch_related("organisations")
            .order_by("-starts_at", "-id")
        )

    def create(self, request: Request) -> Response:
        if not access.runs_drop_ins(caller(request)):
            raise NotFound
        serializer = NewDropInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = _resolved(dict(serializer.validated_data))
        with service_errors():
            session = services.create_drop_in(
                by=caller(request), request=request._request, **values
            )
        return Response(DropInSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a session (version-checked)",
        request=DropInChangesSerializer,
        responses={200: DropInSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        session = self.get_object()
        serializer = DropInChangesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = _resolved(dict(serializer.validated_data))
        version = values.pop("version")
        with service_errors():
            services.update_drop_in(
                session=session, by=caller(request), version=version,
                request=request._request, **values,
            )  # fmt: skip
        return Response(DropInSerializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(
        summary="Cancel a planned session (before it starts)",
        request=CancelSerializer,
        responses={200: DropInSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        session = self.get_object()
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.cancel_drop_in(
                session=session, by=caller(request), request=request._request,
                version=serializer.validated_data["version"],
                reason=serializer.validated_data.get("reason", ""),
            )  # fmt: skip
        return Response(DropInSerializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(summary="Start the session", request=None,
                   responses={200: DropInSerializer, 404: NOT_FOUND})  # fmt: skip
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        session = services.start_drop_in(
            session=self.get_object(), by=caller(request), request=request._request
        )
        return Response(DropInSerializer(session).data)

    @extend_schema(summary="End the session", request=None,
                   responses={200: DropInSerializer, 404: NOT_FOUND})  # fmt: skip
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        session = services.end_drop_in(
            session=self.get_object(), by=caller(request), request=request._request
        )
        return Response(DropInSerializer(session).data)

    @extend_schema(
        summary="Count people helped without a record (anonymous)",
        request=HeadcountSerializer,
        responses={200: DropInSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def headcount(self, request: Request, pk: str) -> Response:
        session = self.get_object()
        serializer = HeadcountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            session = services.add_to_headcount(
                session=session, by=caller(request), request=request._request,
                people=serializer.validated_data["people"],
                submission_key=serializer.validated_data.get("submission_key"),
            )  # fmt: skip
        return Response(DropInSerializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(
        summary="A quick conversation at the session, with someone known or someone new",
        request=QuickConversationSerializer,
        responses={
            201: ConversationSerializer,
            400: VALIDATION_ERROR,
            404: NOT_FOUND,
            409: OpenApiResponse(
                LookAlikesSerializer,
                description="Likely duplicates: send again with confirm_new if none is them, "
                "or with resident set to one of them.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def conversations(self, request: Request, pk: str) -> Response:
        session = self.get_object()
        serializer = QuickConversationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        resident_id, new = values.pop("resident", None), values.pop("new_resident", None)
        confirm_new = values.pop("confirm_new")
        values["drop_in"] = session.pk
        if resident_id:
            resident = visible_resident(request, resident_id)
            values = conversation_values(request, resident.neighbourhood.locality_id, values)
            with service_errors():
                conversation = conversation_services.log_conversation(
                    resident=resident, by=caller(request), request=request._request, **values
                )
        else:
            made = self._first_conversation(request, session, new, confirm_new, values)
            if isinstance(made, Response):
                return made
            conversation = made
        found = Conversation.objects.visible_to(caller(request)).get(pk=conversation.pk)
        return Response(ConversationSerializer(found).data, status=status.HTTP_201_CREATED)

    def _first_conversation(
        self,
        request: Request,
        session: DropInSession,
        new: dict[str, Any],
        confirm_new: bool,
        values: dict[str, Any],
    ) -> Conversation | Response:
        neighbourhood = Neighbourhood.objects.filter(name__iexact=new["neighbourhood"].strip())
        form = ResidentForm(
            {
                "full_name": new["full_name"],
                "neighbourhood": getattr(neighbourhood.first(), "pk", ""),
                "date_of_birth": new.get("date_of_birth") or "",
            },
            user=caller(request),
        )
        cleaned = validate_with(form)
        details = {name: cleaned[name] for name in ("full_name", "neighbourhood")}
        if cleaned.get("date_of_birth"):
            details["date_of_birth"] = cleaned["date_of_birth"]
        values = conversation_values(request, details["neighbourhood"].locality_id, values)
        key = values.pop("submission_key", None)
        try:
            with service_errors():
                return conversation_services.log_first_conversation(
                    by=caller(request), resident_details=details, confirm_new=confirm_new,
                    submission_key=key, request=request._request, **values,
                )  # fmt: skip
        except LikelyDuplicates as found:
            body = {
                "detail": "This may be someone already known. Send again with resident set "
                "to one of these, or with confirm_new: true.",
                "duplicates": ResidentSummarySerializer(found.residents, many=True).data,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
