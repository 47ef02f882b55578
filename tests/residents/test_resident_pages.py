"""Creating, reading and changing a resident's record through the pages."""

import datetime
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from localities.models import (
    Connection,
    Consent,
    Locality,
    Neighbourhood,
    PossibleDuplicate,
    Resident,
    StoryEntry,
)
from localities.services import residents as services
from tests.conftest import make_persona
from tests.factories import ConsentFactory, OrganisationFactory, ResidentFactory, valid_nhs_number
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Action, Event

pytestmark = pytest.mark.django_db


def new_resident_data(**overrides) -> dict:
    data = {
        "submission_key": str(uuid.uuid4()),
        "full_name": "Siobhan O'Leary",
        "preferred_name": "Shiv",
        "date_of_birth": "02/03/1948",
        "address": "12 Orsett Road, Grays",
        "postcode": "rm18 7ab",
        "neighbourhood": str(Neighbourhood.objects.get(name="Grays").pk),
        "phone": "01375 000000",
        "email": "",
        "nhs_number": "999 000 0018",
        "las_person_id": "LAS-123",
        "communication_needs": "Hard of hearing: face her when speaking",
        "key_safety_information": "Small dog in the house",
    }
    data.update(overrides)
    return data


def test_create_a_resident(client, practitioner):
    client.force_login(practitioner)
    assert "Add a resident" in client.get(reverse("residents:create")).text
    response = client.post(reverse("residents:create"), new_resident_data())
    resident = Resident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("residents:detail", args=[resident.pk])
    assert (resident.full_name, resident.postcode, resident.nhs_number) == (
        "Siobhan O'Leary", "RM18 7AB", "9990000018"
    )  # fmt: skip
    assert resident.date_of_birth == datetime.date(1948, 3, 2)
    assert resident.neighbourhood.locality.slug == "grays"
    assert resident.search_name == "siobhan oleary shiv"
    assert Event.objects.filter(resident_id=resident.pk, action=Action.CREATED).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nhs_number", "999 000 0019", "That is not a valid NHS number"),
        ("nhs_number", "12345", "NHS number must be 10 digits"),
        ("postcode", "RM18 XYZ", "Enter a real postcode"),
        ("date_of_birth", "01/01/2090", "Date of birth must be today or in the past"),
        ("date_of_birth", "31/02/1948", "Enter a real date"),
        ("full_name", "", "Enter their full name"),
    ],
)
def test_a_bad_value_gets_a_clear_message_and_keeps_what_was_typed(
    client, practitioner, field, value, message
):
    client.force_login(practitioner)
    data = new_resident_data(**{field: value})
    response = client.post(reverse("residents:create"), data)
    assert response.status_code == 400
    assert message in response.text
    assert 'class="govuk-error-summary"' in response.text
    assert f'href="#id_{field}"' in response.text  # the summary links to the field
    for kept in ["12 Orsett Road, Grays", "LAS-123", "Hard of hearing: face her when speaking",
                 "Small dog in the house", data["submission_key"]]:  # fmt: skip
        assert kept in response.text
    if value:
        assert f'value="{value}"' in response.text
    assert not Resident.objects.exists()


def test_a_double_submit_creates_one_record(client, practitioner):
    client.force_login(practitioner)
    data = new_resident_data()
    first = client.post(reverse("residents:create"), data)
    second = client.post(reverse("residents:create"), data)
    assert Resident.objects.count() == 1
    assert first.url == second.url


def offered_neighbourhoods(html: str) -> list[str]:
    """The neighbourhoods the page's neighbourhood list offers, as shown."""
    select = re.search(r'<select name="neighbourhood".*?</select>', html, re.DOTALL)
    assert select, "the page has no neighbourhood list"
    return re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', select[0])


GRAYS = [
    "Blackshots (Grays)", "Chafford Hundred (Grays)", "Grays (Grays)",
    "Stifford Clays (Grays)", "West Thurrock (Grays)",
]  # fmt: skip
ASOP = ["Aveley (ASOP)", "Purfleet (ASOP)", "South Ockendon (ASOP)"]


