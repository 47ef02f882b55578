"""Pages and API answers with personal data are never stored by a browser or a proxy."""

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def assert_not_stored(response) -> None:
    assert response.status_code == 200, response.status_code
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives
    assert "public" not in directives


def test_resident_pages_and_the_access_report_are_not_stored(client, coordinator):
    resident = ResidentFactory()
    client.force_login(coordinator)
    for url in [
        reverse("residents:detail", args=[resident.pk]),
        reverse("residents:search") + "?q=dent",
        reverse("residents:access_report", args=[resident.pk]),
        reverse("home"),
    ]:
        assert_not_stored(client.get(url))


def test_the_resident_api_is_not_stored(practitioner):
    resident = ResidentFactory(full_name="Arthur Dent")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=practitioner).key}")
    search = api.get(reverse("api:resident-list"), {"q": "dent"})
    assert search.json()["results"][0]["id"] == resident.pk
    assert_not_stored(search)
    assert_not_stored(api.get(reverse("api:resident-detail", args=[resident.pk])))


def test_the_sign_in_page_is_not_stored(client):
    assert_not_stored(client.get(reverse("account_login")))


def test_health_stays_uncached(client):
    response = client.get(reverse("healthz"))
    assert "no-store" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]


def test_static_files_keep_their_own_caching(client):
    response = client.get(settings.STATIC_URL + "build/app.css")
    response.close()  # WhiteNoise streams the file
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "no-store" not in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
