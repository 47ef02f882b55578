"""Case studies: written by a coordinator as drafts; approved for publication by a manager
only once nothing in them identifies the resident they are about; a manager never reads a
draft that still names them; everyone else finds nothing."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from localities.models import Locality
from tests.conftest import make_persona
from tests.factories import ResidentFactory
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Event
from thurrock_care.reports import anonymity, services
from thurrock_care.reports.models import CaseStudy

pytestmark = pytest.mark.django_db

CLEAN = "A widow in her seventies, lonely since her husband died, now cooks at a lunch club."


@pytest.fixture
def resident():
    return ResidentFactory(full_name="Siobhan O'Leary", preferred_name="Shiv",
                           date_of_birth=date(1948, 3, 2), postcode="RM17 6SL",
                           nhs_number="9434765919")  # fmt: skip


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Siobhan now cooks at the club.", ["their name"]),
        ("Mrs O'leary now cooks.", ["their name"]),
        ("SHIV now cooks.", ["their name"]),
        ("Born 02/03/1948, she cooks.", ["their date of birth"]),
        ("Born 2 March 1948.", ["their date of birth"]),
        ("She lives at rm176sl.", ["their postcode"]),
        ("NHS 943 476 5919.", ["their NHS number"]),
        ("Siobhan, RM17 6SL", ["their name", "their postcode"]),
        (CLEAN, []),
        ("She shivers no more.", []),  # a name inside another word is not the name
    ],
)
def test_what_identifies_the_resident(resident, text, found):
    assert anonymity.identifying_details(text, resident) == found


def test_a_case_study_naming_the_resident_cannot_be_published(client, grays, resident):
    coordinator = make_persona(Role.COORDINATOR, grays)
    manager = make_persona(Role.MANAGER, grays)
    client.force_login(coordinator)
    response = client.post(reverse("reports:case_study_create"), {
        "submission_key": str(uuid.uuid4()), "resident": resident.reference,
        "title": "A cook again", "story": "Siobhan was lonely. " + CLEAN,
    })  # fmt: skip
    study = CaseStudy.objects.get()
    assert response.url == reverse("reports:case_study", args=[study.pk])
    assert "It still contains their name" in client.get(response.url).text
    # The manager is not shown the text while it names her, and cannot approve it.
    client.force_login(manager)
    page = client.get(response.url).text
    assert "Siobhan" not in page
    named = services.write_case_study(by=coordinator, resident=resident, title="Shiv's story",
                                      story=CLEAN)  # fmt: skip
    listed = client.get(reverse("reports:case_studies")).text
    assert "Shiv" not in listed
    assert "A case study not yet anonymised" in listed
    assert "A cook again" in listed
    named.delete()
    assert "Approve for publication" not in page
    with pytest.raises(ValidationError, match="cannot be published while it contains their name"):
        services.publish_case_study(study=study, by=manager, version=1)
    refused = client.post(reverse("reports:case_study_publish", args=[study.pk]),
                          {"version": 1}, follow=True)  # fmt: skip
    assert "It cannot be published while it contains their name" in refused.text
    study.refresh_from_db()
    assert not study.is_published
    # The coordinator takes her name out; the manager approves it.
    client.force_login(coordinator)
    client.post(reverse("reports:case_study_edit", args=[study.pk]),
                {"title": "A cook again", "story": CLEAN, "version": 1})  # fmt: skip
    client.force_login(manager)
    assert CLEAN in client.get(response.url).text
    client.post(reverse("reports:case_study_publish", args=[study.pk]), {"version": 2})
    study.refresh_from_db()
    assert (study.is_published, study.approved_by) == (True, manager)
    assert Event.objects.filter(action="case_study_published", object_id=study.pk).count() == 1


def test_the_postcode_or_birthday_in_the_title_also_stops_it(grays, resident):
    coordinator = make_persona(Role.COORDINATOR, grays)
    manager = make_persona(Role.MANAGER, grays)
    study = services.write_case_study(by=coordinator, resident=resident,
                                      title="Life in RM17 6SL", story=CLEAN)  # fmt: skip
    with pytest.raises(ValidationError, match="their postcode"):
        services.publish_case_study(study=study, by=manager, version=1)


def test_a_case_study_is_about_a_resident_the_coordinator_sees(client, grays):
    coordinator = make_persona(Role.COORDINATOR, grays)
    elsewhere = ResidentFactory(
        neighbourhood=Locality.objects.get(slug="asop").neighbourhoods.first()
    )
    client.force_login(coordinator)
    typed = {"submission_key": str(uuid.uuid4()), "resident": elsewhere.reference,
             "title": "Kept", "story": CLEAN}  # fmt: skip
    response = client.post(reverse("reports:case_study_create"), typed)
    assert response.status_code == 400
    assert "Enter the record number of a resident whose record you can see" in response.text
    assert CLEAN in response.text  # what was typed is kept
    for nonsense in ["TC\u0661\u0662\u0663", "99999999999999999999999", "=1+1", ""]:
        bad = client.post(reverse("reports:case_study_create"), {**typed, "resident": nonsense})
        assert bad.status_code == 400
    assert CaseStudy.objects.count() == 0


def test_who_finds_case_studies(client, grays, resident):
    coordinator = make_persona(Role.COORDINATOR, grays)
    study = services.write_case_study(by=coordinator, resident=resident, title="T", story=CLEAN)
    asop = Locality.objects.get(slug="asop")
    urls = [reverse("reports:case_studies"), reverse("reports:case_study", args=[study.pk]),
            reverse("reports:case_study_edit", args=[study.pk]),
            reverse("reports:case_study_create")]  # fmt: skip
    for role, locality, allowed in [
        (Role.PRACTITIONER, grays, set()),
        (Role.PARTNER, grays, set()),
        (Role.WELLBEING_WORKER, grays, set()),
        (Role.COORDINATOR, asop, {urls[0], urls[3]}),  # their own list (empty), and writing
        (Role.MANAGER, grays, {urls[0], urls[1]}),
        (Role.COORDINATOR, grays, set(urls)),
    ]:
        client.force_login(make_persona(role, locality))
        for url in urls:
            expected = 200 if url in allowed else 404
            assert client.get(url).status_code == expected, (role, locality.slug, url)
    client.force_login(make_persona(Role.PRACTITIONER, grays))
    publish = reverse("reports:case_study_publish", args=[study.pk])
    assert client.post(publish, {"version": 1}).status_code == 404
    study.refresh_from_db()
    assert not study.is_published
