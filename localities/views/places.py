"""The localities and their ILT members."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from localities import queries
from localities.models import Locality, Neighbourhood
from thurrock_care.accounts.typing import AuthenticatedRequest


@login_required
def locality_list(request: HttpRequest) -> HttpResponse:
    localities = Locality.objects.annotate(member_count=Count("memberships")).prefetch_related(
        Prefetch("neighbourhoods", queryset=Neighbourhood.objects.order_by("name"))
    )
    return render(request, "localities/locality_list.html", {"localities": localities})


@login_required
def locality_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality.objects.prefetch_related("neighbourhoods"), slug=slug)
    context = {
        "locality": locality,
        "members_by_kind": queries.members_by_kind(locality),
        "coordinates": locality.is_coordinated_by(request.user),
    }
    return render(request, "localities/locality_detail.html", context)
