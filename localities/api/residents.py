"""The API of residents: the same gates as the pages (every lookup starts from
Resident.objects.visible_to or changeable_by), the web forms' rules (validate_with), and the
services, which write and audit."""

from typing import Any

from django.forms.models import model_to_dict
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from localities import queries
from localities.forms.residents import ConsentForm, ResidentForm
from localities.models import (
    RESIDENT_DETAIL_FIELDS,
    Consent,
    Neighbourhood,
    Organisation,
    Resident,
    ResidentQuerySet,
)
from localities.services import residents as services
from thurrock_care import access
from thurrock_care.api.errors import CONFLICT, VALIDATION_ERROR, ErrorSerializer
from thurrock_care.api.fields import (
    caller,
    form_data,
    submission_key_field,
    validate_with,
    version_field,
)

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
        read_only=True,
        help_text="Only for practitioners, coordinators and Wellbeing Team workers: left out "
        "for every other role (has_key_safety_information says whether there is any).",
    )
    has_key_safety_information = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = ["id", "reference", "display_name", *RESIDENT_DETAIL_FIELDS, "age", "locality"]
        fields += ["has_key_safety_information", "status", "status_changed_on", "version"]
        fields += ["created_at", "updated_at"]
        read_only_fields = fields
        absent_for_some_callers = ["key_safety_information"]

    def get_has_key_safety_information(self, resident: Resident) -> bool:
        return bool(resident.key_safety_information)

    def to_representation(self, instance: Resident) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not access.can_see_sensitive(self.context["request"].user):
            del data["key_safety_information"]
        return data


class ResidentDetailsSerializer(serializers.ModelSerializer):
    """The details a caller sends (the model's fields, RESIDENT_DETAIL_FIELDS); the web form's
    rules (forms.residents.ResidentForm) apply on top, through validate_with. Fields typed the
    way people type them (a postcode, an NHS number, a neighbourhood's name) are read here as
    text and normalised by the form."""

    postcode = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text="A UK postcode: RM17 6SL."
    )
    neighbourhood = serializers.CharField(
        max_length=100, help_text="Its name, as listed under /localities/ (it sets the locality)."
    )
    nhs_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="10 digits: 943 476 5919."
    )
    key_safety_information = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Only practitioners, coordinators and Wellbeing Team workers may send it: "
        "from any other role it is a 400.",
    )

    class Meta:
        model = Resident
        fields = RESIDENT_DETAIL_FIELDS
        extra_kwargs = {
            "address": {"max_length": 1000},
            "communication_needs": {"max_length": 2000},
            "email": {"max_length": 254},
        }

    def validate_key_safety_information(self, value: str) -> str:
        user = self.context.get("user")  # the caller, given by the view
        if user is None or not access.can_see_sensitive(user):
            raise serializers.ValidationError(
                "Your role does not see key safety information, so it cannot send it."
            )
        return value

    def validate_neighbourhood(self, name: str) -> Neighbourhood:
        neighbourhood = Neighbourhood.objects.filter(name__iexact=name.strip()).first()
        if neighbourhood is None:
            raise serializers.ValidationError("Choose a neighbourhood listed under /localities/")
        return neighbourhood


class NewResidentSerializer(ResidentDetailsSerializer):
    submission_key = submission_key_field()
    confirm_new = serializers.BooleanField(
        default=False,
        help_text="Create the record even though likely duplicates were found (after a 409).",
    )

    class Meta(ResidentDetailsSerializer.Meta):
        fields = [*RESIDENT_DETAIL_FIELDS, "submission_key", "confirm_new"]


class ResidentChangesSerializer(ResidentDetailsSerializer):
    """Only the fields sent are changed. `version` is required: the one the caller read."""

    full_name = serializers.CharField(max_length=200, required=False)
    neighbourhood = serializers.CharField(
        max_length=100, required=False, help_text="Its name, as listed under /localities/."
    )
    version = version_field()

    class Meta(ResidentDetailsSerializer.Meta):
        fields = [*RESIDENT_DETAIL_FIELDS, "version"]


class DuplicatesSerializer(serializers.Serializer):
    detail = serializers.CharField()
    duplicates = ResidentSummarySerializer(
        many=True, help_text="Records the caller may see that look like the same person."
    )


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
    submission_key = submission_key_field()


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
            403: OpenApiResponse(
                ErrorSerializer, description="You may read the record but not change it."
            ),
            404: RESIDENT_NOT_FOUND,
            409: CONFLICT,
        },
    ),
)
class ResidentViewSet(viewsets.GenericViewSet):
    """Residents the caller has a need to know about (thurrock_care/access.py)."""

    serializer_class = ResidentSerializer
    lookup_value_regex = "[0-9]{1,18}"

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
        serializer = NewResidentSerializer(data=request.data, context={"user": caller(request)})
        serializer.is_valid(raise_exception=True)
        key = serializer.validated_data.get("submission_key")
        form = ResidentForm(form_data(serializer.validated_data), user=caller(request))
        details = validate_with(form)
        try:
            resident = services.create_resident(
                by=caller(request),
                submission_key=key,
                confirm_new=serializer.validated_data["confirm_new"],
                request=request._request,
                **details,
            )
        except services.LikelyDuplicates as found:
            body = {
                "detail": "This may be someone already known. If none of these is them, "
                "send the same request with confirm_new: true.",
                "duplicates": ResidentSummarySerializer(found.residents, many=True).data,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        return self.created(resident)

    def created(self, resident: Resident) -> Response:
        resident = Resident.objects.select_related("neighbourhood__locality").get(pk=resident.pk)
        return Response(self.get_serializer(resident).data, status=status.HTTP_201_CREATED)

    def changeable(self) -> Resident:
        """The resident, if the caller may change the record: 404 if they may not see it,
        403 if they may only read it."""
        resident = self.get_object()
        if not Resident.objects.changeable_by(caller(self.request)).filter(pk=resident.pk).exists():
            raise PermissionDenied(
                "You may read this record but not change it: its details and consent are changed "
                "by the practitioners and coordinators of the resident's locality."
            )
        return resident

    def partial_update(self, request: Request, pk: str) -> Response:
        resident = self.changeable()
        serializer = ResidentChangesSerializer(data=request.data, context={"user": caller(request)})
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        current = model_to_dict(resident, fields=RESIDENT_DETAIL_FIELDS)
        form = ResidentForm(
            {**current, **form_data(changes)},
            user=caller(request),
            current_neighbourhood=resident.neighbourhood_id,
        )
        values = validate_with(form)
        services.update_resident(
            resident=resident, by=caller(request), version=version, request=request._request,
            **values,
        )  # fmt: skip
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
        responses={
            201: ConsentSerializer,
            400: VALIDATION_ERROR,
            403: OpenApiResponse(
                ErrorSerializer, description="You may read the record but not change it."
            ),
            404: RESIDENT_NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def consents(self, request: Request, pk: str) -> Response:
        if request.method == "POST":
            return self.record_consent(request, self.changeable())
        resident = self.get_object()
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
