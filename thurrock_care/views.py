import logging

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from thurrock_care import access, health, panels
from thurrock_care.accounts.models import Role
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.celery import app as celery_app
from thurrock_care.tasks import HEARTBEAT_KEY

logger = logging.getLogger(__name__)

HOME_TEMPLATES = {role: f"home/home_{role.value}.html" for role in Role}


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """A greeting for the user's role, then the panels the apps registered for them
    (thurrock_care/panels.py): this page imports no app of its own."""
    user = request.user
    context = {"panels": panels.panels_for(user)}
    return render(request, HOME_TEMPLATES[Role(user.role)], context)


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def _check_redis() -> dict:
    cache.set("healthz", "ok", timeout=10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("Redis did not return what was written")
    return {"ok": True, "beat_last_heartbeat": cache.get(HEARTBEAT_KEY)}


def _check_worker() -> dict:
    replies = celery_app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no Celery worker answered within 1 second")
    return {"ok": True, "workers": sorted(name for reply in replies for name in reply)}


HEALTH_CHECKS = {"database": _check_database, "redis": _check_redis, "worker": _check_worker}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 `{"status": "ok"}` when the database, Redis and a worker answer, else 503.

    That is all the public learns: a failing check is logged with its error, and only
    administrators see each check's details (worker names, beat's last heartbeat, errors).
    """
    checks = {}
    for name, check in HEALTH_CHECKS.items():
        try:
            checks[name] = check()
        except Exception as error:  # any failure is a failed check, logged by name
            logger.exception("Health check %r failed", name)
            checks[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    healthy = all(check["ok"] for check in checks.values())
    body: dict[str, object] = {"status": "ok" if healthy else "unavailable"}
    warnings = health.warnings()  # registered by apps (thurrock_care/health.py)
    if warnings:
        body["warnings"] = warnings
    if request.user.is_authenticated and access.sees_system_health(request.user):
        body["checks"] = checks
    return JsonResponse(body, status=200 if healthy else 503)


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """Where the administration site sends whoever it will not let in. Django's own admin
    sign-in form would take a password with no authenticator code and no rate limit, and let
    someone already signed in become another account: it is never shown. Someone signed out
    signs in through allauth; someone signed in who is not an administrator is refused."""
    if request.user.is_authenticated:
        raise PermissionDenied("The administration site is for administrators.")
    return redirect_to_login(request.get_full_path(), login_url=reverse("account_login"))


def admin_password_change(request: HttpRequest, extra_context: dict | None = None):
    """The administration site's own password page would change a password unaudited and
    without allauth's checks: it leads to the account pages' one instead."""
    return redirect("account_change_password")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shown only for what the user may already see (reading a record they may not change,
    say): anything they may not see at all is a 404, so that nothing's existence leaks."""
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def signed_in(request: HttpRequest) -> JsonResponse:
    """For the drafts script, before it sends a form: can we reach the server, and are we
    still signed in? (Signed out, it sends the form anyway: the server keeps what was typed
    through signing in.) Never a redirect, never a page."""
    return JsonResponse({"signed_in": request.user.is_authenticated})
