import pytest
from django.test import RequestFactory
from django.urls import reverse

from thurrock_care.views import permission_denied, server_error

pytestmark = pytest.mark.django_db


def test_404_page_is_in_the_service_style(client, practitioner):
    client.force_login(practitioner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "govuk-service-navigation" in response.text
    assert reverse("home") in response.text


def test_403_page(rf: RequestFactory, practitioner):
    request = rf.get("/")
    request.user = practitioner
    response = permission_denied(request)
    assert response.status_code == 403
    assert b"You cannot see this page" in response.content


def test_500_page_renders_without_the_database(rf: RequestFactory):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
