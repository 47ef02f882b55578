"""The references: what the cheapest pages cost on this server, with the same middleware,
session and sign-in as every key page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from introductions.models import Conversation

FIXED = b"<!DOCTYPE html><html lang='en'><title>Ceiling</title><main><p>Ceiling</p></main></html>"


@login_required
def ceiling(request: HttpRequest) -> HttpResponse:
    """A small fixed page: the most a signed-in page can be served per second."""
    return HttpResponse(FIXED)


@login_required
def one_query(request: HttpRequest) -> HttpResponse:
    """25 rows of one table by one indexed query (the newest conversations, by primary key),
    in the base template: the cheapest a database-backed page can be."""
    rows = Conversation.objects.order_by("-pk").values("pk", "held_at", "how_we_met")[:25]
    return render(request, "bench/one_query.html", {"rows": rows})
