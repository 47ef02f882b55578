"""Navigation by role, for the header of every page."""

from django.http import HttpRequest
from django.urls import reverse

from thurrock_care import access
from thurrock_care.accounts.models import Role


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("Home", reverse("home"))]
    if access.sees_named_residents(user):
        items.append(("Residents", reverse("residents:search")))
    items += [
        ("Localities", reverse("localities:list")),
        ("Community assets", reverse("assets:list")),
        ("Learning", reverse("learning:list")),
    ]
    if user.role == Role.ADMINISTRATOR or user.is_staff:
        items.append(("Administration", reverse("admin:index")))
    items.append(("Security", reverse("mfa_index")))
    path = request.path
    return {
        "nav_items": [
            {
                "label": label,
                "url": url,
                "active": path == url or (url != "/" and path.startswith(url)),
            }
            for label, url in items
        ]
    }
