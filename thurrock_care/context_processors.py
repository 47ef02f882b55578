"""Navigation by role, for the header of every page."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from thurrock_care import access
from thurrock_care.notifications.models import Notification


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
    if access.sees_reports(user):
        items.append(("Figures", reverse("reports:dashboard")))
    if access.sees_administration(user):
        items.append(("Administration", reverse("admin:index")))
    items.append(("Notifications", reverse("notifications:list")))
    items.append(("Security", reverse("mfa_index")))
    path = request.path
    # One indexed query, and only on pages that show the header.
    unread = SimpleLazyObject(lambda: Notification.objects.inbox_of(user).unread().count())
    return {
        "nav_items": [
            {
                "label": label,
                "url": url,
                "active": path == url or (url != "/" and path.startswith(url)),
                "count": unread if label == "Notifications" else None,
            }
            for label, url in items
        ]
    }
