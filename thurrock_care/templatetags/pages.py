"""Links between the pages of a list (templates/localities/_pagination.html)."""

from typing import Any

from django import template
from django.template.defaulttags import querystring

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, number: int, name: str = "page", drop: str = "") -> str:
    """The current address's query with page `number` as parameter `name`, less the
    parameters named in `drop` (space-separated): `{% querystring %}` with the parameter's name
    from a variable, so that one page can have a list paged by its own parameter."""
    changes: dict[str, Any] = {key: None for key in drop.split()}
    changes[name or "page"] = number
    return querystring(context, **changes)
