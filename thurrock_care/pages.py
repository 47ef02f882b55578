"""Long lists on pages come 50 at a time (GOV.UK pagination: localities/_pagination.html)."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50


def page_of(request: HttpRequest, items) -> Page:  # items: a QuerySet or a list
    """The page asked for by `?page=`; the first for anything that is not a page number, the
    last for a number past it."""
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
