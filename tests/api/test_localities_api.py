import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_callers_are_refused(api):
    response = api.get(reverse("api:locality-list"))
    assert response.status_code in (401, 403)
    assert "Authentication credentials were not provided" in response.json()["detail"]


def test_token_authentication_lists_localities_with_neighbourhoods(api, practitioner):
    token = Token.objects.create(user=practitioner)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get(reverse("api:locality-list"))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["slug"] for r in results] == [
        "asop",
        "grays",
        "stanford-corringham",
        "tilbury-chadwell",
    ]
    grays = api.get(reverse("api:locality-detail", args=["grays"])).json()
    assert "Chafford Hundred" in grays["neighbourhoods"]


def test_session_authentication_works_too(api, coordinator):
    api.force_login(coordinator)
    assert api.get(reverse("api:locality-detail", args=["asop"])).json()["short_name"] == "ASOP"


def test_a_role_that_sees_residents_needs_mfa_for_the_api_too(api):
    user = UserFactory(role=Role.PARTNER)  # no authenticator enrolled
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get(reverse("api:locality-list"))
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_the_schema_describes_the_api(api, practitioner):
    api.force_login(practitioner)
    response = api.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/localities/" in schema["paths"]
    assert "/api/v1/localities/{slug}/" in schema["paths"]


def test_browsable_docs_are_served_without_a_cdn(client, practitioner):
    client.force_login(practitioner)
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    assert "swagger-ui" in response.text
    assert "cdn." not in response.text
    assert "jsdelivr" not in response.text


@pytest.mark.parametrize("slug", ["%00", "gr%00ays", "%F0%9F%98%80", "x" * 300])
def test_a_locality_that_cannot_exist_is_a_json_404(slug, practitioner):
    """Regression: /api/v1/localities/%00/ reached PostgreSQL, which refuses NUL (a 500)."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(practitioner)
    response = api.get(f"/api/v1/localities/{slug}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
