from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from localities import queries, services
from localities.forms import ConsentForm, ResidentForm
from localities.models import (
    ASSET_EDITOR_ROLES,
    ActionItem,
    CommunityAsset,
    Consent,
    Locality,
    Meeting,
    Membership,
    Neighbourhood,
    Organisation,
    Resident,
    ResidentQuerySet,
)
from thurrock_care import access
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
        self.run_validators(slug)  # the slug's format, before it reaches the database
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

# --- Residents -------------------------------------------------------------------------------
#
# The same rules as the pages (views.py): every lookup starts from Resident.objects.visible_to,
# the form classes in forms.py validate, the functions in services.py write and audit.

MAX_ID = 2**63 - 1  # the largest bigint, so that a huge number is a 400, not a database error


RESIDENT_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such resident, or not one the caller has a need to know."
)


class ResidentSummarySerializer(serializers.ModelSerializer):
    """Enough to tell people apart in a list, as the search page shows them."""

    reference = serializers.CharField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    age = serializers.IntegerField(read_only=True, allow_null=True)
    neighbourhood = serializers.CharField(source="neighbourhood.name", read_only=True)
    locality = serializers.CharField(source="neighbourhood.locality.slug", read_only=True)
    partial_postcode = serializers.CharField(read_only=True)

    class Meta:
        model = Resident
        fields = [
            "id",
            "reference",
            "name",
            "age",
            "date_of_birth_is_approximate",
            "neighbourhood",
            "locality",
            "partial_postcode",
            "status",
        ]
        read_only_fields = fields


class ResidentSerializer(serializers.ModelSerializer):
    """A resident's details. key_safety_information is left out for roles that may not see it
    (access.can_see_sensitive); has_key_safety_information tells everyone that there is one."""

    reference = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    age = serializers.IntegerField(read_only=True, allow_null=True)
    neighbourhood = serializers.CharField(source="neighbourhood.name", read_only=True)
    locality = serializers.CharField(source="neighbourhood.locality.slug", read_only=True)
    email = serializers.CharField(read_only=True, help_text="An e-mail address, or empty.")
    key_safety_information = serializers.CharField(
        required=False, help_text="Only for practitioners, coordinators and Wellbeing Team workers."
    )
    has_key_safety_information = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = [
            "id",
            "reference",
            "display_name",
            "full_name",
            "preferred_name",
            "date_of_birth",
            "date_of_birth_is_approximate",
            "age",
            "address",
            "postcode",
            "neighbourhood",
            "locality",
            "phone",
            "email",
            "nhs_number",
            "las_person_id",
            "communication_needs",
            "key_safety_information",
            "has_key_safety_information",
            "status",
            "status_changed_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [f for f in fields if f != "key_safety_information"]

    def get_has_key_safety_information(self, resident: Resident) -> bool:
        return bool(resident.key_safety_information)

    def to_representation(self, instance: Resident) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not access.can_see_sensitive(self.context["request"].user):
            del data["key_safety_information"]
        return data


class ResidentDetailsSerializer(serializers.Serializer):
    """The details a caller sends; forms.ResidentForm's rules apply on top (see validate_with)."""

    full_name = serializers.CharField(max_length=200)
    preferred_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    date_of_birth_is_approximate = serializers.BooleanField(required=False)
    address = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    postcode = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text="A UK postcode: RM17 6SL."
    )
    neighbourhood = serializers.CharField(
        max_length=100, help_text="Its name, as listed under /localities/ (it sets the locality)."
    )
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    nhs_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="10 digits: 943 476 5919."
    )
    las_person_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    communication_needs = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    key_safety_information = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Ignored for roles that may not see it.",
    )

    def validate_neighbourhood(self, name: str) -> Neighbourhood:
        neighbourhood = Neighbourhood.objects.filter(name__iexact=name.strip()).first()
        if neighbourhood is None:
            raise serializers.ValidationError("Choose a neighbourhood listed under /localities/")
        return neighbourhood


