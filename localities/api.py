from typing import cast

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from localities import queries, services
from localities.models import (
    ASSET_EDITOR_ROLES,
    ActionItem,
    CommunityAsset,
    Locality,
    Meeting,
    Membership,
    Neighbourhood,
    Organisation,
)
from thurrock_care.accounts.models import User


class LocalitySerializer(serializers.ModelSerializer):
    neighbourhoods: serializers.SlugRelatedField = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )

    class Meta:
        model = Locality
        fields = ["slug", "name", "short_name", "neighbourhoods"]


class LocalityViewSet(viewsets.ReadOnlyModelViewSet):
    """The four localities, each with its neighbourhoods."""

    queryset = Locality.objects.prefetch_related("neighbourhoods").order_by("name")
    serializer_class = LocalitySerializer
    lookup_field = "slug"


# ILT: community assets, memberships and meetings ------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField()


VALIDATION_ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="Invalid input: each field's problems, as a list of messages under its name.",
)
NOT_FOUND = OpenApiResponse(response=ErrorSerializer, description="No such record you may see.")
FORBIDDEN = OpenApiResponse(response=ErrorSerializer, description="Not allowed for your role.")


class LocalitySlugField(serializers.SlugField):
    """A locality, by its slug (for example `grays`)."""

    def to_internal_value(self, data: str) -> Locality:  # type: ignore[override]
        slug = super().to_internal_value(data)
        locality = Locality.objects.filter(slug=slug).first()
        if locality is None:
            raise serializers.ValidationError(f"There is no locality '{slug}'.")
        return locality

    def to_representation(self, value: Locality) -> str:  # type: ignore[override]
        return value.slug


class CommunityAssetSerializer(serializers.ModelSerializer):
    locality = serializers.CharField(source="neighbourhood.locality.slug", read_only=True)
    updated_by: serializers.StringRelatedField = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = CommunityAsset
        fields = [
            "id",
            "name",
            "kind",
            "neighbourhood",
            "locality",
            "offer",
            "when",
            "where",
            "contact",
            "cost",
            "accessibility",
            "active",
            "version",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = ["active", "version", "updated_at"]


class CommunityAssetUpdateSerializer(serializers.ModelSerializer):
    """Any of an asset's fields, plus the `version` you read: a newer one on the server is 409."""

    version = serializers.IntegerField(
        min_value=1, help_text="The version you last read; the update is refused if it changed."
    )

    class Meta:
        model = CommunityAsset
        fields = [
            "name",
            "kind",
            "neighbourhood",
            "offer",
            "when",
            "where",
            "contact",
            "cost",
            "accessibility",
            "active",
            "version",
        ]
        extra_kwargs = {name: {"required": False} for name in fields if name != "version"}


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
            409: OpenApiResponse(
                response=ConflictSerializer,
                description="Someone else changed the asset since the version you sent.",
            ),
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

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        user = cast(User, self.request.user)
        if user.role not in ASSET_EDITOR_ROLES:
            raise PermissionDenied("Managers read the directory; they cannot add to it.")
        serializer.instance = services.create_asset(by=user, **serializer.validated_data)

    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        asset = self.get_object()
        changes = CommunityAssetUpdateSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        fields = dict(changes.validated_data)
        version = fields.pop("version")
        try:
            services.update_asset(
                asset=asset, by=cast(User, request.user), version=version, **fields
            )
        except services.EditConflict as conflict:
            detail = (
                f"Someone else changed this asset since version {version}: read it again "
                "and re-apply your changes."
            )
            return Response(
                {"detail": detail, "current_version": conflict.current_version},
                status=status.HTTP_409_CONFLICT,
            )
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
        return memberships.order_by("locality__name", "organisation__name", "pk")


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "text", "owner", "done", "carried_from"]


class MeetingSerializer(serializers.ModelSerializer):
    locality = LocalitySlugField()
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

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        user = cast(User, self.request.user)
        data = dict(serializer.validated_data)
        locality = data.pop("locality")
        if not Locality.objects.coordinated_by(user).filter(pk=locality.pk).exists():
            raise PermissionDenied("Only the locality's coordinators add its meetings.")
        meeting = services.create_meeting(locality=locality, by=user, **data)
        serializer.instance = self.get_queryset().get(pk=meeting.pk)


router = DefaultRouter()
router.register("localities", LocalityViewSet, basename="locality")
router.register("community-assets", CommunityAssetViewSet, basename="community-asset")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("meetings", MeetingViewSet, basename="meeting")
urlpatterns = router.urls
