"""Conversations (logged once per submission key), the connections they make, and the caller's
follow-ups due."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from introductions.api.common import (
    ID,
    NOT_FOUND,
    ResidentFilterSerializer,
    audit_list,
    audit_one,
    service_errors,
    visible_resident,
)
from introductions.models import (
    ConnectionMade,
    Conversation,
    ConversationQuerySet,
    DropInSession,
    FollowUp,
)
from introductions.services import conversations as services
from introductions.services.conversations import NewConnection
from localities.models import CommunityAsset, Organisation, Resident
from thurrock_care import access
from thurrock_care.api.errors import VALIDATION_ERROR
from thurrock_care.api.fields import caller, submission_key_field

TEXT: dict[str, Any] = {"max_length": 10000, "required": False, "allow_blank": True}


class ConnectionMadeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = ConnectionMade
        fields = ["id", "resident", "conversation", "asset", "person", "name", "outcome",
                  "checked_in", "checked_at"]  # fmt: skip
        read_only_fields = fields


class ConversationSerializer(serializers.ModelSerializer):
    held_by_name = serializers.CharField(source="held_by.full_name", read_only=True)
    connections_made = ConnectionMadeSerializer(many=True, read_only=True)

    class Meta:
        model = Conversation
        fields = ["id", "resident", "held_at", "how_we_met", "what_matters", "asset", "venue",
                  "organisations", "strengths", "next_steps", "stay_in_touch_by", "sensitive",
                  "drop_in", "held_by_name", "connections_made", "created_at"]  # fmt: skip
        read_only_fields = fields


class NewConnectionSerializer(serializers.Serializer):
    asset = serializers.IntegerField(required=False, allow_null=True, **ID)
    person = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CheckedSerializer(serializers.Serializer):
    connection = serializers.IntegerField(**ID)
    outcome = serializers.ChoiceField(
        choices=[ConnectionMade.Outcome.KEPT, ConnectionMade.Outcome.NOT_KEPT]
    )


class ConversationValuesSerializer(serializers.Serializer):
    """A conversation's values; with the resident, four are required: at most five."""

    held_at = serializers.DateTimeField(required=False, help_text="Default: now.")
    how_we_met = serializers.ChoiceField(choices=Conversation.HowWeMet.choices)
    what_matters = serializers.CharField(max_length=10000)
    asset = serializers.IntegerField(required=False, allow_null=True, **ID)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    organisations = serializers.ListField(
        child=serializers.IntegerField(**ID), required=False, max_length=100
    )
    strengths = serializers.CharField(**TEXT)
    next_steps = serializers.CharField(**TEXT)
    stay_in_touch_by = serializers.DateField(required=False, allow_null=True)
    sensitive = serializers.BooleanField(required=False, default=False)
    connections = NewConnectionSerializer(many=True, required=False, max_length=20)  # type: ignore[call-arg]
    checked = CheckedSerializer(many=True, required=False, max_length=50)  # type: ignore[call-arg]
    submission_key = submission_key_field()

    def validate_held_at(self, value: Any) -> Any:
        if value > timezone.now() + timedelta(minutes=5):
            raise serializers.ValidationError("A conversation cannot be in the future.")
        return value


class NewConversationSerializer(ConversationValuesSerializer):
    resident = serializers.IntegerField(**ID)
    drop_in = serializers.IntegerField(
        required=False, allow_null=True, help_text="The session it was at, if any.", **ID
    )


def conversation_values(request: Request, locality: int, values: dict[str, Any]) -> dict[str, Any]:
    """The service's arguments from validated values (for a resident of `locality`): ids
    looked up, a wrong one is a 400."""
    values = dict(values)
    assets = CommunityAsset.objects.filter(neighbourhood__locality=locality)
    asset_ids = {values.get("asset")} | {c.get("asset") for c in values.get("connections", [])}
    found = {a.pk: a for a in assets.filter(pk__in=[i for i in asset_ids if i])}
    missing = [i for i in asset_ids if i and i not in found]
    if missing:
        raise serializers.ValidationError({"asset": [f"No community asset {missing[0]} in "
                                                     "their locality."]})  # fmt: skip
    values["asset"] = found.get(values.get("asset") or 0)
    organisation_ids = set(values.pop("organisations", []))
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids))
    if len(organisations) != len(organisation_ids):
        raise serializers.ValidationError({"organisations": ["No such organisation."]})
    values["organisations"] = organisations
    values["connections"] = [
        NewConnection(asset=found.get(c.get("asset") or 0), person=c.get("person", ""))
        for c in values.get("connections", [])
    ]
    values["checked"] = {c["connection"]: c["outcome"] for c in values.get("checked", [])}
    drop_in = values.pop("drop_in", None)
    values["drop_in"] = None
    if drop_in:
        values["drop_in"] = DropInSession.objects.run_by(caller(request)).filter(pk=drop_in).first()
        if values["drop_in"] is None:
            raise serializers.ValidationError({"drop_in": ["No such session you run."]})
    return values


