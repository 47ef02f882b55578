"""E-mail goes out from Celery tasks after the change is committed, never inside the request:
a mail server that fails cannot turn a saved change into an error, and the task retries."""

import datetime
import re

import pytest
from django.urls import reverse

from localities.models import BreakGlassGrant, Locality
from localities.services.residents import break_glass
from tests.conftest import make_persona
from tests.factories import ResidentFactory, valid_nhs_number
from thurrock_care.accounts.models import Role, User
from thurrock_care.accounts.services import invite_user
from thurrock_care.audit.models import Action, Event

# Committed for real, as in production, so that on_commit runs when the request's work ends.
pytestmark = pytest.mark.django_db(transaction=True)

REASON = "She is at the drop-in and unwell"


@pytest.fixture
def resident(grays):
    return ResidentFactory(
        full_name="Glass Resident", date_of_birth=datetime.date(1940, 1, 2),
        nhs_number=valid_nhs_number(3),
    )  # fmt: skip


@pytest.fixture
def outsider(grays):
    return make_persona(Role.PRACTITIONER, Locality.objects.get(slug="asop"))


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.DisconnectingBackend"


def test_break_glass_succeeds_when_the_mail_server_fails(
    client, outsider, coordinator, resident, mail_server_down, mailoutbox
):
    client.force_login(outsider)
    response = client.post(
        reverse("residents:break_glass"), {"nhs_number": resident.nhs_number, "reason": REASON}
    )
    assert response.status_code == 302
    assert response.url == reverse("residents:detail", args=[resident.pk])
    grant = BreakGlassGrant.objects.get()
    assert (grant.resident, grant.user, grant.reason) == (resident, outsider, REASON)
    assert Event.objects.filter(action=Action.BREAK_GLASS, resident_id=resident.pk).exists()
    assert client.get(response.url).status_code == 200
    assert mailoutbox == []


def test_an_invitation_succeeds_when_the_mail_server_fails(grays, mail_server_down, mailoutbox):
    user = invite_user(
        by=None,
        email="new.partner@befrienders.test",
        full_name="New Partner",
        role=Role.PARTNER,
        localities=[grays],
    )
    assert User.objects.get(pk=user.pk).localities.get() == grays
    assert mailoutbox == []


@pytest.mark.integration
def test_the_worker_sends_the_break_glass_alert_once(
    outsider, coordinator, resident, worker_outbox
):
    grant = break_glass(resident=resident, by=outsider, reason=REASON)  # committed here
    (message,) = worker_outbox.wait_for_messages()
    assert message["to"] == [coordinator.email]
    assert message["subject"] == "Break-glass access to a resident's record"
    assert REASON in message["body"]
    assert resident.reference in message["body"]
    assert "Glass Resident" not in message["body"]
    assert f"{outsider.full_name} ({outsider.organisation.name})" in message["body"]
    assert reverse("residents:break_glass_review") in message["body"]
    assert worker_outbox.attempts == 1
    assert BreakGlassGrant.objects.get() == grant


@pytest.mark.integration
def test_the_worker_retries_when_the_mail_server_fails_and_sends_once(
    outsider, coordinator, resident, worker_outbox
):
    worker_outbox.fail_next(1)
    break_glass(resident=resident, by=outsider, reason=REASON)
    (message,) = worker_outbox.wait_for_messages()
    assert message["to"] == [coordinator.email]
    assert REASON in message["body"]
    assert worker_outbox.attempts == 2  # one dropped connection, then delivered


@pytest.mark.integration
def test_the_worker_sends_an_invitation_whose_link_works(client, grays, worker_outbox):
    invite_user(
        by=None,
        email="new.partner@befrienders.test",
        full_name="New Partner",
        role=Role.PARTNER,
        localities=[grays],
    )
    (message,) = worker_outbox.wait_for_messages()
    assert message["to"] == ["new.partner@befrienders.test"]
    assert message["body"].startswith("Hello New Partner,")
    path = "/" + re.search(r"https?://[^/\s]+/(\S+)", message["body"])[1]
    assert "Set up your account" in client.get(path, follow=True).text


@pytest.mark.integration
def test_the_worker_retries_an_invitation_when_the_mail_server_fails_and_sends_once(
    client, grays, worker_outbox
):
    coordinator = make_persona(Role.COORDINATOR, grays, full_name="Ruth Okafor")
    worker_outbox.fail_next(1)
    user = invite_user(
        by=coordinator,
        email="retried.partner@befrienders.test",
        full_name="Retried Partner",
        role=Role.PARTNER,
        localities=[grays],
    )  # committed here; the first send fails as a dropped connection would
    (message,) = worker_outbox.wait_for_messages()
    assert worker_outbox.attempts == 2  # one dropped connection, then delivered
    assert message["to"] == ["retried.partner@befrienders.test"]
    assert message["subject"] == "You have been invited to Thurrock Care"
    assert message["body"].startswith("Hello Retried Partner,")
    assert "Ruth Okafor has invited you to Thurrock Care" in message["body"]
    # The link sent on the second attempt works.
    path = "/" + re.search(r"https?://[^/\s]+/(\S+)", message["body"])[1]
    assert "Set up your account" in client.get(path, follow=True).text
    assert Event.objects.get(action=Action.ACCOUNT_INVITED).object_id == user.pk