def test_the_add_form_offers_only_neighbourhoods_where_the_user_works(client, practitioner):
    """Regression: a Grays practitioner could add a resident in Tilbury and then not see the
    record just made. The form now offers only the localities where they work."""
    client.force_login(practitioner)
    response = client.get(reverse("residents:create"))
    assert offered_neighbourhoods(response.text) == GRAYS
    assert "nowhere to add a resident" not in response.text
    # Someone who works in two localities is offered both; an administrator every one.
    both = make_persona(Role.PRACTITIONER, None)
    both.localities.set(Locality.objects.filter(slug__in=["grays", "asop"]))
    client.force_login(both)
    assert offered_neighbourhoods(client.get(reverse("residents:create")).text) == sorted(
        GRAYS + ASOP
    )
    client.force_login(make_persona(Role.ADMINISTRATOR, None))
    offered = offered_neighbourhoods(client.get(reverse("residents:create")).text)
    assert len(offered) == Neighbourhood.objects.count() == 19
    assert "Tilbury (Tilbury &amp; Chadwell)" in offered


def test_a_neighbourhood_elsewhere_sent_by_hand_is_refused_keeping_what_was_typed(
    client, practitioner
):
    client.force_login(practitioner)
    tilbury = Neighbourhood.objects.get(name="Tilbury")
    data = new_resident_data(neighbourhood=str(tilbury.pk))
    response = client.post(reverse("residents:create"), data)
    assert response.status_code == 400
    assert 'class="govuk-error-summary"' in response.text
    assert (
        '<a href="#id_neighbourhood">Choose a neighbourhood in a locality where you work</a>'
        in response.text
    )
    kept = ['value="Siobhan O&#x27;Leary"', 'value="02/03/1948"', "12 Orsett Road, Grays",
            'value="999 000 0018"', "Small dog in the house", data["submission_key"]]  # fmt: skip
    for typed in kept:
        assert typed in response.text
    assert offered_neighbourhoods(response.text) == GRAYS  # still only her own
    assert not Resident.objects.exists()
    assert not Event.objects.exists()


def test_the_service_itself_refuses_a_neighbourhood_where_the_author_does_not_work(
    practitioner, manager
):
    """The form is not the only guard: create_resident refuses too (a later caller that
    skips the form must not write a record its author cannot see)."""
    tilbury = Neighbourhood.objects.get(name="Tilbury")
    for author in (practitioner, manager):
        with pytest.raises(ValidationError) as refused:
            services.create_resident(by=author, full_name="Nowhere Person", neighbourhood=tilbury)
        assert refused.value.message_dict == {
            "neighbourhood": ["Choose a neighbourhood where you work"]
        }
    with pytest.raises(ValidationError):  # managers add nobody, even in their own locality
        services.create_resident(
            by=make_persona(Role.MANAGER, Locality.objects.get(slug="grays")),
            full_name="Nowhere Person",
            neighbourhood=Neighbourhood.objects.get(name="Grays"),
        )
    assert not Resident.objects.exists()
    assert not Event.objects.exists()
    blackshots = Neighbourhood.objects.get(name="Blackshots")
    made = services.create_resident(
        by=practitioner, full_name="Somewhere Person", neighbourhood=blackshots
    )
    assert Resident.objects.visible_to(practitioner).get() == made


def test_someone_who_works_in_no_locality_is_told_there_is_nowhere_to_add_a_resident(client):
    newcomer = make_persona(Role.PRACTITIONER, None)
    client.force_login(newcomer)
    response = client.get(reverse("residents:create"))
    assert response.status_code == 200
    assert (
        "You do not work in any locality yet, so there is nowhere to add a resident. Ask your "
        "ILT coordinator to add you to a locality."
    ) in response.text
    assert offered_neighbourhoods(response.text) == []
    # Sending the form by hand anyway adds nobody.
    data = new_resident_data()
    posted = client.post(reverse("residents:create"), data)
    assert posted.status_code == 400
    assert "Choose a neighbourhood in a locality where you work" in posted.text
    assert "nowhere to add a resident" in posted.text
    assert 'value="Siobhan O&#x27;Leary"' in posted.text
    assert not Resident.objects.exists()


def test_a_resident_cannot_be_moved_to_a_locality_where_the_editor_does_not_work(
    client, practitioner
):
    resident = ResidentFactory(full_name="Arthur Dent")
    url = reverse("residents:edit", args=[resident.pk])
    client.force_login(practitioner)
    page = client.get(url)
    assert offered_neighbourhoods(page.text) == GRAYS
    form = page.context["form"]
    data = {name: (form.initial.get(name) or "") for name in form.fields}
    tilbury = Neighbourhood.objects.get(name="Tilbury")
    response = client.post(url, {**data, "neighbourhood": str(tilbury.pk), "phone": "07000 000001"})
    assert response.status_code == 400
    assert (
        '<a href="#id_neighbourhood">Choose a neighbourhood in a locality where you work</a>'
        in response.text
    )
    assert 'value="07000 000001"' in response.text  # what was typed is kept
    resident.refresh_from_db()
    assert (resident.neighbourhood.name, resident.phone, resident.version) == ("Grays", "", 1)
    assert not Event.objects.filter(resident_id=resident.pk, action=Action.CHANGED).exists()
    # Within her own locality the move is saved.
    blackshots = Neighbourhood.objects.get(name="Blackshots")
    moved = client.post(url, {**data, "neighbourhood": str(blackshots.pk)})
    assert moved.status_code == 302
    resident.refresh_from_db()
    assert resident.neighbourhood == blackshots