class NewResidentSerializer(ResidentDetailsSerializer):
    submission_key = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Your own key for this submission: sending it again returns the same record.",
    )
    confirm_new = serializers.BooleanField(
        default=False,
        help_text="Create the record even though likely duplicates were found (after a 409).",
    )


class ResidentChangesSerializer(ResidentDetailsSerializer):
    """Only the fields sent are changed. `version` is required: the one the caller read."""

    full_name = serializers.CharField(max_length=200, required=False)
    neighbourhood = serializers.CharField(
        max_length=100, required=False, help_text="Its name, as listed under /localities/."
    )
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="Required: the version you last read."
    )


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


class DuplicatesSerializer(serializers.Serializer):
    detail = serializers.CharField()
    duplicates = ResidentSummarySerializer(many=True, help_text="Those the caller may see.")
    hidden = serializers.IntegerField(help_text="How many more the caller may not see.")


class OpenedFromSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="The search that led here, for the audit trail.",
    )


class SearchSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Name, date of birth, postcode or NHS number. Without it: the caller's "
        "residents, by name.",
    )
    include_inactive = serializers.BooleanField(
        required=False, default=False, help_text="Include people who moved away or died."
    )


class OrganisationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]
        read_only_fields = fields


class ConsentSerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="status_label", read_only=True)
    organisations = OrganisationSummarySerializer(many=True, read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.full_name", read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "decision",
            "status",
            "decided_on",
            "expires_on",
            "organisations",
            "notes",
            "is_current",
            "recorded_at",
            "recorded_by",
        ]
        read_only_fields = fields


