"""The MDT REST API under /api/v1/: MDTs (request, read, propose times, answer, confirm,
record the meeting, close, reopen), the board, and actions (filtered by owner organisation and
status; updated version-checked). The same gates as the pages (`visible_to`,
`coordinated_by`, `owned_by`), the same services (which write and audit); reads of resident
data audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from localities.models import Locality, Organisation, Resident
from localities.services import residents as resident_services
from mdt import queries, services
from mdt.models import Mdt, MdtAction, MeetingRecord, Slot
from thurrock_care import access
from thurrock_care.accounts.models import User
from thurrock_care.api.errors import CONFLICT, NOT_FOUND, VALIDATION_ERROR
from thurrock_care.api.fields import caller, submission_key_field, version_field
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record_many

ID: dict[str, Any] = {"min_value": 1, "max_value": 2**63 - 1}
PAGE = "api:mdt"


def audit_list(request: Request, resident_ids: Iterable[int]) -> None:
    ids = sorted(set(resident_ids))
    if ids:
        record_many(actor=caller(request), action=Action.VIEWED, resident_ids=ids,
                    request=request._request, details={"page": PAGE})  # fmt: skip


def audit_one(request: Request, resident_id: int) -> None:
    resident_services.record_view(resident=Resident(pk=resident_id), by=caller(request),
                                  request=request._request, page=PAGE)  # fmt: skip


# --- Serializers ------------------------------------------------------------------------------


class InvitationSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    required = serializers.BooleanField()  # type: ignore[assignment]


class SlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Slot
        fields = ["id", "starts_at", "ends_at"]


class AnswerOutSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    slot = serializers.IntegerField()
    answer = serializers.CharField()
    delegate = serializers.CharField()
    answered_at = serializers.DateTimeField()


class MdtSerializer(serializers.ModelSerializer):
    resident_reference = serializers.CharField(source="resident.reference", read_only=True)
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Mdt
        fields = ["id", "reference", "resident", "resident_reference", "locality", "urgency",
                  "concern", "residents_voice", "consent_given", "lawful_basis", "status",
                  "requested_by", "requested_at", "deadline", "confirmed_slot", "outcome",
                  "closed_at", "version"]  # fmt: skip
        read_only_fields = fields


class MdtDetailSerializer(MdtSerializer):
    invitations = InvitationSerializer(many=True, read_only=True)
    slots = SlotSerializer(many=True, read_only=True)
    answers = serializers.SerializerMethodField()
    recommended_slot = serializers.SerializerMethodField()
    recommendation = serializers.SerializerMethodField()

    class Meta(MdtSerializer.Meta):
        fields = [*MdtSerializer.Meta.fields, "invitations", "slots", "answers",
                  "recommended_slot", "recommendation"]  # fmt: skip
        read_only_fields = fields

    def _table(self, mdt: Mdt) -> dict[str, Any]:
        if not hasattr(mdt, "_table"):
            mdt._table = queries.slot_table(mdt, list(mdt.invitations.all()))  # type: ignore[attr-defined]
        return mdt._table  # type: ignore[attr-defined]

    def get_answers(self, mdt: Mdt) -> Any:
        org_of = {i.pk: i.organisation_id for i in mdt.invitations.all()}
        return AnswerOutSerializer(
            [{"organisation": org_of[r.invitation_id], "slot": r.slot_id, "answer": r.answer,
              "delegate": r.delegate, "answered_at": r.answered_at}
             for r in queries.latest_answers(mdt)], many=True,
        ).data  # fmt: skip

    def get_recommended_slot(self, mdt: Mdt) -> int | None:
        return self._table(mdt)["recommendation"].slot_id

    def get_recommendation(self, mdt: Mdt) -> str:
        return self._table(mdt)["recommendation"].message


class NewMdtSerializer(serializers.Serializer):
    resident = serializers.IntegerField(**ID)
    urgency = serializers.ChoiceField(choices=Mdt.Urgency.choices)
    concern = serializers.CharField(max_length=5000)
    residents_voice = serializers.CharField(max_length=5000)
    organisations = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1,
                                          max_length=50)  # fmt: skip
    required = serializers.ListField(child=serializers.IntegerField(**ID), max_length=50,  # type: ignore[assignment]
                                     required=False, default=list)  # fmt: skip
    consent_given = serializers.BooleanField()
    lawful_basis = serializers.ChoiceField(choices=Mdt.LawfulBasis.choices, required=False,
                                           allow_blank=True, default="")  # fmt: skip
    submission_key = submission_key_field()


class LocalDateTimeField(serializers.DateTimeField):
    """A time without an offset is on the local clock: one the clocks skip or repeat is a
    clear 400 (services.local_moment), not a guess."""

    def enforce_timezone(self, value: Any) -> Any:
        if timezone.is_naive(value):
            try:
                return services.local_moment(value)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from None
        return super().enforce_timezone(value)


class ProposeSerializer(serializers.Serializer):
    starts = serializers.ListField(child=LocalDateTimeField(), min_length=1,
                                   max_length=services.MAX_SLOTS)  # fmt: skip


class AnswerInSerializer(serializers.Serializer):
    slot = serializers.IntegerField(**ID)
    answer = serializers.ChoiceField(choices=[("can", "can"), ("cannot", "cannot"),
                                              ("delegate", "delegate")])  # fmt: skip
    delegate = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AnswersSerializer(serializers.Serializer):
    # DRF passes min_length/max_length to the ListSerializer (the stubs do not know it).
    answers = AnswerInSerializer(many=True, min_length=1, max_length=services.MAX_SLOTS)  # type: ignore[call-arg]
    submission_key = submission_key_field()


class SlotChoiceSerializer(serializers.Serializer):
    slot = serializers.IntegerField(**ID)


class MeetingRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingRecord
        fields = ["attended", "apologies", "discussion", "residents_voice", "decisions",
                  "version"]  # fmt: skip
        read_only_fields = fields


class MeetingRecordInSerializer(serializers.Serializer):
    attended = serializers.ListField(child=serializers.IntegerField(**ID), max_length=50,
                                     required=False, default=list)  # fmt: skip
    apologies = serializers.ListField(child=serializers.IntegerField(**ID), max_length=50,
                                      required=False, default=list)  # fmt: skip
    discussion = serializers.CharField(max_length=20000, required=False, allow_blank=True,
                                       default="")  # fmt: skip
    residents_voice = serializers.CharField(max_length=20000, required=False,
                                            allow_blank=True, default="")  # fmt: skip
    decisions = serializers.CharField(max_length=20000, required=False, allow_blank=True,
                                      default="")  # fmt: skip
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="Required to change an existing record.",
    )


class CloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=10000)
    version = version_field()


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    version = version_field()


class BoardFilterSerializer(serializers.Serializer):
    locality = serializers.IntegerField(**ID)


class BoardCardSerializer(serializers.Serializer):
    mdt = MdtSerializer()
    hours_to_meeting = serializers.FloatField(allow_null=True)
    overdue_actions = serializers.IntegerField()
    open_actions = serializers.IntegerField()


class BoardColumnSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    mdts = BoardCardSerializer(many=True)


class MdtFilterSerializer(serializers.Serializer):
    resident = serializers.IntegerField(required=False, **ID)
    locality = serializers.IntegerField(required=False, **ID)
    status = serializers.ChoiceField(choices=Mdt.Status.choices, required=False)


class ActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MdtAction
        fields = ["id", "mdt", "what", "owner_organisation", "owner_person", "due_on", "status",
                  "note", "completed_at", "version"]  # fmt: skip
        read_only_fields = fields


class NewActionSerializer(serializers.Serializer):
    mdt = serializers.IntegerField(**ID)
    what = serializers.CharField(max_length=2000)
    owner_organisation = serializers.IntegerField(**ID)
    owner_person = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)
    due_on = serializers.DateField()
    submission_key = submission_key_field()


class ActionChangesSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MdtAction.Status.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    version = version_field()


class ActionFilterSerializer(serializers.Serializer):
    owner_organisation = serializers.IntegerField(required=False, **ID)
    status = serializers.ChoiceField(choices=MdtAction.Status.choices, required=False)
    mdt = serializers.IntegerField(required=False, **ID)


# --- Views ------------------------------------------------------------------------------------


def _organisations(ids: list[int], locality_id: int, field: str) -> list[Organisation]:
    found = list(queries.ilt_organisations(locality_id).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise serializers.ValidationError({field: ["Choose members of the locality's ILT."]})
    return found


def _named(user: User) -> None:
    if not access.sees_named_residents(user):
        raise NotFound


MDT_UPDATED = {200: MdtDetailSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND}


@extend_schema_view(
    list=extend_schema(summary="MDTs of residents the caller may see",
                       parameters=[MdtFilterSerializer],
                       responses={200: MdtSerializer(many=True), 400: VALIDATION_ERROR}),
    retrieve=extend_schema(summary="An MDT: invitations, times, answers, the recommended time",
                           responses={200: MdtDetailSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Request an MDT", request=NewMdtSerializer,
                         responses={201: MdtDetailSerializer, 400: VALIDATION_ERROR,
                                    404: NOT_FOUND}),
)  # fmt: skip
class MdtViewSet(viewsets.GenericViewSet):
    serializer_class = MdtDetailSerializer
    lookup_value_regex = "[0-9]{1,18}"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> Any:
        return Mdt.objects.visible_to(caller(self.request)).select_related("resident")

    def _detail(self, pk: int) -> Mdt:
        return (
            Mdt.objects.visible_to(caller(self.request))
            .select_related("resident", "locality")
            .prefetch_related("slots", queries.prefetch_invitations())
            .get(pk=pk)
        )

    def _run(self, request: Request, pk: str) -> Mdt:
        mdt = Mdt.objects.coordinated_by(caller(request)).filter(pk=int(pk)).first()
        if mdt is None:
            raise NotFound
        return mdt

    def list(self, request: Request) -> Response:
        params = MdtFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = self.get_queryset().order_by("-requested_at", "-id")
        for field in ("resident", "locality", "status"):
            if field in params.validated_data:
                found = found.filter(**{field: params.validated_data[field]})
        page = self.paginate_queryset(found)
        audit_list(request, [m.resident_id for m in page or []])
        return self.get_paginated_response(MdtSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        mdt = self.get_object()
        audit_one(request, mdt.resident_id)
        return Response(MdtDetailSerializer(self._detail(mdt.pk)).data)

    def create(self, request: Request) -> Response:
        user = caller(request)
        _named(user)
        serializer = NewMdtSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        resident = (
            Resident.objects.changeable_by(user)
            .select_related("neighbourhood__locality")
            .filter(pk=values.pop("resident"))
            .first()
        )
        if resident is None:
            raise NotFound("No such resident whose MDT you may request.")
        locality_id = resident.neighbourhood.locality_id
        invited = _organisations(values.pop("organisations"), locality_id, "organisations")
        required = _organisations(values.pop("required"), locality_id, "required")
        mdt = services.request_mdt(
            resident=resident,
            by=user,
            organisations=invited,
            required=required,
            request=request._request,
            **values,
        )
        return Response(MdtDetailSerializer(self._detail(mdt.pk)).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip

    @extend_schema(summary="Propose times (an hour each); invitees are asked",
                   request=ProposeSerializer, responses=MDT_UPDATED)  # fmt: skip
    @action(detail=True, methods=["post"])
    def times(self, request: Request, pk: str) -> Response:
        mdt = self._run(request, pk)
        serializer = ProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.propose_slots(mdt=mdt, by=caller(request), request=request._request,
                               starts=serializer.validated_data["starts"])  # fmt: skip
        return Response(MdtDetailSerializer(self._detail(mdt.pk)).data)

    @extend_schema(summary="Answer times for the caller's invited organisation",
                   request=AnswersSerializer, responses=MDT_UPDATED)  # fmt: skip
    @action(detail=True, methods=["post"])
    def answers(self, request: Request, pk: str) -> Response:
        user = caller(request)
        mdt = self.get_queryset().filter(pk=int(pk)).first()
        invitation = (
            mdt.invitations.filter(organisation_id=user.organisation_id or 0).first()
            if mdt is not None
            else None
        )
        if mdt is None or invitation is None:
            raise NotFound
        serializer = AnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slots = {slot.pk: slot for slot in mdt.slots.all()}
        given = [item["slot"] for item in serializer.validated_data["answers"]]
        if len(given) > len(slots):
            raise serializers.ValidationError(
                {"answers": [f"Answer each of this MDT's {len(slots)} time(s) at most once."]}
            )
        answers = []
        for item in serializer.validated_data["answers"]:
            if item["slot"] not in slots:
                raise serializers.ValidationError(
                    {"answers": ["That time is not one of this MDT's."]}
                )
            if item["answer"] == "delegate" and not item["delegate"].strip():
                raise serializers.ValidationError({"answers": ["Say who will come instead."]})
            answers.append(services.Answer(slot=slots[item["slot"]], answer=item["answer"],
                                           delegate=item["delegate"]))  # fmt: skip
        services.answer_slots(invitation=invitation, by=user, answers=answers,
                              submission_key=serializer.validated_data.get("submission_key"),
                              request=request._request)  # fmt: skip
        return Response(MdtDetailSerializer(self._detail(mdt.pk)).data)

    @extend_schema(summary="Confirm a time (or, once scheduled, move the meeting to it)",
                   request=SlotChoiceSerializer,
                   responses={**MDT_UPDATED, 409: CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        mdt = self._run(request, pk)
        serializer = SlotChoiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slot = mdt.slots.filter(pk=serializer.validated_data["slot"]).first()
        if slot is None:
            raise serializers.ValidationError({"slot": ["That time is not one of this MDT's."]})
        try:
            if mdt.status == Mdt.Status.SCHEDULED:
                services.reschedule(mdt=mdt, slot=slot, by=caller(request),
                                    request=request._request)  # fmt: skip
            else:
                services.confirm_slot(mdt=mdt, slot=slot, by=caller(request),
                                      request=request._request)  # fmt: skip
        except services.AlreadyConfirmed as error:
            body = {"detail": str(error), "current_version": Mdt.objects.get(pk=mdt.pk).version}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(MdtDetailSerializer(self._detail(mdt.pk)).data)

    @extend_schema(summary="Record (or, with its version, change) the meeting record",
                   request=MeetingRecordInSerializer,
                   responses={200: MeetingRecordSerializer, 400: VALIDATION_ERROR,
                              404: NOT_FOUND, 409: CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def meeting(self, request: Request, pk: str) -> Response:
        mdt = self._run(request, pk)
        serializer = MeetingRecordInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        attended = _organisations(values.pop("attended"), mdt.locality_id, "attended")
        apologies = _organisations(values.pop("apologies"), mdt.locality_id, "apologies")
        record = services.record_meeting(mdt=mdt, by=caller(request), attended=attended,
                                         apologies=apologies, request=request._request,
                                         **values)  # fmt: skip
        return Response(MeetingRecordSerializer(record).data)

    @extend_schema(summary="Close the MDT with its outcome (every action done or not doable)",
                   request=CloseSerializer, responses={**MDT_UPDATED, 409: CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        mdt = self._run(request, pk)
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.close_mdt(mdt=mdt, by=caller(request), request=request._request,
                           **serializer.validated_data)  # fmt: skip
        return Response(MdtDetailSerializer(self._detail(mdt.pk)).data)

    @extend_schema(summary="Reopen a closed MDT", request=ReopenSerializer,
                   responses={**MDT_UPDATED, 409: CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        mdt = self._run(request, pk)
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.reopen_mdt(mdt=mdt, by=caller(request), request=request._request,
                            **serializer.validated_data)  # fmt: skip
        return Response(MdtDetailSerializer(self._detail(mdt.pk)).data)

    @extend_schema(summary="The MDT board of a locality the caller works in",
                   parameters=[BoardFilterSerializer],
                   responses={200: BoardColumnSerializer(many=True), 400: VALIDATION_ERROR,
                              404: NOT_FOUND})  # fmt: skip
    @action(detail=False, methods=["get"])
    def board(self, request: Request) -> Response:
        user = caller(request)
        _named(user)
        params = BoardFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        locality = (
            Locality.objects.worked_in_by(user).filter(pk=params.validated_data["locality"]).first()
        )
        if locality is None:
            raise NotFound
        board = queries.board(locality, user)
        audit_list(request, board["resident_ids"])
        columns = [{"status": status_, "label": label, "mdts": cards}
                   for label, status_, cards in board["columns"]]  # fmt: skip
        return Response(BoardColumnSerializer(columns, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="MDT actions the caller may see",
                       parameters=[ActionFilterSerializer],
                       responses={200: ActionSerializer(many=True), 400: VALIDATION_ERROR}),
    retrieve=extend_schema(summary="An MDT action", responses={200: ActionSerializer,
                                                               404: NOT_FOUND}),
    create=extend_schema(summary="Add an action to an MDT's meeting",
                         request=NewActionSerializer,
                         responses={201: ActionSerializer, 400: VALIDATION_ERROR,
                                    404: NOT_FOUND}),
    partial_update=extend_schema(summary="Update an action's status with a note (its owner)",
                                 request=ActionChangesSerializer,
                                 responses={200: ActionSerializer, 400: VALIDATION_ERROR,
                                            404: NOT_FOUND, 409: CONFLICT}),
)  # fmt: skip
class ActionViewSet(viewsets.GenericViewSet):
    serializer_class = ActionSerializer
    lookup_value_regex = "[0-9]{1,18}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return MdtAction.objects.visible_to(caller(self.request)).select_related("mdt")

    def list(self, request: Request) -> Response:
        params = ActionFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = self.get_queryset().order_by("due_on", "id")
        for field in ("owner_organisation", "status", "mdt"):
            if field in params.validated_data:
                found = found.filter(**{field: params.validated_data[field]})
        page = self.paginate_queryset(found)
        audit_list(request, [a.mdt.resident_id for a in page or []])
        return self.get_paginated_response(ActionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        audit_one(request, item.mdt.resident_id)
        return Response(ActionSerializer(item).data)

    def create(self, request: Request) -> Response:
        user = caller(request)
        serializer = NewActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        mdt = Mdt.objects.coordinated_by(user).filter(pk=values.pop("mdt")).first()
        if mdt is None:
            raise NotFound
        [owner] = _organisations([values.pop("owner_organisation")], mdt.locality_id,
                                 "owner_organisation")  # fmt: skip
        person_id = values.pop("owner_person")
        person = None
        if person_id is not None:
            person = User.objects.filter(pk=person_id, organisation=owner, is_active=True).first()
            if person is None:
                raise serializers.ValidationError(
                    {"owner_person": ["Choose someone of the owner organisation."]}
                )
        item = services.add_action(
            mdt=mdt,
            by=user,
            owner_organisation=owner,
            owner_person=person,
            request=request._request,
            **values,
        )
        return Response(ActionSerializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        item = (
            MdtAction.objects.owned_by(caller(request))
            .select_related("mdt")
            .filter(pk=int(pk))
            .first()
        )
        if item is None:
            raise NotFound
        serializer = ActionChangesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.update_action(action=item, by=caller(request), request=request._request,
                               **serializer.validated_data)  # fmt: skip
        return Response(ActionSerializer(self.get_queryset().get(pk=item.pk)).data)


router = DefaultRouter()
router.include_format_suffixes = False
router.register("mdts", MdtViewSet, basename="mdt")
router.register("mdt-actions", ActionViewSet, basename="mdt-action")

urlpatterns = router.urls
