"""Signing in: e-mail + password, then the authenticator code; MFA before resident data."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import totp_code
from tests.factories import PASSWORD, UserFactory
from thurrock_care.accounts.models import Role, User
from thurrock_care.accounts.services import invite_user

pytestmark = pytest.mark.django_db


def sign_in(client, user, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def test_password_then_totp_code_reaches_the_home_page(client, coordinator):
    response = sign_in(client, coordinator)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")

    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(coordinator.totp_secret)}
    )
    assert response.status_code == 302
    home = client.get(response.url)
    assert home.status_code == 200
    assert home.templates[0].name == "home/home_coordinator.html"
    assert f"Hello, {coordinator.get_short_name()}" in home.text
    assert "Localities you coordinate" in home.text


def test_wrong_totp_code_is_refused_with_a_message(client, coordinator):
    sign_in(client, coordinator)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.text
    assert client.get(reverse("home")).status_code == 302  # still not signed in


def test_a_totp_code_cannot_be_used_twice(client, coordinator):
    code = totp_code(coordinator.totp_secret)
    sign_in(client, coordinator)
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.logout()
    sign_in(client, coordinator)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "Incorrect code" in response.text


@pytest.mark.parametrize("role", [r for r in Role if r != Role.MANAGER])
def test_roles_that_see_residents_must_enrol_before_any_page(client, role):
    user = UserFactory(role=role, is_staff=role == Role.ADMINISTRATOR)
    response = sign_in(client, user)
    assert response.status_code == 302
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert "set up two-factor authentication" in response.text
    assert client.get(reverse("localities:list")).url == reverse("mfa_activate_totp")


def test_enrolling_totp_unlocks_the_service(client):
    user = UserFactory(role=Role.PRACTITIONER)
    sign_in(client, user)
    page = client.get(reverse("mfa_activate_totp"))
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.text)[1]
    if time.time() % 30 > 27:  # a code about to expire may be refused: take the next one
        time.sleep(30 - time.time() % 30 + 0.5)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_totp_secrets_are_encrypted_at_rest(client, coordinator):
    stored = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP)
    assert coordinator.totp_secret not in str(stored.data)
    assert stored.wrap().validate_code(totp_code(coordinator.totp_secret))


def test_a_manager_sees_aggregates_without_mfa(client):
    manager = UserFactory(role=Role.MANAGER)
    sign_in(client, manager)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "All localities" in response.text


def test_repeated_failed_sign_ins_are_rate_limited_with_a_clear_message(client, practitioner):
    for _ in range(5):
        response = sign_in(client, practitioner, password="wrong password")
        assert "Too many failed" not in response.text
    response = sign_in(client, practitioner)  # even the right password is refused now
    assert response.status_code == 429 or "Too many failed login attempts" in response.text
    assert "Too many failed login attempts" in response.text


# Behind the TLS proxy every request comes from the proxy's address; the client's address is
# the one the proxy appends to X-Forwarded-For.
PROXY = "10.0.0.1"


@pytest.fixture
def behind_one_proxy(settings):
    # Only our setting: allauth must take the address from us (settings.py also copies it to
    # ALLAUTH_TRUSTED_PROXY_COUNT, which our adapter makes irrelevant).
    settings.TRUSTED_PROXY_COUNT = 1


def sign_in_from(client, address, email, password=PASSWORD):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


@pytest.mark.usefixtures("behind_one_proxy")
def test_one_persons_wrong_passwords_do_not_lock_out_everyone_behind_the_proxy(
    client, practitioner
):
    manager = UserFactory(role=Role.MANAGER)
    for _ in range(30):
        sign_in_from(client, "203.0.113.10", practitioner.email, password="wrong password")
    response = sign_in_from(Client(), "198.51.100.20", manager.email)
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.usefixtures("behind_one_proxy")
def test_wrong_passwords_from_many_addresses_still_lock_that_account(client, practitioner):
    for n in range(5):
        response = sign_in_from(client, f"203.0.113.{n}", practitioner.email, password="wrong")
        assert "Too many failed" not in response.text
    response = sign_in_from(client, "198.51.100.20", practitioner.email)
    assert "Too many failed login attempts" in response.text
    assert client.get(reverse("home")).status_code == 302  # not signed in
    manager = UserFactory(role=Role.MANAGER)
    assert sign_in_from(Client(), "198.51.100.21", manager.email).url == reverse("home")


@pytest.mark.usefixtures("behind_one_proxy")
def test_one_address_trying_many_accounts_is_slowed_but_its_neighbours_are_not(
    client, practitioner
):
    """20 failures in 5 minutes per address: room for an office behind one NAT address."""
    for n in range(20):
        # A different spoofed leftmost entry each time: only the proxy's entry counts.
        forwarded = f"192.0.2.{n}, 203.0.113.10"
        response = sign_in_from(client, forwarded, f"guess{n}@thurrock-care.test", "wrong")
        assert "Too many failed" not in response.text
    response = sign_in_from(client, "192.0.2.99, 203.0.113.10", practitioner.email)
    assert "Too many failed login attempts" in response.text
    response = sign_in_from(Client(), "203.0.113.11", practitioner.email)
    assert response.url == reverse("mfa_authenticate")


def test_there_is_no_public_sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert "Accounts are by invitation" in response.text
    assert not User.objects.filter(email="new@example.org").exists()


def test_an_invitation_link_lets_the_invitee_choose_a_password(
    client, grays, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite_user(
            by=None,
            email="new.lac@thurrock-care.test",
            full_name="Nia Lac",
            role=Role.PRACTITIONER,
            localities=[grays],
        )
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["new.lac@thurrock-care.test"]
    link = re.search(r"https?://\S+", message.body)[0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(f"/{path}", follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],  # allauth moves the key out of the address
        {"password1": "a-brand-new-password-42", "password2": "a-brand-new-password-42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-password-42")


def test_an_email_address_can_be_invited_only_once(grays):
    UserFactory(email="taken@thurrock-care.test")
    with pytest.raises(ValueError, match="already an account"):
        invite_user(by=None, email="TAKEN@thurrock-care.test", full_name="X", role=Role.PARTNER)


def test_sign_out_is_a_post_and_ends_the_session(client, manager):
    client.force_login(manager)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_forgotten_password_is_reset_by_email(client, practitioner):
    response = client.post(reverse("account_reset_password"), {"email": practitioner.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [practitioner.email]
    path = "/" + re.search(r"https?://[^/\s]+/(\S+)", message.body)[1]
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "another-long-password-7", "password2": "another-long-password-7"},
    )
    practitioner.refresh_from_db()
    assert practitioner.check_password("another-long-password-7")


def test_a_failed_form_keeps_what_was_typed(client, practitioner):
    response = sign_in(client, practitioner, password="wrong password")
    assert "The email address and/or password you specified are not correct." in response.text
    assert f'value="{practitioner.email}"' in response.text
    assert "govuk-error-summary" in response.text
