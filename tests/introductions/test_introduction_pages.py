"""Introductions on the web: made with no referral form, changed with a version check (the
second editor sees both versions), reassigned in bulk by a coordinator; and the timeline."""

import re
import uuid

import pytest
from django.urls import reverse

from introductions.models import Introduction
from introductions.services import introductions as services
from tests.conftest import make_persona
from tests.factories import ResidentFactory
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_an_introduction_from_the_resident_s_page(client, practitioner):
    resident = ResidentFactory(full_name="Grace Adeyemi")
    client.force_login(practitioner)
    page = client.get(reverse("residents:detail", args=[resident.pk])).text
    start = reverse("introductions:introduction_for_resident", args=[resident.pk])
    assert start in page
    assert reverse("introductions:conversation_create", args=[resident.pk]) in page
    form = client.get(start, follow=True)
    assert form.status_code == 200
    response = client.post(reverse("introductions:introduction_create", args=[resident.pk]), {
        "submission_key": str(uuid.uuid4()), "source": "gp_practice",
        "introduced_by": "Dr Shah, Grays Health Centre", "introduced_on": "01/03/2026",
        "holder": practitioner.pk, "status": "getting_to_know",
    })  # fmt: skip
    introduction = Introduction.objects.get()
    assert response.url == reverse("introductions:introduction", args=[introduction.pk])
    detail = client.get(response.url).text
    assert "A GP practice" in detail
    assert "Dr Shah, Grays Health Centre" in detail
    # Now the resident page leads to it; the timeline says so.
    assert client.get(start).url == response.url
    history = client.get(reverse("residents:detail", args=[resident.pk])).text
    assert "Introduced to Local Area Coordination" in history


def test_ending_needs_a_reason_and_a_validation_error_keeps_what_was_typed(client, practitioner):
    introduction = services.create_introduction(
        resident=ResidentFactory(), by=practitioner, holder=practitioner, source="self"
    )
    client.force_login(practitioner)
    url = reverse("introductions:introduction_edit", args=[introduction.pk])
    response = client.post(url, {"version": 1, "source": "self", "introduced_on": "01/03/2026",
                                 "holder": practitioner.pk, "status": "ended",
                                 "introduced_by": "Her son Tom"})  # fmt: skip
    assert response.status_code == 400
    assert "Say why it ended" in response.text
    assert "Her son Tom" in response.text


def test_two_people_editing_at_once_the_second_sees_both_versions(client, practitioner, grays):
    colleague = make_persona(Role.PRACTITIONER, grays)
    introduction = services.create_introduction(
        resident=ResidentFactory(), by=practitioner, holder=practitioner, source="self"
    )
    url = reverse("introductions:introduction_edit", args=[introduction.pk])
    base = {"version": 1, "source": "self", "introduced_on": "01/03/2026",
            "holder": practitioner.pk}  # fmt: skip
    client.force_login(colleague)
    first = client.post(url, {**base, "status": "walking_alongside", "introduced_by": "Jean"})
    assert first.status_code == 302
    client.force_login(practitioner)
    second = client.post(url, {**base, "status": "staying_in_touch", "introduced_by": "Tom"})
    assert second.status_code == 409
    text = second.text
    assert "Someone else saved this introduction while you were changing it" in text
    both = text[text.index("The two versions") :]
    for theirs_then_yours in ["Walking alongside", "Jean", "Staying in touch", "Tom"]:
        assert theirs_then_yours in both
    introduction.refresh_from_db()
    assert (introduction.status, introduction.introduced_by) == ("walking_alongside", "Jean")
    # A second, informed save wins.
    third = client.post(url, {**base, "version": 2, "status": "staying_in_touch",
                              "introduced_by": "Tom"})  # fmt: skip
    assert third.status_code == 302
    introduction.refresh_from_db()
    assert (introduction.status, introduction.version) == ("staying_in_touch", 3)


