"""Teams (with their figures), people supported (and their commissioned hours), personal
outcomes and ratings, visits (planned; arrived, left and recorded: idempotent), time entries
and health events."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from localities.models import Resident
from thurrock_care.api.errors import CONFLICT, NOT_FOUND, VALIDATION_ERROR
from thurrock_care.api.fields import caller, submission_key_field, version_field
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record_many
from wellbeing_teams import figures, services
from wellbeing_teams.models import (
    MAX_WEEKLY_HOURS,
    HealthEvent,
    OutcomeRating,
    PersonalOutcome,
    PersonSupported,
    Team,
    TeamMember,
    TimeEntry,
    Visit,
)

MAX_ID = 2**63 - 1
ID: dict[str, Any] = {"min_value": 1, "max_value": MAX_ID}
TEXT: dict[str, Any] = {"max_length": 5000, "required": False, "allow_blank": True}
HOURS: dict[str, Any] = {
    "max_digits": 5,
    "decimal_places": 2,
    "min_value": 0,
    "max_value": MAX_WEEKLY_HOURS,
}
LOOKUP = "[0-9]{1,18}"


def audit(request: Request, resident_ids: list[int]) -> None:
    """Resident data shown is a view of each record (one insert for them all)."""
    ids = sorted(set(resident_ids))
    if ids:
        record_many(
            actor=caller(request),
            action=Action.VIEWED,
            resident_ids=ids,
            request=request._request,
            details={"page": "api:wellbeing_teams"},
        )


def found(queryset: QuerySet[Any], pk: int, what: str) -> Any:
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"No such {what}, or not one you have a need to know about.")
    return obj


# --- Teams ------------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["user", "name", "role", "contracted_hours", "joined_on", "left_on"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    locality: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    neighbourhoods: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    members = MemberSerializer(many=True, read_only=True, source="current_members")

    class Meta:
        model = Team
        fields = ["id", "name", "locality", "neighbourhoods", "members"]
        read_only_fields = fields


class ShareSerializer(serializers.Serializer):
    worker = serializers.IntegerField(allow_null=True)
    direct_minutes = serializers.IntegerField()
    other_minutes = serializers.IntegerField()
    direct_percent = serializers.FloatField(allow_null=True)


class PeriodFiguresSerializer(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="The day after the last.")
    target_percent = serializers.IntegerField()
    team = ShareSerializer()
    workers = ShareSerializer(many=True)


class ContinuitySerializer(serializers.Serializer):
    person = serializers.IntegerField()
    workers = serializers.IntegerField()
    flagged = serializers.BooleanField()


class PunctualitySerializer(serializers.Serializer):
    started = serializers.IntegerField(help_text="Visits planned this month that were started.")
    on_time = serializers.IntegerField(help_text="Of those, started within 15 minutes of plan.")
    percent = serializers.FloatField(allow_null=True)
    missed = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class OutcomeProgressSerializer(serializers.Serializer):
    outcomes = serializers.IntegerField()
    rated = serializers.IntegerField()
    improved = serializers.IntegerField()
    achieved = serializers.IntegerField()
    average_change = serializers.FloatField(allow_null=True)


class RateSerializer(serializers.Serializer):
    events = serializers.IntegerField()
    person_months = serializers.FloatField()
    per_person_month = serializers.FloatField(allow_null=True)


class HealthRatesSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HealthEvent.Kind.choices)
    before = RateSerializer()
    after = RateSerializer()


class FiguresSerializer(serializers.Serializer):
    week = PeriodFiguresSerializer()
    month = PeriodFiguresSerializer()
    punctuality = PunctualitySerializer(help_text="This month.")
    outcome_progress = OutcomeProgressSerializer()
    health_events = HealthRatesSerializer(
        many=True, help_text="Per person-month: the year before each person joined, and since."
    )
    continuity_days = serializers.IntegerField()
    continuity_median = serializers.FloatField(allow_null=True)
    continuity = ContinuitySerializer(many=True)


def _period(result: dict[str, Any]) -> dict[str, Any]:
    def share(worker: int | None, s: figures.Share) -> dict[str, Any]:
        return {
            "worker": worker,
            "direct_minutes": s.direct,
            "other_minutes": s.other,
            "direct_percent": s.percent,
        }

    period = result["period"]
    return {
        "period": period.label,
        "start": period.start,
        "end": period.end,
        "target_percent": result["target"],
        "team": share(None, result["team"]),
        "workers": [share(user.pk, s) for user, s in result["workers"]],
    }


@extend_schema_view(
    list=extend_schema(summary="Wellbeing Teams the caller works with or oversees"),
    retrieve=extend_schema(summary="A team and its current members"),
)
class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TeamSerializer
    lookup_value_regex = LOOKUP

    def get_queryset(self) -> QuerySet[Team]:
        from django.db.models import Prefetch

        members = TeamMember.objects.current().select_related("user").order_by("user__full_name")
        return (
            Team.objects.visible_to(caller(self.request))
            .select_related("locality")
            .prefetch_related("neighbourhoods", Prefetch("members", members, "current_members"))
            .order_by("name", "pk")
        )

    @extend_schema(
        summary="The team's figures: direct-contact share (this ISO week and month, against "
        "61%), punctuality, missed visits, continuity (distinct workers per person over 28 "
        "days), outcome progress and health events before and after joining",
        responses={200: FiguresSerializer},
    )
    @action(detail=True, methods=["get"])
    def figures(self, request: Request, pk: str) -> Response:
        team = self.get_object()
        today = timezone.localdate()
        continuity = figures.continuity(team)
        audit(request, [row.person.resident_id for row in continuity["people"]])
        punctual = figures.punctuality(team, figures.month(today))
        progress = figures.outcome_progress(team, today)
        people = [row.person for row in continuity["people"]]
        rates = figures.team_health_event_rates(people, today=today)

        def rate(r: figures.Rate) -> dict[str, Any]:
            return {
                "events": r.events,
                "person_months": round(r.person_months, 3),
                "per_person_month": r.per_person_month,
            }

        data = {
            "punctuality": {
                "started": punctual.started,
                "on_time": punctual.on_time,
                "percent": punctual.percent,
                "missed": punctual.missed,
                "cancelled": punctual.cancelled,
            },
            "outcome_progress": vars(progress),
            "health_events": [
                {"kind": kind, "before": rate(r["before"]), "after": rate(r["after"])}
                for kind, r in rates.items()
            ],
            "week": _period(figures.direct_contact(team, figures.iso_week(today))),
            "month": _period(figures.direct_contact(team, figures.month(today))),
            "continuity_days": continuity["days"],
            "continuity_median": continuity["median"],
            "continuity": [
                {"person": r.person.pk, "workers": r.workers, "flagged": r.flagged}
                for r in continuity["people"]
            ],
        }
        return Response(FiguresSerializer(data).data)


# --- People supported -------------------------------------------------------------------------


class PersonSupportedSerializer(serializers.ModelSerializer):
    resident_reference = serializers.CharField(source="resident.reference", read_only=True)

    class Meta:
        model = PersonSupported
        fields = [
            "id",
            "resident",
            "resident_reference",
            "team",
            "started_on",
            "ended_on",
            "hours_per_week",
            "preferred_workers",
            "version",
        ]
        read_only_fields = fields


class NewPersonSupportedSerializer(serializers.Serializer):
    team = serializers.IntegerField(**ID)
    resident = serializers.IntegerField(**ID)
    started_on = serializers.DateField()
    hours_per_week = serializers.DecimalField(**HOURS)
    submission_key = submission_key_field()


class HoursSerializer(serializers.Serializer):
    hours_per_week = serializers.DecimalField(**HOURS)
    reason = serializers.CharField(max_length=2000)
    version = version_field()


class TeamFilterSerializer(serializers.Serializer):
    team = serializers.IntegerField(required=False, help_text="Only this team's.", **ID)


@extend_schema_view(
    list=extend_schema(
        summary="People supported whom the caller may see", parameters=[TeamFilterSerializer]
    ),
    retrieve=extend_schema(summary="A person supported (the view is in the audit trail)"),
    create=extend_schema(
        summary="Add a resident the caller sees to a team's caseload (the same "
        "submission_key again gives the same one)",
        request=NewPersonSupportedSerializer,
        responses={201: PersonSupportedSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
)
class PersonSupportedViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = PersonSupportedSerializer
    lookup_value_regex = LOOKUP

    def get_queryset(self) -> QuerySet[PersonSupported]:
        return (
            PersonSupported.objects.visible_to(caller(self.request))
            .select_related("resident")
            .prefetch_related("preferred_workers")
            .order_by("-started_on", "-pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = TeamFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        people = self.get_queryset()
        if "team" in params.validated_data:
            people = people.filter(team_id=params.validated_data["team"])
        page = self.paginate_queryset(people)
        audit(request, [p.resident_id for p in page or []])
        return self.get_paginated_response(PersonSupportedSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        audit(request, [person.resident_id])
        return Response(PersonSupportedSerializer(person).data)

    def create(self, request: Request) -> Response:
        serializer = NewPersonSupportedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        user = caller(request)
        team = found(Team.objects.visible_to(user), values.pop("team"), "team")
        resident = found(  # seen through their locality, not break-glass or consent alone
            Resident.objects.changeable_by(user).select_related("neighbourhood"),
            values.pop("resident"),
            "resident",
        )
        person = services.add_person(
            team=team, resident=resident, by=user, request=request._request, **values
        )
        data = PersonSupportedSerializer(self.get_queryset().get(pk=person.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change commissioned hours (the team's planning support worker), with why",
        request=HoursSerializer,
        responses={200: PersonSupportedSerializer, 400: VALIDATION_ERROR, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def hours(self, request: Request, pk: str) -> Response:
        person = self.get_object()
        serializer = HoursSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.change_hours(
            person=person, by=caller(request), request=request._request, **serializer.validated_data
        )
        return Response(PersonSupportedSerializer(self.get_queryset().get(pk=person.pk)).data)


# --- Outcomes ---------------------------------------------------------------------------------


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutcomeRating
        fields = ["id", "rating", "note", "visit", "rated_by", "rated_at"]
        read_only_fields = fields


class OutcomeSerializer(serializers.ModelSerializer):
    ratings = RatingSerializer(many=True, read_only=True)

    class Meta:
        model = PersonalOutcome
        fields = ["id", "person", "words", "created_at", "achieved_on", "ratings"]
        read_only_fields = fields


class NewOutcomeSerializer(serializers.Serializer):
    person = serializers.IntegerField(**ID)
    words = serializers.CharField(max_length=500)
    submission_key = submission_key_field()


class NewRatingSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    note = serializers.CharField(**TEXT)
    submission_key = submission_key_field()


class PersonFilterSerializer(serializers.Serializer):
    person = serializers.IntegerField(required=False, help_text="Only this person's.", **ID)


def _recordable_people(request: Request) -> QuerySet[PersonSupported]:
    user = caller(request)
    return PersonSupported.objects.visible_to(user).filter(team__in=Team.objects.run_by(user))


@extend_schema_view(
    list=extend_schema(
        summary="Personal outcomes, with their ratings", parameters=[PersonFilterSerializer]
    ),
    retrieve=extend_schema(summary="A personal outcome and its ratings"),
    create=extend_schema(
        summary="Add a personal outcome, in the person's words (team members)",
        request=NewOutcomeSerializer,
        responses={201: OutcomeSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
)
class OutcomeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OutcomeSerializer
    lookup_value_regex = LOOKUP

    def get_queryset(self) -> QuerySet[PersonalOutcome]:
        people = PersonSupported.objects.visible_to(caller(self.request))
        return (
            PersonalOutcome.objects.filter(person__in=people)
            .select_related("person")
            .prefetch_related("ratings")
            .order_by("pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = PersonFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        outcomes = self.get_queryset()
        if "person" in params.validated_data:
            outcomes = outcomes.filter(person_id=params.validated_data["person"])
        page = self.paginate_queryset(outcomes)
        audit(request, [o.person.resident_id for o in page or []])
        return self.get_paginated_response(OutcomeSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        outcome = self.get_object()
        audit(request, [outcome.person.resident_id])
        return Response(OutcomeSerializer(outcome).data)

    def create(self, request: Request) -> Response:
        serializer = NewOutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        person = found(_recordable_people(request), values.pop("person"), "person supported")
        outcome = services.add_outcome(
            person=person, by=caller(request), request=request._request, **values
        )
        return Response(
            OutcomeSerializer(self.get_queryset().get(pk=outcome.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Rate progress on the outcome, 1 to 5, with a note (team members)",
        request=NewRatingSerializer,
        responses={201: OutcomeSerializer, 400: VALIDATION_ERROR},
    )
    @action(detail=True, methods=["post"])
    def ratings(self, request: Request, pk: str) -> Response:
        outcome = self.get_object()
        if not _recordable_people(request).filter(pk=outcome.person_id).exists():
            raise NotFound("No such outcome of a person your team supports.")
        serializer = NewRatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.rate_outcome(
            outcome=outcome,
            by=caller(request),
            request=request._request,
            **serializer.validated_data,
        )
        return Response(
            OutcomeSerializer(self.get_queryset().get(pk=outcome.pk)).data,
            status=status.HTTP_201_CREATED,
        )


# --- Visits -----------------------------------------------------------------------------------


class VisitSerializer(serializers.ModelSerializer):
    late = serializers.SerializerMethodField()
    resident_reference = serializers.CharField(source="resident.reference", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "person",
            "resident",
            "resident_reference",
            "team",
            "pattern",
            "planned_start",
            "planned_minutes",
            "workers",
            "status",
            "late",
            "arrived_at",
            "left_at",
            "what_happened",
            "health_tasks",
            "concerns",
            "missed_reason",
            "cancelled_by",
            "cancelled_reason",
            "version",
        ]
        read_only_fields = fields

    def get_late(self, visit: Visit) -> bool:
        return visit.is_late()


class NewVisitSerializer(serializers.Serializer):
    person = serializers.IntegerField(**ID)
    planned_start = serializers.DateTimeField()
    planned_minutes = serializers.IntegerField(min_value=5, max_value=24 * 60)
    workers = serializers.ListField(
        child=serializers.IntegerField(**ID), min_length=1, max_length=10
    )
    submission_key = submission_key_field()


class ProgressSerializer(serializers.Serializer):
    outcome = serializers.IntegerField(**ID)
    rating = serializers.IntegerField(min_value=1, max_value=5)
    note = serializers.CharField(**TEXT)


class RecordSerializer(serializers.Serializer):
    version = version_field()
    what_happened = serializers.CharField(**TEXT)
    health_tasks = serializers.CharField(**TEXT)
    concerns = serializers.CharField(**TEXT)
    progress = ProgressSerializer(many=True, required=False, max_length=50)  # type: ignore[call-arg]
    submission_key = submission_key_field()


class VisitFilterSerializer(serializers.Serializer):
    team = serializers.IntegerField(required=False, **ID)
    person = serializers.IntegerField(required=False, **ID)
    day = serializers.DateField(required=False, help_text="Planned on this day (UK time).")
    mine = serializers.BooleanField(required=False, help_text="Only visits assigned to me.")


@extend_schema_view(
    list=extend_schema(summary="Visits the caller may see", parameters=[VisitFilterSerializer]),
    retrieve=extend_schema(summary="A visit (the view is in the audit trail)"),
    create=extend_schema(
        summary="Plan a one-off visit (team members)",
        request=NewVisitSerializer,
        responses={201: VisitSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
)
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VisitSerializer
    lookup_value_regex = LOOKUP

    def get_queryset(self) -> QuerySet[Visit]:
        return (
            Visit.objects.visible_to(caller(self.request))
            .select_related("resident")
            .prefetch_related("workers")
            .order_by("planned_start", "pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = VisitFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        visits = self.get_queryset()
        if "team" in values:
            visits = visits.filter(team_id=values["team"])
        if "person" in values:
            visits = visits.filter(person_id=values["person"])
        if "day" in values:
            visits = visits.filter(planned_on=values["day"])
        if values.get("mine"):
            visits = visits.filter(workers=caller(request))
        page = self.paginate_queryset(visits)
        audit(request, [v.resident_id for v in page or []])
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        visit = self.get_object()
        audit(request, [visit.resident_id])
        return Response(VisitSerializer(visit).data)

    def create(self, request: Request) -> Response:
        serializer = NewVisitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        user = caller(request)
        person = found(_recordable_people(request), values["person"], "person supported")
        members = TeamMember.objects.current().filter(team_id=person.team_id)
        workers = list(members.filter(user_id__in=values["workers"]).select_related("user"))
        if len(workers) != len(set(values["workers"])):
            raise serializers.ValidationError({"workers": ["Choose members of the team."]})
        visit = services.plan_visit(
            person=person,
            start=values["planned_start"],
            minutes=values["planned_minutes"],
            workers=[m.user for m in workers],
            by=user,
            submission_key=values.get("submission_key"),
        )
        return Response(
            VisitSerializer(self.get_queryset().get(pk=visit.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def _recordable(self) -> Visit:
        visit = self.get_object()
        if not Visit.objects.recordable_by(caller(self.request)).filter(pk=visit.pk).exists():
            raise NotFound("No such visit of your team.")
        return visit

    @extend_schema(
        summary="Arrived: the server's time; sent again, the first time stays (idempotent)",
        request=None,
        responses={200: VisitSerializer, 400: VALIDATION_ERROR},
    )
    @action(detail=True, methods=["post"])
    def arrived(self, request: Request, pk: str) -> Response:
        visit = services.record_arrival(
            visit=self._recordable(), by=caller(request), request=request._request
        )
        return Response(VisitSerializer(self.get_queryset().get(pk=visit.pk)).data)

    @extend_schema(
        summary="Left: the server's time, the visit completed; sent again, the first stays",
        request=None,
        responses={200: VisitSerializer, 400: VALIDATION_ERROR},
    )
    @action(detail=True, methods=["post"])
    def left(self, request: Request, pk: str) -> Response:
        visit = services.record_departure(
            visit=self._recordable(), by=caller(request), request=request._request
        )
        return Response(VisitSerializer(self.get_queryset().get(pk=visit.pk)).data)

    @extend_schema(
        summary="Record what happened, health care tasks, concerns and outcome progress (the "
        "same submission_key again records it once)",
        request=RecordSerializer,
        responses={200: VisitSerializer, 400: VALIDATION_ERROR, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str) -> Response:
        visit = self._recordable()
        serializer = RecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        progress = {
            p["outcome"]: (p["rating"], p.get("note", "")) for p in values.pop("progress", [])
        }
        services.record_visit(
            visit=visit, by=caller(request), progress=progress, request=request._request, **values
        )
        return Response(VisitSerializer(self.get_queryset().get(pk=visit.pk)).data)


# --- Time entries and health events -----------------------------------------------------------


class TimeEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = TimeEntry
        fields = ["id", "team", "worker", "category", "on", "minutes", "note"]
        read_only_fields = fields


class NewTimeEntrySerializer(serializers.Serializer):
    team = serializers.IntegerField(**ID)
    category = serializers.ChoiceField(choices=TimeEntry.Category.choices)
    on = serializers.DateField()
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    submission_key = submission_key_field()


@extend_schema_view(
    list=extend_schema(summary="The caller's own time entries"),
    create=extend_schema(
        summary="Record time other than visits: travel, team meeting, training, admin",
        request=NewTimeEntrySerializer,
        responses={201: TimeEntrySerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
)
class TimeEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TimeEntrySerializer

    def get_queryset(self) -> QuerySet[TimeEntry]:
        return TimeEntry.objects.filter(worker=caller(self.request)).order_by("-on", "-pk")

    def create(self, request: Request) -> Response:
        serializer = NewTimeEntrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        team = found(Team.objects.run_by(caller(request)), values.pop("team"), "team of yours")
        entry = services.record_time(team=team, by=caller(request), **values)
        return Response(TimeEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class HealthEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthEvent
        fields = ["id", "resident", "kind", "occurred_on", "source", "recorded_at"]
        read_only_fields = fields


class NewHealthEventSerializer(serializers.Serializer):
    person = serializers.IntegerField(**ID)
    kind = serializers.ChoiceField(choices=HealthEvent.Kind.choices)
    occurred_on = serializers.DateField()
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=200, required=False, allow_blank=True
    )
    submission_key = submission_key_field()


class ResidentFilterSerializer(serializers.Serializer):
    resident = serializers.IntegerField(required=False, help_text="Only this resident's.", **ID)


@extend_schema_view(
    list=extend_schema(
        summary="Health events of people supported whom the caller may see",
        parameters=[ResidentFilterSerializer],
    ),
    create=extend_schema(
        summary="Record a GP appointment, A&E attendance, unplanned admission or fall (team "
        "members; from before the person joined too)",
        request=NewHealthEventSerializer,
        responses={201: HealthEventSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
)
class HealthEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = HealthEventSerializer

    def get_queryset(self) -> QuerySet[HealthEvent]:
        people = PersonSupported.objects.visible_to(caller(self.request))
        return HealthEvent.objects.filter(resident_id__in=people.values("resident_id")).order_by(
            "-occurred_on", "-pk"
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = ResidentFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        events = self.get_queryset()
        if "resident" in params.validated_data:
            events = events.filter(resident_id=params.validated_data["resident"])
        page = self.paginate_queryset(events)
        audit(request, [e.resident_id for e in page or []])
        return self.get_paginated_response(HealthEventSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        serializer = NewHealthEventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        person = found(_recordable_people(request), values.pop("person"), "person supported")
        event = services.record_health_event(person=person, by=caller(request), **values)
        return Response(HealthEventSerializer(event).data, status=status.HTTP_201_CREATED)