def test_creating_her_again_offers_the_existing_record_first(client, practitioner):
    client.force_login(practitioner)
    client.post(reverse("residents:create"), new_resident_data())
    existing = Resident.objects.get()
    again = new_resident_data(full_name="Siobhan OLeary", nhs_number="", preferred_name="")
    response = client.post(reverse("residents:create"), again)
    assert response.status_code == 200
    assert "This may be someone we already know" in response.text
    assert reverse("residents:detail", args=[existing.pk]) in response.text
    assert "None of these: add a new person" in response.text
    assert "12 Orsett Road, Grays" in response.text  # what was typed is still in the form
    assert Resident.objects.count() == 1

    confirmed = client.post(reverse("residents:create"), {**again, "confirm_new": "yes"})
    assert confirmed.status_code == 302
    assert Resident.objects.count() == 2


def test_a_look_alike_the_user_cannot_see_is_never_mentioned_but_flagged(
    client, practitioner, personas, coordinator
):
    """Regression: the form used to say "1 record that you cannot see may also be this
    person", telling anyone that the ILT knows someone (a safeguarding record, say)."""
    hidden = ResidentFactory(
        full_name="Siobhan O'Leary",
        date_of_birth=datetime.date(1948, 3, 2),
        neighbourhood=Neighbourhood.objects.get(name="Aveley"),
    )
    client.force_login(practitioner)
    response = client.post(reverse("residents:create"), new_resident_data(nhs_number=""))
    assert response.status_code == 302  # created, exactly as if nobody were known
    created = Resident.objects.exclude(pk=hidden.pk).get()
    follow = client.get(response.url)
    for leak in ("cannot see", "may also be", "someone we already know", "Aveley"):
        assert leak not in follow.text
    flag = PossibleDuplicate.objects.get()
    assert (flag.resident, flag.candidate) == (created, hidden)
    # The two records are in different localities: an administrator (who sees both) reviews
    # it; the Grays coordinator, who cannot see the Aveley record, is not told about it.
    client.force_login(personas[Role.ADMINISTRATOR])
    assert "1 possible duplicate to review" in client.get(reverse("home")).text
    page = client.get(reverse("residents:possible_duplicates"))
    assert f"{created.reference} may be {hidden.reference}" in page.text
    client.force_login(coordinator)
    assert "Possible duplicates: nothing to review" in client.get(reverse("home")).text
    assert hidden.reference not in client.get(reverse("residents:possible_duplicates")).text


def test_the_locality_coordinator_reviews_a_look_alike_and_merges_or_keeps_both(
    client, personas, coordinator
):
    partner = personas[Role.PARTNER]  # works in Grays, sees only residents they are involved with
    known = ResidentFactory(full_name="Grace Adeyemi", date_of_birth=datetime.date(1939, 11, 30))
    client.force_login(partner)
    data = new_resident_data(
        full_name="Grace Adeyemi", preferred_name="", date_of_birth="30/11/1939", nhs_number="",
        key_safety_information="",
    )  # fmt: skip
    response = client.post(reverse("residents:create"), data)
    assert response.status_code == 302
    created = Resident.objects.exclude(pk=known.pk).get()
    assert client.get(response.url).status_code == 200  # its author sees what they wrote
    assert client.get(reverse("residents:detail", args=[known.pk])).status_code == 404
    client.force_login(coordinator)
    assert "1 possible duplicate to review" in client.get(reverse("home")).text
    page = client.get(reverse("residents:possible_duplicates"))
    merge_url = f"{reverse('residents:merge', args=[known.pk])}?duplicate={created.reference}"
    assert merge_url.replace("&", "&amp;") in page.text
    flag = PossibleDuplicate.objects.get()
    merge = client.post(
        reverse("residents:merge", args=[known.pk]),
        {"duplicate": created.reference, "confirm": "yes"},
    )
    assert merge.status_code == 302
    flag.refresh_from_db()
    assert flag.outcome == PossibleDuplicate.Outcome.MERGED
    assert "Possible duplicates: nothing to review" in client.get(reverse("home")).text
    # Another look-alike, this time different people.
    other = PossibleDuplicate.objects.create(resident=ResidentFactory(), candidate=known)
    done = client.post(reverse("residents:possible_duplicate_different", args=[other.pk]))
    assert done.status_code == 302
    other.refresh_from_db()
    assert (other.outcome, other.resolved_by) == (PossibleDuplicate.Outcome.DIFFERENT, coordinator)
    event = Event.objects.get(action=Action.DUPLICATE_REVIEWED)
    assert (event.actor, event.object_id) == (coordinator, other.pk)
    again = client.post(
        reverse("residents:possible_duplicate_different", args=[other.pk]), follow=True
    )
    assert "already been reviewed" in again.text


