"""The API of the ILT: community assets (search, add, change with a version), memberships,
monthly meetings."""

from typing import cast

from django.db.models import F, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from localities import queries
from localities.api.places import LocalitySlugField
from localities.models import (
    ASSET_FIELDS,
    ActionItem,
    CommunityAsset,
    Locality,
    Meeting,
    Membership,
    Neighbourhood,
    Organisation,
)
from localities.services import ilt as services
from thurrock_care import access
from thurrock_care.accounts.models import User
from thurrock_care.api.errors import CONFLICT, FORBIDDEN, NOT_FOUND, VALIDATION_ERROR
from thurrock_care.api.fields import caller, submission_key_field, version_field


class CommunityAssetSerializer(serializers.ModelSerializer):
    locality = serializers.CharField(source="neighbourhood.locality.slug", read_only=True)
    submission_key = submission_key_field()
    updated_by: serializers.StringRelatedField = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = CommunityAsset
        fields = ["id", *ASSET_FIELDS, "locality", "active", "version", "updated_by"]
        fields += ["updated_at", "submission_key"]
        read_only_fields = ["active", "version", "updated_at"]


class CommunityAssetUpdateSerializer(serializers.ModelSerializer):
    """Any of an asset's fields, plus the `version` you read: a newer one on the server is 409."""

    version = version_field()

    class Meta:
        model = CommunityAsset
        fields = [*ASSET_FIELDS, "active", "version"]
        extra_kwargs = {name: {"required": False} for name in [*ASSET_FIELDS, "active"]}


class AssetFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words in the name, the offer or the place.",
    )
    locality = LocalitySlugField(required=False, help_text="A locality's slug.")
    neighbourhood = serializers.PrimaryKeyRelatedField(
        queryset=Neighbourhood.objects.all(), required=False
    )
    kind = serializers.ChoiceField(choices=CommunityAsset.Kind.choices, required=False)
    include_inactive = serializers.BooleanField(
        required=False, default=False, help_text="Include assets that have stopped."
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[AssetFilterSerializer],
        responses={200: CommunityAssetSerializer(many=True), 400: VALIDATION_ERROR},
    ),
    retrieve=extend_schema(responses={200: CommunityAssetSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        responses={201: CommunityAssetSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN}
    ),
    partial_update=extend_schema(
        request=CommunityAssetUpdateSerializer,
        responses={
            200: CommunityAssetSerializer,
            400: VALIDATION_ERROR,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    ),
)
class CommunityAssetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The community assets directory. Managers read; other roles add and update.

    Assets are never deleted: set `active` to false when one stops.
    """

    lookup_value_regex = "[0-9]{1,18}"

    serializer_class = CommunityAssetSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[CommunityAsset]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no request
            return CommunityAsset.objects.none()
        if self.action == "partial_update":
            return CommunityAsset.objects.editable_by(cast(User, self.request.user)).select_related(
                "neighbourhood__locality", "updated_by"
            )
        if self.action == "list":
            filters = AssetFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            return queries.search_assets(**filters.validated_data)
        return queries.search_assets(include_inactive=True)

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        if not access.edits_assets(cast(User, request.user)):  # before reading what was sent
            raise PermissionDenied("Managers read the directory; they cannot add to it.")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        user = cast(User, self.request.user)
        serializer.instance = services.create_asset(by=user, **serializer.validated_data)

    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        asset = self.get_object()
        changes = CommunityAssetUpdateSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        fields = dict(changes.validated_data)
        version = fields.pop("version")
        services.update_asset(asset=asset, by=caller(request), version=version, **fields)
        return Response(CommunityAssetSerializer(self.get_queryset().get(pk=asset.pk)).data)


class MembershipOrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "description", "contact_email", "contact_phone"]


class MembershipSerializer(serializers.ModelSerializer):
    locality: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    organisation = MembershipOrganisationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "locality", "organisation", "joined_on"]


class LocalityFilterSerializer(serializers.Serializer):
    locality = LocalitySlugField(required=False, help_text="Only this locality (its slug).")


@extend_schema_view(
    list=extend_schema(
        parameters=[LocalityFilterSerializer],
        responses={200: MembershipSerializer(many=True), 400: VALIDATION_ERROR},
    )
)
class MembershipViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Which organisations are members of which locality's ILT, since when."""

    serializer_class = MembershipSerializer

    def get_queryset(self) -> QuerySet[Membership]:
        filters = LocalityFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        memberships = Membership.objects.select_related("locality", "organisation")
        if locality := filters.validated_data.get("locality"):
            memberships = memberships.filter(locality=locality)
        # Cursor pages need the first key on the row itself: the names, as annotations.
        return memberships.annotate(
            locality_name=F("locality__name"), organisation_name=F("organisation__name")
        ).order_by("locality_name", "organisation_name", "pk")


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "text", "owner", "done", "carried_from"]


class MeetingSerializer(serializers.ModelSerializer):
    locality = LocalitySlugField()
    submission_key = submission_key_field()
    items = ActionItemSerializer(many=True, read_only=True)
    attending = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Organisation.objects.all(), required=False
    )
    apologies = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Organisation.objects.all(), required=False
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "locality",
            "starts_at",
            "place",
            "online_link",
            "attending",
            "apologies",
            "notes",
            "decisions",
            "version",
            "items",
            "submission_key",
        ]
        read_only_fields = ["version"]

    def validate(self, attrs: dict) -> dict:
        members = set(
            Organisation.objects.filter(memberships__locality=attrs["locality"]).values_list(
                "pk", flat=True
            )
        )
        errors = {}
        for name in ("attending", "apologies"):
            outsiders = [o.name for o in attrs.get(name, []) if o.pk not in members]
            if outsiders:
                errors[name] = f"Not members of this ILT: {', '.join(outsiders)}."
        both = {o.pk for o in attrs.get("attending", [])} & {
            o.pk for o in attrs.get("apologies", [])
        }
        if both:
            errors["apologies"] = "An organisation cannot both attend and send apologies."
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


@extend_schema_view(
    list=extend_schema(
        parameters=[LocalityFilterSerializer],
        responses={200: MeetingSerializer(many=True), 400: VALIDATION_ERROR},
    ),
    retrieve=extend_schema(responses={200: MeetingSerializer, 404: NOT_FOUND}),
    create=extend_schema(responses={201: MeetingSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN}),
)
class MeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Monthly ILT meetings with their action items; coordinators add meetings.

    A new meeting starts with the open actions of the locality's previous meeting.
    """

    lookup_value_regex = "[0-9]{1,18}"

    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        meetings = Meeting.objects.select_related("locality").prefetch_related(
            "items", "attending", "apologies"
        )
        if self.action == "list":
            filters = LocalityFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            if locality := filters.validated_data.get("locality"):
                meetings = meetings.filter(locality=locality)
        return meetings.order_by("-starts_at", "pk")

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        if not Locality.objects.coordinated_by(cast(User, request.user)).exists():
            raise PermissionDenied("Only the locality's coordinators add its meetings.")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        user = cast(User, self.request.user)
        data = dict(serializer.validated_data)
        locality = data.pop("locality")
        if not Locality.objects.coordinated_by(user).filter(pk=locality.pk).exists():
            raise PermissionDenied("Only the locality's coordinators add its meetings.")
        meeting = services.create_meeting(locality=locality, by=user, **data)
        serializer.instance = self.get_queryset().get(pk=meeting.pk)