class NewConsentSerializer(serializers.Serializer):
    """A new decision; forms.ConsentForm's rules apply on top."""

    decision = serializers.ChoiceField(choices=Consent.Decision.choices)
    decided_on = serializers.DateField()
    expires_on = serializers.DateField(required=False, allow_null=True)
    organisations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=200,
        help_text="Ids of organisations in the resident's locality; only when consent is given.",
    )
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        summary="Find residents",
        parameters=[SearchSerializer],
        responses={200: ResidentSummarySerializer(many=True), 400: VALIDATION_ERROR},
    ),
    retrieve=extend_schema(
        summary="A resident's details (the view is in the audit trail)",
        parameters=[OpenedFromSerializer],
        responses={200: ResidentSerializer, 400: VALIDATION_ERROR, 404: RESIDENT_NOT_FOUND},
    ),
    create=extend_schema(
        summary="Add a resident",
        request=NewResidentSerializer,
        responses={
            201: ResidentSerializer,
            400: VALIDATION_ERROR,
            404: OpenApiResponse(ErrorSerializer, description="The caller's role sees no names."),
            409: OpenApiResponse(
                DuplicatesSerializer,
                description="Likely duplicates: send again with confirm_new if none is them.",
            ),
        },
    ),
    partial_update=extend_schema(
        summary="Change a resident's details",
        request=ResidentChangesSerializer,
        responses={
            200: ResidentSerializer,
            400: VALIDATION_ERROR,
            404: RESIDENT_NOT_FOUND,
            409: OpenApiResponse(
                ConflictSerializer, description="Someone else changed the record since."
            ),
        },
    ),
)
class ResidentViewSet(viewsets.GenericViewSet):
    """Residents the caller has a need to know about (thurrock_care/access.py)."""

    serializer_class = ResidentSerializer
    parser_classes = [JSONParser]

    def get_queryset(self) -> ResidentQuerySet:
        return Resident.objects.visible_to(caller(self.request)).select_related(
            "neighbourhood__locality"
        )

    def list(self, request: Request) -> Response:
        params = SearchSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        q = params.validated_data.get("q", "")
        include_inactive = params.validated_data["include_inactive"]
        residents: list[Resident] | ResidentQuerySet
        if q.strip():
            residents = queries.search_results(
                caller(request), q, include_inactive=include_inactive
            )
        else:
            visible = self.get_queryset() if include_inactive else self.get_queryset().working()
            residents = visible.order_by("full_name", "id")
        # DRF pages any sequence: the search results are a list (of at most 50).
        page: list[Resident] | None = self.paginate_queryset(residents)  # type: ignore[arg-type]
        return self.get_paginated_response(ResidentSummarySerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        resident = self.get_object()
        params = OpenedFromSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        services.record_view(
            resident=resident,
            by=caller(request),
            request=request._request,
            query=params.validated_data.get("q", ""),
        )
        return Response(self.get_serializer(resident).data)

    def create(self, request: Request) -> Response:
        if not access.sees_named_residents(caller(request)):
            raise NotFound
        serializer = NewResidentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = serializer.validated_data.get("submission_key")
        if key and (already := Resident.objects.filter(submission_key=key).first()):
            if already.created_by_id != caller(request).pk:
                raise serializers.ValidationError({"submission_key": ["This key has been used."]})
            return self.created(already)  # the same request again
        form = ResidentForm(form_data(serializer.validated_data), user=caller(request))
        details = validate_with(form)
        if not serializer.validated_data["confirm_new"] and (
            duplicates := queries.duplicates_for(caller(request), details)
        ):
            body = {
                "detail": "This may be someone already known. If none of these is them, "
                "send the same request with confirm_new: true.",
                "duplicates": ResidentSummarySerializer(duplicates["visible"], many=True).data,
                "hidden": duplicates["hidden"],
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        resident = services.create_resident(
            by=caller(request), submission_key=key, request=request._request, **details
        )
        return self.created(resident)

    def created(self, resident: Resident) -> Response:
        resident = Resident.objects.select_related("neighbourhood__locality").get(pk=resident.pk)
        return Response(self.get_serializer(resident).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        resident = self.get_object()
        serializer = ResidentChangesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        current = model_to_dict(resident, fields=services.DETAIL_FIELDS)
        form = ResidentForm({**current, **form_data(changes)}, user=caller(request))
        values = validate_with(form)
        try:
            services.update_resident(
                resident=resident,
                by=caller(request),
                version=version,
                request=request._request,
                **values,
            )
        except services.EditConflict as conflict:
            body = {
                "detail": "Someone else changed this record since you read it. Read it again, "
                "then send your changes with its new version.",
                "current_version": conflict.current_version,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        methods=["GET"],
        summary="A resident's consent decisions, the current one first",
        request=None,
        responses={200: ConsentSerializer(many=True), 404: RESIDENT_NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a new consent decision (it becomes the current one)",
        request=NewConsentSerializer,
        responses={201: ConsentSerializer, 400: VALIDATION_ERROR, 404: RESIDENT_NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def consents(self, request: Request, pk: str) -> Response:
        resident = self.get_object()
        if request.method == "POST":
            return self.record_consent(request, resident)
        services.record_view(resident=resident, by=caller(request), request=request._request)
        consents = (
            resident.consents.select_related("recorded_by")
            .prefetch_related("organisations")
            .order_by("-is_current", "-recorded_at", "-id")
        )
        return Response(ConsentSerializer(consents, many=True).data)

    def record_consent(self, request: Request, resident: Resident) -> Response:
        serializer = NewConsentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        form = ConsentForm(
            form_data(serializer.validated_data), locality_id=resident.neighbourhood.locality_id
        )
        consent = services.record_consent(
            resident=resident, by=caller(request), request=request._request, **validate_with(form)
        )
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


def caller(request: Request) -> User:
    """The signed-in member of staff: IsStaffMemberWithMFA lets nobody else through."""
    return cast(User, request.user)


def form_data(values: dict[str, Any]) -> dict[str, Any]:
    """Values already typed by a serializer, as a form's data (None for "not given")."""
    return {name: "" if value is None else value for name, value in values.items()}


router.register("residents", ResidentViewSet, basename="resident")

urlpatterns = router.urls