@pytest.mark.parametrize("who", ["practitioner", "partner", "manager", "wellbeing_worker"])
def test_only_reviewers_see_possible_duplicates(client, personas, who):
    flag = PossibleDuplicate.objects.create(resident=ResidentFactory(), candidate=ResidentFactory())
    client.force_login(personas[Role(who)])
    assert client.get(reverse("residents:possible_duplicates")).status_code == 404
    url = reverse("residents:possible_duplicate_different", args=[flag.pk])
    assert client.post(url).status_code == 404
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_a_coordinator_of_another_locality_cannot_settle_a_flag(client, personas):
    from localities.models import Locality
    from tests.conftest import make_persona

    flag = PossibleDuplicate.objects.create(resident=ResidentFactory(), candidate=ResidentFactory())
    client.force_login(make_persona(Role.COORDINATOR, Locality.objects.get(slug="asop")))
    assert flag.resident.reference not in client.get(reverse("residents:possible_duplicates")).text
    url = reverse("residents:possible_duplicate_different", args=[flag.pk])
    assert client.post(url).status_code == 404


def test_resident_page_shows_story_people_and_consent(client, practitioner):
    resident = ResidentFactory(full_name="Arthur Dent", key_safety_information="Oxygen in use")
    StoryEntry.objects.create(resident=resident, section="about_me", text="Old story",
                              written_by=practitioner)  # fmt: skip
    StoryEntry.objects.create(resident=resident, section="about_me", text="I was a fisherman",
                              written_by=practitioner)  # fmt: skip
    Connection.objects.create(resident=resident, kind="pet", name="Biscuit", added_by=practitioner)
    Connection.objects.create(resident=resident, kind="family", name="Gone Cousin",
                              added_by=practitioner, removed_at=timezone.now())  # fmt: skip
    client.force_login(practitioner)
    response = client.get(reverse("residents:detail", args=[resident.pk]))
    text = response.text
    assert response.status_code == 200
    assert "I was a fisherman" in text
    assert "Earlier versions (1)" in text
    assert "Old story" in text
    assert "<strong>Biscuit</strong>" in text
    # Removed: no longer among their people and places, only in the page's history.
    assert "<strong>Gone Cousin</strong>" not in text
    assert "Removed from people and places: Gone Cousin" in text
    assert "Not yet asked" in text
    assert "Key safety information: Oxygen in use" in text
    assert Event.objects.filter(resident_id=resident.pk, action=Action.VIEWED).count() == 1


def test_sensitive_information_is_hidden_from_partners(client, personas):
    partner = personas[Role.PARTNER]
    resident = ResidentFactory(key_safety_information="Oxygen in use")
    ConsentFactory(resident=resident, organisations=[partner.organisation])
    client.force_login(partner)
    text = client.get(reverse("residents:detail", args=[resident.pk])).text
    assert "Oxygen in use" not in text
    assert "key safety information that your role does not see" in text
    edit = client.get(reverse("residents:edit", args=[resident.pk])).text
    assert "Oxygen in use" not in edit
    assert "key_safety_information" not in edit


