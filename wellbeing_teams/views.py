"""Wellbeing Teams pages, made for a phone: a team's day, a worker's day with one-tap
arrived/left (plain POST forms, no JavaScript needed), the visit record, a person's page with
their outcomes, the team page. Every lookup goes through gates.py (404 for anyone else)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from localities.models import Locality, Resident
from thurrock_care import drafts, submissions
from thurrock_care.accounts.models import User
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.forms import form_status
from thurrock_care.submissions.forms import keep_typed_after_reuse
from thurrock_care.versions import CONFLICT_STATUS, EditConflict, keep_typed_after_conflict
from wellbeing_teams import figures, gates, queries, services
from wellbeing_teams.forms import (
    CancelForm,
    CorrectionForm,
    EndMembershipForm,
    EndSupportForm,
    HealthEventForm,
    HoursForm,
    JoinForm,
    MemberForm,
    MissedForm,
    OutcomeForm,
    PlanVisitForm,
    PreferredWorkersForm,
    TeamForm,
    TimeEntryForm,
    VisitRecordForm,
)
from wellbeing_teams.models import (
    HealthEvent,
    PersonalOutcome,
    PersonSupported,
    Team,
    TeamMember,
    Visit,
)
from wellbeing_teams.services import UK

# ?day= is kept to this range (from 2000 to ten years ahead): the day before and after are
# always dates, and nothing is planned outside it anyway.
FIRST_DAY = date(2000, 1, 1)
DAYS_AHEAD = 3653


def _day(request: AuthenticatedRequest) -> date:
    """`?day=2026-03-29`, else today; anything else is today; a day out of range is the
    nearest in range."""
    raw = request.GET.get("day", "")
    today = timezone.localdate()
    try:
        day = date.fromisoformat(raw) if raw.isascii() and len(raw) == 10 else today
    except ValueError:
        return today
    return min(max(day, FIRST_DAY), today + timedelta(days=DAYS_AHEAD))


def _add_errors(form: Any, error: ValidationError, fields: dict[str, str] | None = None) -> None:
    """A service's error on the form: under the field it is about (renamed by `fields` where
    the form calls it otherwise), else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = (fields or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


@login_required
def team_list(request: AuthenticatedRequest) -> HttpResponse:
    teams = Team.objects.visible_to(request.user).select_related("locality")
    can_create = Locality.objects.coordinated_by(request.user).exists()
    return render(
        request, "wellbeing_teams/team_list.html", {"teams": teams, "can_create": can_create}
    )


@login_required
def team_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    team = gates.visible_team(request, pk)
    context = queries.team_page(team)
    context["is_member"] = Team.objects.run_by(request.user).filter(pk=pk).exists()
    context["manages"] = Team.objects.managed_by(request.user).filter(pk=pk).exists()
    context["ends_members"] = Team.objects.members_ended_by(request.user).filter(pk=pk).exists()
    today = timezone.localdate()
    context["shares"] = [
        figures.direct_contact(team, figures.iso_week(today)),
        figures.direct_contact(team, figures.month(today)),
    ]
    context["continuity"] = figures.continuity(team)
    gates.audited(request, [row.person.resident_id for row in context["continuity"]["people"]])
    return render(request, "wellbeing_teams/team_detail.html", {"team": team, **context})


@login_required
def team_day(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    team = gates.visible_team(request, pk)
    day = _day(request)
    context = queries.team_day(team, day, request.user)
    gates.audited(request, [v.resident_id for v in context["visits"]])
    around = {"previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1)}
    return render(
        request, "wellbeing_teams/team_day.html", {"team": team, "day": day, **around, **context}
    )


@login_required
def my_day(request: AuthenticatedRequest) -> HttpResponse:
    day = _day(request)
    visits = queries.worker_day(request.user, day)
    gates.audited(request, [v.resident_id for v in visits])
    return render(
        request,
        "wellbeing_teams/my_day.html",
        {"visits": visits, "day": day, "today": timezone.localdate()},
    )


def _back(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """Back where the tap came from: the worker's day, or the visit's page."""
    if request.POST.get("next") == "my_day":
        return redirect("wellbeing_teams:my_day")
    return redirect("wellbeing_teams:visit", pk=visit.pk)


@login_required
@require_POST
def visit_arrived(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = gates.recordable_visit(request, pk)
    try:
        services.record_arrival(visit=visit, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Arrived: {timezone.localtime():%H:%M}")
    return _back(request, visit)


@login_required
@require_POST
def visit_left(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = gates.recordable_visit(request, pk)
    try:
        services.record_departure(visit=visit, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Left: {timezone.localtime():%H:%M}. The visit is completed.")
    return _back(request, visit)


@drafts.login_required_keeping_post
def visit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The visit: its times and status, and (for the team's members) the record form, which
    keeps what was typed through a dropped connection or an expired session (drafts.py)."""
    visit = gates.visible_visit(request, pk)
    can_record = Visit.objects.recordable_by(request.user).filter(pk=pk).exists()
    outcomes = list(PersonalOutcome.objects.filter(person_id=visit.person_id))
    data = request.POST.copy() if request.method == "POST" else drafts.take_kept(request)
    form = VisitRecordForm(
        data,
        outcomes=outcomes,
        initial={
            "version": visit.version,
            "what_happened": visit.what_happened,
            "health_tasks": visit.health_tasks,
            "concerns": visit.concerns,
        },
    )
    status = form_status(request)
    if request.method == "POST":
        if not can_record:
            raise Http404
        if form.is_valid():
            try:
                services.record_visit(
                    visit=visit,
                    by=request.user,
                    request=request,
                    version=form.cleaned_data["version"],
                    submission_key=form.cleaned_data["submission_key"],
                    **form.service_values(),
                )
            except EditConflict as error:
                keep_typed_after_conflict(form, data, error)  # type: ignore[arg-type]
                status = CONFLICT_STATUS
            except submissions.KeyReused:
                keep_typed_after_reuse(form, data)  # type: ignore[arg-type]
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "The visit has been recorded.")
                saved = redirect("wellbeing_teams:visit", pk=visit.pk)
                return drafts.mark_saved(saved, form.cleaned_data["submission_key"])
    context = {
        "visit": visit,
        "form": form,
        "can_record": can_record,
        "late": visit.is_late(),
        "workers": list(visit.workers.order_by("full_name")),
        "corrections": list(visit.corrections.select_related("corrected_by")),
        "ratings": list(visit.ratings.select_related("outcome")),
        "draft_author": drafts.author_token(request.user),
        "restored": request.method == "GET" and data is not None,
    }
    return render(request, "wellbeing_teams/visit_detail.html", context, status=status)


@login_required
def visit_missed(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _visit_outcome(
        request, pk, MissedForm, services.mark_missed,
        "The visit is marked missed.", "wellbeing_teams/visit_missed.html",
    )  # fmt: skip


def _visit_outcome(
    request: AuthenticatedRequest,
    pk: int,
    form_class: type[forms.Form],
    service: Callable[..., object],
    done: str,
    template: str,
) -> HttpResponse:
    """A visit marked missed or cancelled: version-checked (a second person is told), with
    what was typed kept."""
    visit = gates.recordable_visit(request, pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = form_class(data, initial={"version": visit.version})
    status = form_status(request)
    if request.method == "POST" and form.is_valid():
        try:
            service(visit=visit, by=request.user, **form.cleaned_data)
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)  # type: ignore[arg-type]
            status = CONFLICT_STATUS
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("wellbeing_teams:visit", pk=visit.pk)
    return render(request, template, {"visit": visit, "form": form}, status=status)


@login_required
def visit_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Correct a recorded time, saying why; the original is kept and shown."""
    visit = gates.recordable_visit(request, pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        field = form.cleaned_data["field"]
        recorded = getattr(visit, field) or visit.planned_start
        day = recorded.astimezone(UK).date()
        corrected = datetime.combine(day, form.cleaned_data["corrected"], tzinfo=UK)
        try:
            services.correct_time(
                visit=visit,
                field=field,
                corrected=corrected,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The time has been corrected; the original is kept.")
            return redirect("wellbeing_teams:visit", pk=visit.pk)
    return render(
        request,
        "wellbeing_teams/visit_correct.html",
        {"visit": visit, "form": form},
        status=form_status(request),
    )


@login_required
def person_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = gates.visible_person(request, pk)
    context = queries.person_page(person)
    is_member = Team.objects.run_by(request.user).filter(pk=person.team_id).exists()
    can_change_hours = services.is_planning_worker(request.user, person.team_id)
    return render(
        request,
        "wellbeing_teams/person_detail.html",
        {
            "person": person,
            "resident": person.resident,
            "is_member": is_member,
            "can_change_hours": can_change_hours,
            **context,
        },
    )


@login_required
def person_for_resident(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """From the resident's page: their Wellbeing Team page, if a team supports them."""
    resident, person = gates.person_for_resident(request, pk)
    if person is None:
        can_join = Resident.objects.changeable_by(request.user).filter(pk=pk).exists()
        return render(
            request,
            "wellbeing_teams/not_supported.html",
            {"resident": resident, "can_join": can_join},
        )
    return redirect("wellbeing_teams:person", pk=person.pk)


@login_required
def outcome_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = gates.recordable_person(request, pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = OutcomeForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_outcome(
                person=person, by=request.user, request=request, **form.cleaned_data
            )
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The outcome has been added.")
            return redirect("wellbeing_teams:person", pk=person.pk)
    return render(
        request,
        "wellbeing_teams/outcome_form.html",
        {"person": person, "resident": person.resident, "form": form},
        status=form_status(request),
    )


@login_required
def hours_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The planning support worker (trusted assessor) changes commissioned hours."""
    person = gates.recordable_person(request, pk)
    if not services.is_planning_worker(request.user, person.team_id):
        return render(
            request,
            "wellbeing_teams/hours_not_yours.html",
            {"person": person, "resident": person.resident},
            status=403,
        )
    data = request.POST.copy() if request.method == "POST" else None
    form = HoursForm(
        data, initial={"version": person.version, "hours_per_week": person.hours_per_week}
    )
    status = form_status(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_hours(
                person=person, by=request.user, request=request, **form.cleaned_data
            )
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)  # type: ignore[arg-type]
            status = CONFLICT_STATUS
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The commissioned hours have been changed.")
            return redirect("wellbeing_teams:person", pk=person.pk)
    return render(
        request,
        "wellbeing_teams/hours_form.html",
        {"person": person, "resident": person.resident, "form": form},
        status=status,
    )


@login_required
def time_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A worker records their own time (travel, team meeting, training, admin)."""
    team = gates.run_team(request, pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = TimeEntryForm(data, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_time(team=team, by=request.user, **form.cleaned_data)
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your time has been recorded.")
            return redirect("wellbeing_teams:team", pk=team.pk)
    return render(
        request,
        "wellbeing_teams/time_form.html",
        {"team": team, "form": form},
        status=form_status(request),
    )


@login_required
def health_event_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A GP appointment, A&E attendance, unplanned admission or fall, for the evaluation."""
    person = gates.recordable_person(request, pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = HealthEventForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_health_event(person=person, by=request.user, **form.cleaned_data)
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The health event has been recorded.")
            return redirect("wellbeing_teams:person", pk=person.pk)
    return render(
        request,
        "wellbeing_teams/health_event_form.html",
        {"person": person, "resident": person.resident, "form": form},
        status=form_status(request),
    )


@login_required
def team_dashboard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The team's own figures: direct-contact share against 61%, punctuality, missed visits,
    continuity, outcome progress and health events before and after joining."""
    team = gates.visible_team(request, pk)
    today = timezone.localdate()
    period = figures.month(today)
    continuity = figures.continuity(team)
    people = [row.person for row in continuity["people"]]
    context = {
        "team": team,
        "period": period,
        "share": figures.direct_contact(team, period),
        "punctuality": figures.punctuality(team, period),
        "continuity": continuity,
        "flagged": sum(row.flagged for row in continuity["people"]),
        "progress": figures.outcome_progress(team, today),
        "health": [
            (HealthEvent.Kind(kind).label, rates["before"], rates["after"])
            for kind, rates in figures.team_health_event_rates(people, today=today).items()
        ],
    }
    return render(request, "wellbeing_teams/team_dashboard.html", context)


@login_required
def join_team(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Add a resident (whom this user sees) to the caseload of a team of their locality."""
    gates.joinable_resident(request, pk)
    resident, person = gates.person_for_resident(request, pk)
    gates.audited(request, [resident.pk])
    teams = Team.objects.visible_to(request.user).filter(
        locality=resident.neighbourhood.locality_id
    )
    data = request.POST.copy() if request.method == "POST" else None
    only = list(teams[:2])
    initial = {"started_on": timezone.localdate(), "team": only[0] if len(only) == 1 else None}
    form = JoinForm(data, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.add_person(
                resident=resident, by=request.user, request=request, **form.cleaned_data
            )
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"They are now supported by {person.team.name}.")
            return redirect("wellbeing_teams:person", pk=person.pk)
    context = {"resident": resident, "form": form, "teams": teams, "current": person}
    return render(request, "wellbeing_teams/join_form.html", context, status=form_status(request))


@login_required
def plan_visit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Plan a visit for a person on the team's caseload: once, or every week on some days."""
    person = gates.recordable_person(request, pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = PlanVisitForm(
        data,
        members=_members(person),
        initial={"workers": list(person.preferred_workers.all()), "minutes": 45},
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            if values["repeat_on"]:
                services.create_pattern(
                    person=person,
                    weekdays=values["repeat_on"],
                    start_time=values["start_time"],
                    minutes=values["minutes"],
                    starts_on=values["on"],
                    workers=values["workers"],
                    by=request.user,
                    submission_key=values["submission_key"],
                )
            else:
                start = datetime.combine(values["on"], values["start_time"], tzinfo=UK)
                services.plan_visit(
                    person=person,
                    start=start,
                    minutes=values["minutes"],
                    workers=values["workers"],
                    by=request.user,
                    submission_key=values["submission_key"],
                )
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)  # type: ignore[arg-type]
        except ValidationError as error:
            _add_errors(form, error, {"planned_start": "on", "starts_on": "on"})
        else:
            messages.success(request, "The visit has been planned.")
            return redirect("wellbeing_teams:person", pk=person.pk)
    return render(
        request,
        "wellbeing_teams/plan_visit_form.html",
        {"person": person, "resident": person.resident, "form": form},
        status=form_status(request),
    )


@login_required
def visit_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _visit_outcome(
        request, pk, CancelForm, services.cancel_visit,
        "The visit is cancelled.", "wellbeing_teams/visit_cancel.html",
    )  # fmt: skip


def _members(person: PersonSupported) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=TeamMember.objects.current().filter(team=person.team).values("user_id")
    ).order_by("full_name")


@login_required
def preferred_workers(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The small group of workers the person knows best (visits are planned with them)."""
    person = gates.recordable_person(request, pk)
    form = PreferredWorkersForm(
        request.POST or None,
        members=_members(person),
        initial={"workers": list(person.preferred_workers.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_preferred_workers(
                person=person, workers=form.cleaned_data["workers"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Their preferred workers have been saved.")
            return redirect("wellbeing_teams:person", pk=person.pk)
    return render(
        request,
        "wellbeing_teams/preferred_workers_form.html",
        {"person": person, "resident": person.resident, "form": form},
        status=form_status(request),
    )


@login_required
def team_create(request: AuthenticatedRequest) -> HttpResponse:
    """A locality's coordinators (and administrators) set up a team."""
    localities = Locality.objects.coordinated_by(request.user).order_by("name")
    if not localities.exists():
        raise Http404
    form = TeamForm(request.POST or None, localities=localities)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.create_team(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{team.name} has been set up. Add its members.")
            return redirect("wellbeing_teams:team", pk=team.pk)
    return render(
        request, "wellbeing_teams/team_form.html", {"form": form}, status=form_status(request)
    )


@login_required
def member_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The team's or the locality's coordinators add a member."""
    team = get_object_or_404(Team.objects.managed_by(request.user), pk=pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            services.add_member(
                team=team,
                user=values["email"],
                role=values["role"],
                contracted_hours=values["contracted_hours"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{values['email'].full_name} is now a member of {team.name}."
            )
            return redirect("wellbeing_teams:team", pk=team.pk)
    return render(
        request,
        "wellbeing_teams/member_form.html",
        {"team": team, "form": form},
        status=form_status(request),
    )


@login_required
def end_support(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The person leaves the team's caseload (the team still sees them for a while)."""
    person = gates.recordable_person(request, pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = EndSupportForm(
        data, initial={"version": person.version, "ended_on": timezone.localdate()}
    )
    status = form_status(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_support(person=person, by=request.user, **form.cleaned_data)
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)  # type: ignore[arg-type]
            status = CONFLICT_STATUS
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Support by {person.team.name} ends.")
            return redirect("wellbeing_teams:person", pk=person.pk)
    return render(
        request,
        "wellbeing_teams/end_support_form.html",
        {"person": person, "resident": person.resident, "form": form},
        status=status,
    )


@login_required
def member_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A worker leaves the team: the team's coordinators and planning support worker, and the
    locality's coordinators, record their last day."""
    member = get_object_or_404(
        TeamMember.objects.current()
        .filter(team__in=Team.objects.members_ended_by(request.user))
        .select_related("team", "user"),
        pk=pk,
    )
    form = EndMembershipForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_membership(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, f"{member.user.full_name} leaves {member.team.name}: the team is updated."
            )
            return redirect("wellbeing_teams:team", pk=member.team_id)
    return render(
        request,
        "wellbeing_teams/member_end.html",
        {"team": member.team, "member": member, "form": form},
        status=form_status(request),
    )
