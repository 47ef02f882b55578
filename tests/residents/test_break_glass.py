"""Break-glass: time-limited access with a reason, coordinators told, listed for review."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from localities.models import BreakGlassGrant, Locality
from tests.conftest import make_persona
from tests.factories import ResidentFactory, valid_nhs_number
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Action, Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(grays):
    return make_persona(Role.PRACTITIONER, Locality.objects.get(slug="asop"))


@pytest.fixture
def resident(grays):
    return ResidentFactory(
        full_name="Glass Resident", date_of_birth=datetime.date(1940, 1, 2),
        nhs_number=valid_nhs_number(3),
    )  # fmt: skip


def test_break_glass_opens_the_record_tells_coordinators_and_is_reviewed(
    client, outsider, coordinator, resident, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("residents:detail", args=[resident.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("residents:break_glass"),
            {"full_name": "glass resident", "date_of_birth": "02/01/1940",
             "reason": "She is at the drop-in and unwell"},
        )  # fmt: skip
    assert response.status_code == 302
    assert response.url == url
    assert client.get(url).status_code == 200
    grant = BreakGlassGrant.objects.get()
    assert grant.expires_at - grant.granted_at == datetime.timedelta(hours=24)
    event = Event.objects.get(action=Action.BREAK_GLASS)
    assert (event.resident_id, event.reason) == (resident.pk, "She is at the drop-in and unwell")
    # The Grays coordinator is told, without the resident's name in the e-mail.
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    assert "She is at the drop-in and unwell" in mailoutbox[0].body
    assert resident.reference in mailoutbox[0].body
    assert "Glass Resident" not in mailoutbox[0].body
    # The coordinator reviews it.
    client.force_login(coordinator)
    review = client.get(reverse("residents:break_glass_review"))
    assert "She is at the drop-in and unwell" in review.text
    client.post(reverse("residents:break_glass_reviewed", args=[grant.pk]), {"note": "Fine"})
    grant.refresh_from_db()
    assert grant.reviewed_by == coordinator
    assert grant.review_note == "Fine"


def test_access_ends_after_24_hours(client, outsider, resident):
    client.force_login(outsider)
    client.post(reverse("residents:break_glass"),
                {"nhs_number": resident.nhs_number, "reason": "Safeguarding concern"})  # fmt: skip
    url = reverse("residents:detail", args=[resident.pk])
    assert client.get(url).status_code == 200
    # A day later (the grant's end moved to the past, as the clock would).
    BreakGlassGrant.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(url).status_code == 404


def test_a_reason_and_an_exact_match_are_required(client, outsider, resident):
    client.force_login(outsider)
    no_reason = client.post(reverse("residents:break_glass"), {"nhs_number": resident.nhs_number})
    assert no_reason.status_code == 400
    assert "Say why you need to see this record" in no_reason.text
    assert resident.nhs_number in no_reason.text  # kept
    nobody = {"full_name": "Nobody", "date_of_birth": "01/01/1950", "reason": "x"}
    no_match = client.post(reverse("residents:break_glass"), nobody)
    assert "No single record matches exactly" in no_match.text
    assert 'value="Nobody"' in no_match.text
    neither = client.post(reverse("residents:break_glass"), {"reason": "Because"})
    assert "Enter their NHS number, or their full name and date of birth" in neither.text
    assert not BreakGlassGrant.objects.exists()


def test_managers_cannot_break_glass_and_review_is_for_coordinators(client, personas, resident):
    client.force_login(personas[Role.MANAGER])
    assert client.get(reverse("residents:break_glass")).status_code == 404
    for role in (Role.PRACTITIONER, Role.PARTNER, Role.MANAGER, Role.WELLBEING_WORKER):
        client.force_login(personas[role])
        assert client.get(reverse("residents:break_glass_review")).status_code == 404


def test_the_coordinator_home_page_counts_break_glass_to_review(client, outsider, coordinator,
                                                                resident):  # fmt: skip
    client.force_login(outsider)
    client.post(reverse("residents:break_glass"),
                {"nhs_number": resident.nhs_number, "reason": "Safeguarding concern"})  # fmt: skip
    client.force_login(coordinator)
    assert "1 break-glass access to review" in client.get(reverse("home")).text
