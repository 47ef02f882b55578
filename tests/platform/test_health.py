import logging

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db

REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


def test_healthz_is_503_and_tells_the_public_nothing_more_when_redis_is_down(
    client, settings, caplog
):
    settings.CACHES = REDIS_DOWN
    with caplog.at_level(logging.ERROR, logger="thurrock_care.views"):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "Connection" not in response.text
    assert "127.0.0.1" not in response.text
    # Operators find the failing check and its error in the logs.
    failures = {r.getMessage(): r for r in caplog.records if r.name == "thurrock_care.views"}
    redis = failures["Health check 'redis' failed"]
    assert redis.exc_info is not None
    assert "Connection refused" in str(redis.exc_info[1])
    assert "Health check 'database' failed" not in failures


def test_healthz_gives_an_administrator_each_checks_details(client, settings, personas):
    settings.CACHES = REDIS_DOWN
    client.force_login(personas[Role.ADMINISTRATOR])
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False
    assert "Connection" in body["checks"]["redis"]["error"]
    assert body["checks"]["database"] == {"ok": True}
    assert set(body["checks"]) == {"database", "redis", "worker"}


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_healthz_gives_other_roles_only_the_status(client, personas, role):
    client.force_login(personas[role])
    response = client.get(reverse("healthz"))
    assert response.status_code in (200, 503)
    assert set(response.json()) == {"status"}


def test_an_administrator_without_two_factor_authentication_sees_only_the_status(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    response = client.get(reverse("healthz"))
    assert set(response.json()) == {"status"}


def test_healthz_needs_no_sign_in_and_is_not_cached(client):
    response = client.get(reverse("healthz"))
    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"]
    assert response.json()["status"] in ("ok", "unavailable")
