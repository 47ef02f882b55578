"""Bad input anywhere on the MDT pages is a clear message, never a 500: huge numbers, other
scripts' digits, malformed dates and times, tampered ids."""

import uuid

import pytest
from django.urls import reverse

from mdt import services
from tests.mdt.factories import request, with_slots

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
WEIRD = [HUGE, "-1", "٣", "\uff11\uff12", "1e9", "", "\x00", "<script>", "1 OR 1=1"]


@pytest.mark.parametrize("value", WEIRD)
def test_odd_values_in_every_form_are_400s(client, s, value):
    mdt = request(s)
    [slot] = with_slots(s, mdt, 3)
    client.force_login(s.coordinator)
    posts = [
        (reverse("mdt:request", args=[s.resident.pk]),
         {"urgency": value, "concern": "c", "residents_voice": "v", "organisations": [value],
          "required": [value], "consent_given": value, "lawful_basis": value,
          "submission_key": str(uuid.uuid4())}),
        (reverse("mdt:propose", args=[mdt.pk]), {"quick": [value], "day": value, "at": value}),
        (reverse("mdt:confirm", args=[mdt.pk]), {"slot": value}),
    ]  # fmt: skip
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 400, (url, value)
    services.confirm_slot(mdt=mdt, slot=slot, by=s.coordinator)
    meeting = client.post(
        reverse("mdt:meeting", args=[mdt.pk]),
        {"attended": [value], "apologies": [value], "version": value},
    )
    assert meeting.status_code == 400, value
    action = client.post(reverse("mdt:action_add", args=[mdt.pk]),
                         {"what": "x", "owner_organisation": value, "owner_person": value,
                          "due_on": value, "submission_key": str(uuid.uuid4())})  # fmt: skip
    assert action.status_code == 400, value
    close = client.post(reverse("mdt:close", args=[mdt.pk]), {"outcome": "x", "version": value})
    assert close.status_code in (400, 409), value
    # The partner's answer form and the link.
    client.force_login(s.fire_partner)
    answer = client.post(reverse("mdt:answer", args=[mdt.pk]),
                         {f"slot_{slot.pk}": value, "submission_key": value})  # fmt: skip
    assert answer.status_code in (400, 404), value


def test_a_submission_key_reused_for_another_request_keeps_what_was_typed(client, s):
    client.force_login(s.coordinator)
    url = reverse("mdt:request", args=[s.resident.pk])
    key = str(uuid.uuid4())
    base = {
        "urgency": "urgent",
        "concern": "First",
        "residents_voice": "v",
        "organisations": [s.housing.pk],
        "consent_given": "yes",
        "submission_key": key,
    }
    assert client.post(url, base).status_code == 302
    again = client.post(url, {**base, "concern": "Something else entirely"})
    assert again.status_code == 400
    assert "Something else entirely" in again.text
    assert "already sent once" in again.text


def test_an_action_due_date_is_from_a_week_ago_to_two_years_ahead(client, s):
    """01/01/0001 or 31/12/9999 is a clear message on the page and in the API; a date within
    a week back to two years ahead is kept."""
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework.test import APIClient

    from mdt.models import MdtAction

    mdt = request(s)
    [slot] = with_slots(s, mdt, 3)
    services.confirm_slot(mdt=mdt, slot=slot, by=s.coordinator)
    client.force_login(s.coordinator)
    api = APIClient()
    api.force_authenticate(s.coordinator)
    today = timezone.localdate()
    too_early, too_late = today - timedelta(days=8), today + timedelta(days=2 * 366)
    for typed_date, iso in [
        (f"{too_early:%d/%m/%Y}", too_early.isoformat()),
        (f"{too_late:%d/%m/%Y}", too_late.isoformat()),
        ("01/01/0001", "0001-01-01"),
        ("31/12/9999", "9999-12-31"),
    ]:
        typed = {"what": "Ramp", "owner_organisation": s.housing.pk, "due_on": typed_date,
                 "submission_key": str(uuid.uuid4())}  # fmt: skip
        page = client.post(reverse("mdt:action_add", args=[mdt.pk]), typed)
        assert page.status_code == 400, typed_date
        assert "Give a due date from" in page.text, typed_date
        assert typed_date in page.text  # what was typed is kept
        body = {**typed, "mdt": mdt.pk, "due_on": iso, "submission_key": str(uuid.uuid4())}
        answer = api.post("/api/v1/mdt-actions/", body, format="json")
        assert answer.status_code == 400, iso
        assert "Give a due date from" in str(answer.json()), iso
    assert not MdtAction.objects.exists()
    for due in (today - timedelta(days=7), today + timedelta(days=365 * 2 - 1)):
        typed = {"what": "Ramp", "owner_organisation": s.housing.pk, "due_on": f"{due:%d/%m/%Y}",
                 "submission_key": str(uuid.uuid4())}  # fmt: skip
        assert client.post(reverse("mdt:action_add", args=[mdt.pk]), typed).status_code == 302
    assert MdtAction.objects.count() == 2
