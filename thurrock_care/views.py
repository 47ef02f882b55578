from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from localities import queries as locality_queries
from localities.models import Locality
from thurrock_care import access
from thurrock_care.accounts.models import Role, User
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.celery import app as celery_app
from thurrock_care.tasks import HEARTBEAT_KEY

HOME_TEMPLATES = {role: f"home/home_{role.value}.html" for role in Role}


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    localities = Locality.objects.annotate(member_count=Count("memberships"))
    if user.role not in (Role.MANAGER, Role.ADMINISTRATOR):
        localities = localities.filter(staff=user)
    context: dict[str, object] = {
        "localities": localities,
        "resident_search": access.sees_named_residents(user),
    }
    if user.role == Role.ADMINISTRATOR:
        context["accounts_by_role"] = accounts_by_role()
    if user.role in (Role.COORDINATOR, Role.ADMINISTRATOR):
        context["waiting_to_join"] = locality_queries.pending_join_requests_by_locality(user)
        grants = locality_queries.break_glass_to_review(user)
        if grants is not None:
            context["break_glass_to_review"] = grants.filter(reviewed_at__isnull=True).count()
    return render(request, HOME_TEMPLATES[Role(user.role)], context)


def accounts_by_role() -> list[tuple[str, int]]:
    counts = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("id")))
    return [(role.label, counts.get(role.value, 0)) for role in Role]


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


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, Redis and worker health as JSON: 200 when all are well, else 503."""
    checks = {}
    for name, check in [
        ("database", _check_database),
        ("redis", _check_redis),
        ("worker", _check_worker),
    ]:
        try:
            checks[name] = check()
        except Exception as error:  # any failure is a failed check, reported by name
            checks[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