def log(request: Request, resident: Resident, values: dict[str, Any]) -> Conversation:
    values = conversation_values(request, resident.neighbourhood.locality_id, values)
    with service_errors():
        return services.log_conversation(
            resident=resident, by=caller(request), request=request._request, **values
        )


@extend_schema_view(
    list=extend_schema(
        summary="Conversations the caller may read (sensitive ones: roles that see key safety "
        "information, and their author)",
        parameters=[ResidentFilterSerializer],
        responses={200: ConversationSerializer(many=True), 400: VALIDATION_ERROR},
    ),
    retrieve=extend_schema(
        summary="A conversation (the view is in the audit trail)",
        responses={200: ConversationSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Log a conversation (the same submission_key again gives the same one)",
        request=NewConversationSerializer,
        responses={201: ConversationSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
)
class ConversationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ConversationSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> ConversationQuerySet:
        return (
            Conversation.objects.visible_to(caller(self.request))
            .select_related("held_by", "resident")
            .prefetch_related("organisations", "connections_made")
            .order_by("-held_at", "-id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = ResidentFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = self.get_queryset()
        if "resident" in params.validated_data:
            found = found.filter(resident_id=params.validated_data["resident"])
        page = self.paginate_queryset(found)
        audit_list(request, [c.resident_id for c in page or []])
        return self.get_paginated_response(ConversationSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        conversation = self.get_object()
        audit_one(request, conversation.resident)
        return Response(ConversationSerializer(conversation).data)

    def create(self, request: Request) -> Response:
        if not access.sees_named_residents(caller(request)):
            raise NotFound
        serializer = NewConversationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        resident = visible_resident(request, values.pop("resident"))
        conversation = log(request, resident, values)
        data = ConversationSerializer(self.get_queryset().get(pk=conversation.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Connections made to community assets and people, and whether they held",
        parameters=[ResidentFilterSerializer],
        responses={200: ConnectionMadeSerializer(many=True), 400: VALIDATION_ERROR},
    ),
)
class ConnectionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ConnectionMadeSerializer

    def get_queryset(self) -> QuerySet[ConnectionMade]:
        return (
            ConnectionMade.objects.visible_to(caller(self.request))
            .select_related("asset")
            .order_by("-id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = ResidentFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = self.get_queryset()
        if "resident" in params.validated_data:
            found = found.filter(resident_id=params.validated_data["resident"])
        page = self.paginate_queryset(found)
        audit_list(request, [c.resident_id for c in page or []])
        return self.get_paginated_response(ConnectionMadeSerializer(page, many=True).data)


class FollowUpSerializer(serializers.ModelSerializer):
    resident_reference = serializers.CharField(source="resident.reference", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = ["id", "resident", "resident_reference", "due_on", "overdue", "introduction",
                  "conversation"]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, follow_up: FollowUp) -> bool:
        return follow_up.due_on < timezone.localdate()


@extend_schema_view(
    list=extend_schema(
        summary="The caller's follow-ups due today and overdue",
        responses={200: FollowUpSerializer(many=True)},
    ),
)
class FollowUpViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = FollowUpSerializer

    def get_queryset(self) -> QuerySet[FollowUp]:
        user = caller(self.request)
        return (
            FollowUp.objects.due(timezone.localdate())
            .filter(owner=user, resident__in=Resident.objects.visible_to(user))
            .select_related("resident")
            .order_by("due_on", "pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        audit_list(request, [f.resident_id for f in page or []])
        return self.get_paginated_response(FollowUpSerializer(page, many=True).data)
