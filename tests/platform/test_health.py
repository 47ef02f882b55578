import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_is_503_and_names_the_failure_when_redis_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False
    assert "Connection" in body["checks"]["redis"]["error"]
    assert body["checks"]["database"]["ok"] is True


def test_healthz_needs_no_sign_in_and_is_not_cached(client):
    response = client.get(reverse("healthz"))
    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"]
    assert set(response.json()["checks"]) == {"database", "redis", "worker"}
