"""The person's own notifications: the list, opening one, marking all read, e-mail settings.
Nobody sees another's: every lookup is of the signed-in person's own (else 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.forms import form_status
from thurrock_care.notifications import services
from thurrock_care.notifications.forms import PreferencesForm
from thurrock_care.notifications.models import Notification
from thurrock_care.pages import page_of


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    page = page_of(request, Notification.objects.inbox_of(request.user))
    unread = Notification.objects.inbox_of(request.user).unread().exists()
    return render(request, "notifications/notification_list.html", {"page": page, "unread": unread})


@login_required
def notification_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Mark it read and go where it points (the list, if nowhere)."""
    notification = get_object_or_404(Notification.objects.inbox_of(request.user), pk=pk)
    services.mark_read(notification=notification, by=request.user)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedRequest) -> HttpResponse:
    count = services.mark_all_read(by=request.user)
    if count:
        messages.success(
            request, f"Marked {count} notification{'s' if count != 1 else ''} as read."
        )
    return redirect("notifications:list")


@login_required
def notification_settings(request: AuthenticatedRequest) -> HttpResponse:
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,  # nothing ticked sends nothing
        user=request.user,
        initial={"email": services.emailed_kinds(request.user)},
    )
    if form.is_valid():
        services.set_email_preferences(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, "Your choices are saved.")
        return redirect("notifications:settings")
    return render(
        request, "notifications/notification_settings.html", {"form": form},
        status=form_status(request),
    )  # fmt: skip
