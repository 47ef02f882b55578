"""The figures for managers, coordinators and administrators: the dashboard (tables, with a
chart of each place's trend) and the same figures as a CSV file. Nobody is named in either."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from thurrock_care import access
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.reports import exports, queries
from thurrock_care.reports.forms import FiguresForm


def _require_reports(request: AuthenticatedRequest) -> None:
    if not access.sees_reports(request.user):
        raise Http404


def _form(request: AuthenticatedRequest) -> FiguresForm:
    form = FiguresForm(request.GET or {"period": FiguresForm().fields["period"].initial})
    form.is_valid()
    return form


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    _require_reports(request)
    form = _form(request)
    context: dict = {"form": form, "threshold": settings.SMALL_NUMBERS_THRESHOLD}
    if not form.errors:
        period = form.chosen_period()
        places = queries.with_trends(period, form.chosen_localities())
        for place in places:
            place["measures"] = queries.measures(place["figures"], place["previous"])
        context.update(period=period, places=places, query=request.GET.urlencode())
    return render(request, "reports/dashboard.html", context, status=400 if form.errors else 200)


@login_required
def figures_csv(request: AuthenticatedRequest) -> HttpResponse:
    _require_reports(request)
    form = _form(request)
    if form.errors:
        return dashboard(request)
    period = form.chosen_period()
    return exports.figures_csv(period, form.chosen_localities())
