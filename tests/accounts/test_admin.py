import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_sign_in_goes_through_allauth(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_administrator_reaches_admin(client, personas):
    from thurrock_care.accounts.models import Role

    client.force_login(personas[Role.ADMINISTRATOR])
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert personas[Role.COORDINATOR].email in response.text


def test_other_roles_do_not_reach_admin(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
