"""What the residents' pages tell people through notifications: break-glass to the locality's
coordinators (urgent), and a possible duplicate to everyone who reviews both records. Never a
resident's name: record numbers only (an e-mail may be read in a shared mailbox)."""

import datetime

import pytest
from django.urls import reverse

from localities.models import Locality, Neighbourhood, PossibleDuplicate, Resident
from localities.notifications import BREAK_GLASS, POSSIBLE_DUPLICATE
from localities.services.residents import break_glass, create_resident
from tests.conftest import make_persona
from tests.factories import ResidentFactory, valid_nhs_number
from thurrock_care.accounts.models import Role
from thurrock_care.notifications import delivery, services
from thurrock_care.notifications.models import Notification

pytestmark = pytest.mark.django_db

REASON = "She is at the drop-in and unwell"


@pytest.fixture
def tilbury():
    return Locality.objects.get(slug="tilbury-chadwell")


def test_break_glass_tells_each_coordinator_of_the_locality_once_and_at_once(
    grays, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    second = make_persona(Role.COORDINATOR, grays)
    elsewhere = make_persona(Role.COORDINATOR, Locality.objects.get(slug="asop"))
    outsider = make_persona(Role.PRACTITIONER, Locality.objects.get(slug="asop"))
    resident = ResidentFactory(full_name="Glass Resident")
    services.set_email_preferences(user=second, email=[])  # in the app only, then
    with django_capture_on_commit_callbacks(execute=True):
        grant = break_glass(resident=resident, by=outsider, reason=REASON)
    told = Notification.objects.order_by("recipient_id")
    assert [n.recipient for n in told] == [coordinator, second]
    assert not Notification.objects.filter(recipient__in=[elsewhere, outsider]).exists()
    for notification in told:
        assert notification.kind == BREAK_GLASS.name
        assert notification.dedupe_key == f"break_glass:{grant.pk}:{notification.recipient_id}"
        assert notification.subject == "Break-glass access to a resident's record"
        assert notification.link == reverse("residents:break_glass_review")
        assert REASON in notification.body
        assert resident.reference in notification.body
        assert "Glass Resident" not in notification.subject + notification.body
    # Urgent: e-mailed at once whatever the hour, to those who want e-mail.
    assert told[0].email_due_at == told[0].due_at
    assert told[1].email_due_at is None
    (message,) = mailoutbox
    assert message.to == [coordinator.email]
    assert message.body.startswith(told[0].body)
    assert "Please review it: http" in message.body
    assert "Glass Resident" not in message.body
    assert BREAK_GLASS.urgent


def test_a_possible_duplicate_tells_those_who_review_both_records(grays, tilbury, personas):
    hidden = ResidentFactory(
        full_name="Hidden Person", nhs_number=valid_nhs_number(7),
        neighbourhood=Neighbourhood.objects.get(name="Tilbury"),
    )  # fmt: skip
    grays_only = personas[Role.COORDINATOR]
    tilbury_only = make_persona(Role.COORDINATOR, tilbury)
    both = make_persona(Role.COORDINATOR, grays)
    both.localities.add(tilbury)
    administrator = personas[Role.ADMINISTRATOR]
    author = personas[Role.PRACTITIONER]
    created = create_resident(
        by=author, full_name="My Own Record", nhs_number=valid_nhs_number(7),
        neighbourhood=Neighbourhood.objects.get(name="Grays"),
    )  # fmt: skip
    flag = PossibleDuplicate.objects.get()
    assert (flag.resident, flag.candidate) == (created, hidden)
    told = {n.recipient: n for n in Notification.objects.all()}
    assert set(told) == {both, administrator}
    assert grays_only not in told
    assert tilbury_only not in told
    assert author not in told
    for reviewer, notification in told.items():
        assert notification.kind == POSSIBLE_DUPLICATE.name
        assert notification.dedupe_key == f"possible_duplicate:{flag.pk}:{reviewer.pk}"
        assert notification.subject == "A possible duplicate record to review"
        assert notification.link == reverse("residents:possible_duplicates")
        assert f"Record {created.reference}, just added in Grays" in notification.body
        assert f"looks like record {hidden.reference} in Tilbury and Chadwell" in notification.body
        for name in ("Hidden Person", "My Own Record"):
            assert name not in notification.subject + notification.body


def test_a_look_alike_in_the_same_locality_tells_its_coordinator(grays, personas):
    """A partner adds someone the ILT already knows (they may not see the record): the Grays
    coordinator, who reviews both, is told; not urgent, so e-mailed outside quiet hours."""
    known = ResidentFactory(full_name="Grace Adeyemi", date_of_birth=datetime.date(1939, 11, 30))
    create_resident(
        by=personas[Role.PARTNER], full_name="Grace Adeyemi",
        date_of_birth=datetime.date(1939, 11, 30), postcode=known.postcode,
        neighbourhood=Neighbourhood.objects.get(name="Grays"),
    )  # fmt: skip
    coordinator, administrator = personas[Role.COORDINATOR], personas[Role.ADMINISTRATOR]
    told = Notification.objects.order_by("recipient_id")
    assert {n.recipient for n in told} == {coordinator, administrator}
    assert not POSSIBLE_DUPLICATE.urgent
    for notification in told:
        assert notification.email_due_at == delivery.email_due_at(
            due_at=notification.due_at, urgent=False
        )
    assert Resident.objects.count() == 2
