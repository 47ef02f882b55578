"""Accepting an invitation: from the e-mail's link to a signed-in home page with MFA."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from localities.models import Organisation
from tests.conftest import totp_code
from tests.factories import OrganisationFactory
from thurrock_care.accounts.models import Role
from thurrock_care.accounts.services import invite_user
from thurrock_care.audit.models import Action, Event

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-password-42"


def invitation_path(message) -> str:
    """The path of the one link in an invitation e-mail."""
    link = re.search(r"https?://\S+", message.body)[0]
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def invitee(grays, django_capture_on_commit_callbacks):
    """A new partner member, invited as an approved join request would invite them."""
    with django_capture_on_commit_callbacks(execute=True):
        return invite_user(
            by=None,
            email="Jo.Partner@Befrienders.test",
            full_name="Jo Partner",
            role=Role.PARTNER,
            organisation=OrganisationFactory(kind=Organisation.Kind.VOLUNTARY_GROUP),
            localities=[grays],
        )


def choose_password(client, path: str):
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    return form_page, client.post(
        form_page.redirect_chain[-1][0],  # allauth moves the key out of the address
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_an_invitee_sets_a_password_signs_in_and_sets_up_their_authenticator(
    client, invitee, django_capture_on_commit_callbacks
):
    (message,) = mail.outbox
    assert message.to == ["Jo.Partner@befrienders.test"]

    form_page, response = choose_password(client, invitation_path(message))
    assert "Set up your account" in form_page.text
    assert "Choose a password" in form_page.text
    assert response.status_code == 302

    response = client.post(
        reverse("account_login"), {"login": invitee.email, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    # No authenticator yet: every page sends them to set one up.
    activate = client.get(reverse("home"), follow=True)
    assert activate.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert "verified your email address" not in activate.text
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', activate.text)[1]
    with django_capture_on_commit_callbacks(execute=True):  # allauth says so once committed
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=invitee, type=Authenticator.Type.TOTP).exists()
    # Each step is theirs, in the audit trail: the address, the password, the authenticator.
    steps = Event.objects.filter(actor=invitee)
    assert sorted((e.action, e.details.get("type", "")) for e in steps) == [
        (Action.AUTHENTICATOR_ADDED, "recovery_codes"),
        (Action.AUTHENTICATOR_ADDED, "totp"),
        (Action.EMAIL_CONFIRMED, ""),
        (Action.PASSWORD_CHANGED, ""),
    ]

    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Hello, Jo" in home.text


def test_choosing_a_password_from_the_link_verifies_the_address(client, invitee):
    (message,) = mail.outbox
    choose_password(client, invitation_path(message))
    (address,) = EmailAddress.objects.filter(user=invitee)
    assert (address.email, address.verified, address.primary) == (
        "jo.partner@befrienders.test",
        True,
        True,
    )
    event = Event.objects.get(action=Action.EMAIL_CONFIRMED)
    assert (event.actor, event.object_id, event.details) == (
        invitee,
        invitee.pk,
        {"email": "jo.partner@befrienders.test"},
    )


def test_a_link_that_fails_verifies_nothing(client, invitee):
    (message,) = mail.outbox
    path = invitation_path(message)
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": "short", "password2": "short"}
    )
    assert response.status_code == 200
    assert "This password is too short" in response.text
    assert not EmailAddress.objects.filter(user=invitee, verified=True).exists()
    # A made-up key is refused with a way forward, and verifies nothing either.
    bad = client.get(path.rsplit("-", 1)[0] + "-wrong/", follow=True)
    assert "This link has expired" in bad.text
    assert "ask for a new link" in bad.text
    assert not EmailAddress.objects.filter(user=invitee, verified=True).exists()
    assert not Event.objects.filter(action=Action.EMAIL_CONFIRMED).exists()


def test_a_password_reset_link_verifies_the_address_too(client, practitioner):
    client.post(reverse("account_reset_password"), {"email": practitioner.email})
    (message,) = mail.outbox
    form_page, response = choose_password(client, invitation_path(message))
    assert response.status_code == 302
    assert "Choose a new password" in form_page.text
    assert EmailAddress.objects.get(user=practitioner).verified


def test_an_address_corrected_by_an_administrator_replaces_the_old_one(
    client, invitee, personas, django_capture_on_commit_callbacks
):
    """Regression: after an administrator corrected an address (a typo in an invitation), the
    old address still signed in and received reset links, its holder could set the password
    (recorded as confirming the new address), and the real person, invited again, was stuck
    at the authenticator set-up behind a leftover unverified address."""
    from thurrock_care.accounts.services import send_invitation, update_account

    administrator = personas[Role.ADMINISTRATOR]
    (typo_message,) = mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        update_account(user=invitee, by=administrator, email="jo@befrienders.test")
        send_invitation(user=invitee, by=administrator)
    mail.outbox.clear()
    # The old address: its link is dead, and a reset for it sends nothing.
    stale = client.get(invitation_path(typo_message), follow=True)
    assert "This link has expired" in stale.text
    client.post(reverse("account_reset_password"), {"email": "Jo.Partner@Befrienders.test"})
    # (allauth tells an unknown address that it has no account: no link)
    assert not [m for m in mail.outbox if "/password/reset/key/" in m.body]
    mail.outbox.clear()
    assert not EmailAddress.objects.filter(
        user=invitee, email__iexact="jo.partner@befrienders.test"
    )
    # The new address: a reset link reaches it, and the person finishes setting up.
    client.post(reverse("account_reset_password"), {"email": "jo@befrienders.test"})
    (message,) = mail.outbox
    assert message.to == ["jo@befrienders.test"]
    choose_password(client, invitation_path(message))
    client.post(
        reverse("account_login"), {"login": "jo@befrienders.test", "password": NEW_PASSWORD}
    )
    activate = client.get(reverse("home"), follow=True)
    assert "verified your email address" not in activate.text
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', activate.text)[1]
    assert client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}).status_code == 302
    assert "Hello, Jo" in client.get(reverse("home")).text
    # The old address no longer signs in.
    client.logout()
    old = client.post(
        reverse("account_login"), {"login": "Jo.Partner@Befrienders.test", "password": NEW_PASSWORD}
    )
    assert old.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session