def test_a_coordinator_reassigns_a_caseload_in_one_action(client, coordinator, grays):
    leaving, taking_over = (make_persona(Role.PRACTITIONER, grays) for _ in range(2))
    held = [
        services.create_introduction(
            resident=ResidentFactory(), by=coordinator, holder=leaving, source="self"
        )
        for _ in range(3)
    ]
    client.force_login(coordinator)
    url = reverse("introductions:reassign")
    listed = client.get(url, {"holder": leaving.pk})
    assert listed.status_code == 200
    for introduction in held:
        assert introduction.resident.full_name in listed.text
    response = client.post(f"{url}?holder={leaving.pk}", {
        "introductions": [i.pk for i in held[:2]], "to": taking_over.pk, "reason": "Leaving"
    })  # fmt: skip
    assert response.status_code == 302
    holders = {i.pk: i.holder for i in Introduction.objects.all()}
    assert [holders[i.pk] for i in held] == [taking_over, taking_over, leaving]
    assert "2 introductions given to" in client.get(url).text


def test_reassigning_is_for_coordinators(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("introductions:reassign")).status_code == 404


def test_a_reader_who_may_not_introduce_is_told_there_is_no_introduction(client, grays):
    from tests.factories import ConsentFactory, OrganisationFactory

    named = OrganisationFactory()
    partner = make_persona(Role.PARTNER, grays, organisation=named)
    resident = ResidentFactory()
    ConsentFactory(resident=resident, organisations=[named])
    client.force_login(partner)
    response = client.get(reverse("introductions:introduction_for_resident", args=[resident.pk]))
    assert response.status_code == 200
    assert "has not been introduced to a Local Area Coordinator" in response.text
    create = reverse("introductions:introduction_create", args=[resident.pk])
    assert client.get(create).status_code == 404


def test_the_wellbeing_questions_are_offered_with_the_introduction_never_required(
    client, practitioner
):
    from datetime import timedelta

    from django.utils import timezone

    from introductions.models import WellbeingAnswer
    from introductions.services import wellbeing

    resident = ResidentFactory(full_name="Grace Adeyemi")
    client.force_login(practitioner)
    url = reverse("introductions:introduction_create", args=[resident.pk])
    form = client.get(url).text
    assert "How are you feeling? (optional: four questions)" in form
    assert 'name="life_satisfaction"' in form
    fields = {"submission_key": str(uuid.uuid4()), "source": "self", "introduced_on": "01/03/2026",
              "holder": practitioner.pk, "status": "ended", "worthwhile": "8",
              "anxious_yesterday": "0"}  # fmt: skip
    refused = client.post(url, fields)  # ended without a reason: nothing saved, answers kept
    assert refused.status_code == 400
    assert '<details class="govuk-details" id="wellbeing" open>' in refused.text
    checked = re.findall(
        r'<input type="radio" name="(\w+)" value="(\d+)"[^>]*checked', refused.text
    )
    assert sorted(checked) == [("anxious_yesterday", "0"), ("worthwhile", "8")]
    assert WellbeingAnswer.objects.count() == 0
    fields["status"] = "getting_to_know"
    assert client.post(url, fields).status_code == 302
    introduction = Introduction.objects.get()
    answer = WellbeingAnswer.objects.get()
    assert (answer.introduction, answer.worthwhile, answer.anxious_yesterday) == (
        introduction,
        8,
        0,
    )
    assert (answer.life_satisfaction, answer.happy_yesterday) == (None, None)
    # Not answering is fine: no answers are saved.
    other = ResidentFactory(full_name="Tom Okafor")
    saved = client.post(
        reverse("introductions:introduction_create", args=[other.pk]),
        {**fields, "submission_key": str(uuid.uuid4()), "worthwhile": "", "anxious_yesterday": ""},
    )  # fmt: skip
    assert saved.status_code == 302
    assert WellbeingAnswer.objects.count() == 1
    # Answered less than a quarter ago: not offered.
    third = ResidentFactory(full_name="Ann Lee")
    wellbeing.record_wellbeing(resident=third, by=practitioner, worthwhile=5,
                               answered_on=timezone.localdate() - timedelta(days=30))  # fmt: skip
    text = client.get(reverse("introductions:introduction_create", args=[third.pk])).text
    assert "How are you feeling?" not in text