def test_story_sections_keep_their_history(client, practitioner):
    resident = ResidentFactory()
    client.force_login(practitioner)
    url = reverse("residents:story", args=[resident.pk, "what_matters"])
    client.post(url, {"text": "My garden"})
    client.post(url, {"text": "My garden and my grandson"})
    client.post(url, {"text": "My garden and my grandson"})  # unchanged: no new version
    texts = list(resident.story.filter(section="what_matters").values_list("text", flat=True))
    assert texts == ["My garden and my grandson", "My garden"]
    response = client.get(url)
    assert "My garden and my grandson</textarea>" in response.text
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.get(reverse("residents:story", args=[resident.pk, "secrets"])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_same_story_sent_four_times_at_once_is_one_version(grays):
    """Regression: four simultaneous saves of the same text made extra versions (the check
    "is it unchanged?" and the insert were not under one lock)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections
    from django.test import Client

    from tests.conftest import make_persona

    author = make_persona(Role.PRACTITIONER, grays)
    resident = ResidentFactory()
    url = reverse("residents:story", args=[resident.pk, "about_me"])
    barrier = threading.Barrier(4)

    def save(_: int) -> int:
        client = Client()
        client.force_login(author)
        try:
            barrier.wait()
            return client.post(url, {"text": "I grew up in Tilbury."}).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(save, range(4))) == [302] * 4
    assert resident.story.count() == 1
    assert Event.objects.filter(resident_id=resident.pk, action=Action.CHANGED).count() == 1


def test_a_double_submitted_person_or_place_is_added_once(client, practitioner):
    resident = ResidentFactory()
    client.force_login(practitioner)
    url = reverse("residents:connection_add", args=[resident.pk])
    data = {"kind": "pet", "name": "Biscuit", "submission_key": str(uuid.uuid4())}
    assert client.post(url, data).status_code == client.post(url, data).status_code == 302
    assert Connection.objects.count() == 1
    # The same form sent back with other details is kept and explained, not dropped.
    changed = client.post(url, {**data, "name": "Rover"})
    assert changed.status_code == 400
    assert "This form was already sent once, with other details" in changed.text
    assert 'value="Rover"' in changed.text
    assert data["submission_key"] not in changed.text  # a fresh key to send it again
    assert Connection.objects.count() == 1


def test_an_impossible_version_is_a_conflict_not_a_server_error(client, practitioner):
    """Regression: version=2147483647 overflowed PostgreSQL's integer (a 500)."""
    resident = ResidentFactory(full_name="Arthur Dent")
    client.force_login(practitioner)
    url = reverse("residents:edit", args=[resident.pk])
    data = {**new_resident_data(full_name="Arthur Dent"), "version": "2147483647"}
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Someone else changed this record while you were editing" in response.text
    too_big = client.post(url, {**data, "version": "2147483648"})
    assert too_big.status_code == 400
    resident.refresh_from_db()
    assert (resident.version, resident.postcode) == (1, "RM17 6SL")


def test_people_and_places_are_added_and_removed_keeping_history(client, practitioner):
    resident = ResidentFactory()
    client.force_login(practitioner)
    url = reverse("residents:connection_add", args=[resident.pk])
    bad = client.post(url, {"name": "Biscuit", "details": "a terrier"})
    assert bad.status_code == 400
    assert "Choose who or what this is" in bad.text
    assert "a terrier" in bad.text
    client.post(url, {"kind": "pet", "name": "Biscuit", "details": "a terrier"})
    connection = Connection.objects.get()
    client.post(reverse("residents:connection_remove", args=[resident.pk, connection.pk]))
    connection.refresh_from_db()
    assert connection.removed_at is not None
    page = client.get(reverse("residents:detail", args=[resident.pk])).text
    assert "<strong>Biscuit</strong>" not in page


def test_consent_is_recorded_and_expired_consent_shows_as_such(client, practitioner, grays):
    organisation = OrganisationFactory(name="Thurrock Housing")
    organisation.memberships.create(locality=grays, joined_on=timezone.localdate())
    resident = ResidentFactory()
    client.force_login(practitioner)
    url = reverse("residents:consent", args=[resident.pk])
    assert "Thurrock Housing" in client.get(url).text
    given = {"decision": "given", "decided_on": "01/01/2024", "expires_on": "01/01/2025"}
    response = client.post(url, {**given, "organisations": [organisation.pk]})
    assert response.status_code == 302
    consent = Consent.objects.get(resident=resident, is_current=True)
    assert list(consent.organisations.all()) == [organisation]
    assert consent.recorded_by == practitioner
    text = client.get(reverse("residents:detail", args=[resident.pk])).text
    assert "Expired" in text
    assert "expired 1 January 2025" in text
    assert "Covers: Thurrock Housing" in text
    # A new decision replaces it; the old one is history.
    client.post(url, {"decision": "declined", "decided_on": "02/01/2025"})
    assert Consent.objects.filter(resident=resident).count() == 2
    assert Consent.objects.get(resident=resident, is_current=True).decision == "declined"


def test_consent_errors_keep_what_was_typed(client, practitioner):
    resident = ResidentFactory()
    client.force_login(practitioner)
    response = client.post(
        reverse("residents:consent", args=[resident.pk]),
        {"decision": "given", "decided_on": "01/01/2024", "expires_on": "01/01/2023",
         "notes": "Asked at the lunch club"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "The expiry date must be after the date of the decision" in response.text
    assert "Asked at the lunch club" in response.text


def test_moved_away_keeps_the_record(client, practitioner):
    resident = ResidentFactory()
    client.force_login(practitioner)
    client.post(reverse("residents:status", args=[resident.pk]),
                {"status": "moved_away", "on": "01/11/2026"})  # fmt: skip
    resident.refresh_from_db()
    assert resident.status == Resident.Status.MOVED_AWAY
    assert resident.status_changed_on == datetime.date(2026, 11, 1)
    text = client.get(reverse("residents:detail", args=[resident.pk])).text
    assert "Moved away" in text


def test_edit_details(client, practitioner):
    resident = ResidentFactory(full_name="Arthur Dent", nhs_number=valid_nhs_number(1))
    client.force_login(practitioner)
    url = reverse("residents:edit", args=[resident.pk])
    form = client.get(url).context["form"]
    data = {name: (form.initial.get(name) or "") for name in form.fields}
    data.update(full_name="Arthur Philip Dent", date_of_birth="01/01/1950", phone="07000 000000")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    resident.refresh_from_db()
    assert resident.full_name == "Arthur Philip Dent"
    assert resident.phone == "07000 000000"
    assert resident.search_name == "arthur philip dent"
    assert resident.version == 2
    event = Event.objects.get(resident_id=resident.pk, action=Action.CHANGED)
    assert set(event.details["fields"]) == {"full_name", "date_of_birth", "phone"}


def test_concurrent_edits_never_silently_overwrite(client, practitioner, coordinator):
    resident = ResidentFactory(full_name="Arthur Dent")
    url = reverse("residents:edit", args=[resident.pk])
    client.force_login(practitioner)
    form = client.get(url).context["form"]
    data = {name: (form.initial.get(name) or "") for name in form.fields}
    data["date_of_birth"] = ""
    # Someone else saves first.
    other = {**data, "phone": "01375 111111"}
    client.force_login(coordinator)
    assert client.post(url, other).status_code == 302
    # The first person's save is refused, their typing kept, the new value shown.
    client.force_login(practitioner)
    response = client.post(url, {**data, "phone": "01375 222222"})
    assert response.status_code == 409
    assert "Someone else changed this record while you were editing" in response.text
    assert 'value="01375 222222"' in response.text
    resident.refresh_from_db()
    assert resident.phone == "01375 111111"
    # Having seen it, they save again on purpose: now theirs is kept.
    version = response.context["form"]["version"].value()
    assert (
        client.post(url, {**data, "version": version, "phone": "01375 222222"}).status_code == 302
    )
    resident.refresh_from_db()
    assert resident.phone == "01375 222222"


@pytest.mark.parametrize("name", ["\u200f\u200e", "\u0301\u0301", "\u200b", "- . '"])
def test_a_name_with_no_letters_is_refused_it_could_never_be_found(client, practitioner, name):
    client.force_login(practitioner)
    response = client.post(reverse("residents:create"), new_resident_data(full_name=name))
    assert response.status_code == 400
    assert "Enter their full name, in letters" in response.text
    assert not Resident.objects.exists()


def test_a_rule_only_the_service_keeps_is_shown_on_the_form_not_a_500(
    client, practitioner, monkeypatch
):
    """If the service ever refuses what the form let through, the person is told, with what
    they typed kept. (The service is made to refuse: the form and it agree today.)"""
    from django.core.exceptions import ValidationError as Refused

    from localities.services import residents as services

    def refuse(**kwargs):
        raise Refused({"neighbourhood": "Choose a neighbourhood where you work"})

    monkeypatch.setattr(services, "create_resident", refuse)
    client.force_login(practitioner)
    grays = Neighbourhood.objects.get(name="Grays")
    response = client.post(
        reverse("residents:create"),
        {"full_name": "Amara Okafor", "neighbourhood": grays.pk, "submission_key": uuid.uuid4()},
    )
    assert response.status_code == 400
    assert "Choose a neighbourhood where you work" in response.text
    assert 'value="Amara Okafor"' in response.text
    assert not Resident.objects.filter(full_name="Amara Okafor").exists()
