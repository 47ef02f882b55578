"""The residents API: the same gate, validation, services and audit trail as the pages."""

import datetime
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from localities.models import Consent, Locality, PossibleDuplicate, Resident
from tests.conftest import make_persona
from tests.factories import ConsentFactory, OrganisationFactory, ResidentFactory, valid_nhs_number
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Action, Event

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    """An API client authenticated as a partner system would be: with the user's token."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def new_resident(**overrides) -> dict:
    data = {
        "full_name": "Siobhan O'Leary",
        "preferred_name": "Shiv",
        "date_of_birth": "1948-03-02",
        "address": "12 Orsett Road, Grays",
        "postcode": "rm18 7ab",
        "neighbourhood": "Grays",
        "phone": "01375 000000",
        "nhs_number": "999 000 0018",
        "communication_needs": "Hard of hearing: face her when speaking",
        "key_safety_information": "Small dog in the house",
    }
    data.update(overrides)
    return data


LIST = reverse("api:resident-list")


def detail(resident) -> str:
    return reverse("api:resident-detail", args=[resident.pk])


def consents(resident) -> str:
    return reverse("api:resident-consents", args=[resident.pk])


@pytest.fixture
def siobhan():
    return ResidentFactory(
        full_name="Siobhan O'Leary",
        date_of_birth=datetime.date(1948, 3, 2),
        key_safety_information="Oxygen in use",
    )


@pytest.fixture
def outsiders(grays, siobhan) -> dict:
    """People who have no need to know about Siobhan, a resident of Grays."""
    named = OrganisationFactory()
    ConsentFactory(resident=siobhan, organisations=[named])
    return {
        "practitioner_elsewhere": make_persona(
            Role.PRACTITIONER, Locality.objects.get(slug="asop")
        ),
        "partner_not_named": make_persona(Role.PARTNER, grays),
        "manager": make_persona(Role.MANAGER, grays),
    }


# --- Finding residents ------------------------------------------------------------------------


def test_search_finds_her_without_the_apostrophe(practitioner, siobhan):
    ResidentFactory(full_name="Arthur Dent")
    response = client_for(practitioner).get(LIST, {"q": "o leary"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [siobhan.pk]
    assert results[0]["name"] == "Siobhan O'Leary"
    assert results[0]["partial_postcode"] == "RM17 6"
    assert results[0]["neighbourhood"] == "Grays"
    assert "key_safety_information" not in results[0]


def test_without_a_search_the_list_is_working_residents_by_name(practitioner):
    ResidentFactory(full_name="Zoe Able")
    ResidentFactory(full_name="Adam Zed")
    ResidentFactory(full_name="Moved Away", status=Resident.Status.MOVED_AWAY)
    api = client_for(practitioner)
    names = [r["name"] for r in api.get(LIST).json()["results"]]
    assert names == ["Adam Zed", "Zoe Able"]
    everyone = api.get(LIST, {"include_inactive": "true"}).json()["results"]
    assert [r["name"] for r in everyone] == ["Adam Zed", "Moved Away", "Zoe Able"]


def test_a_search_with_a_nul_character_is_refused_not_an_error(practitioner):
    response = client_for(practitioner).get(LIST, {"q": "o\x00leary"})
    assert response.status_code == 400
    assert "q" in response.json()


def test_the_list_runs_the_same_queries_however_many_residents(practitioner):
    api = client_for(practitioner)
    ResidentFactory.create_batch(2)
    api.get(LIST)  # warm up
    with CaptureQueriesContext(connection) as few:
        assert api.get(LIST).status_code == 200
    ResidentFactory.create_batch(20)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(LIST).json()["results"]) == 22
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Need to know -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["practitioner_elsewhere", "partner_not_named", "manager"])
def test_outsiders_get_404_and_do_not_find_her(outsiders, siobhan, who):
    api = client_for(outsiders[who])
    assert api.get(detail(siobhan)).status_code == 404
    patch = api.patch(detail(siobhan), {"phone": "07000 000000", "version": 1}, format="json")
    assert patch.status_code == 404
    assert api.get(consents(siobhan)).status_code == 404
    decision = {"decision": "declined", "decided_on": str(timezone.localdate())}
    assert api.post(consents(siobhan), decision, format="json").status_code == 404
    assert api.get(LIST, {"q": "o leary"}).json()["results"] == []
    assert api.get(LIST).json()["results"] == []
    siobhan.refresh_from_db()
    assert (siobhan.phone, siobhan.version) == ("", 1)
    assert siobhan.consents.count() == 1
    assert not Event.objects.filter(resident_id=siobhan.pk).exists()


def test_managers_cannot_add_residents(outsiders):
    response = client_for(outsiders["manager"]).post(LIST, new_resident(), format="json")
    assert response.status_code == 404
    assert not Resident.objects.filter(nhs_number="9990000018").exists()


def test_anonymous_callers_are_refused(siobhan):
    assert APIClient().get(detail(siobhan)).status_code in (401, 403)


# --- Reading a record -------------------------------------------------------------------------


def test_retrieve_shows_the_details_and_writes_the_audit_trail(practitioner, siobhan):
    api = client_for(practitioner)
    response = api.get(detail(siobhan))
    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Siobhan O'Leary"
    assert body["date_of_birth"] == "1948-03-02"
    assert body["locality"] == "grays"
    assert body["version"] == 1
    assert body["key_safety_information"] == "Oxygen in use"
    event = Event.objects.get(resident_id=siobhan.pk)
    assert (event.action, event.actor) == (Action.VIEWED, practitioner)

    api.get(detail(siobhan), {"q": "o leary"})
    from_search = Event.objects.get(resident_id=siobhan.pk, action=Action.OPENED_FROM_SEARCH)
    assert from_search.details == {"query": "o leary"}


def test_sensitive_information_is_hidden_from_a_partner_named_in_consent(personas, siobhan):
    partner = personas[Role.PARTNER]
    ConsentFactory(resident=siobhan, organisations=[partner.organisation])
    api = client_for(partner)
    body = api.get(detail(siobhan)).json()
    assert body["full_name"] == "Siobhan O'Leary"
    assert "key_safety_information" not in body
    assert body["has_key_safety_information"] is True


def test_a_partner_who_may_read_a_record_may_not_change_it(personas, siobhan, housing):
    """Regression: a police partner named in consent could change details, record consent
    and mark the resident as moved away. Partners read what they need; core practitioners
    and coordinators of her locality change her record."""
    partner = personas[Role.PARTNER]
    ConsentFactory(resident=siobhan, organisations=[partner.organisation])
    api = client_for(partner)
    assert api.get(detail(siobhan)).status_code == 200
    assert api.get(consents(siobhan)).status_code == 200
    changes = {"phone": "07000 000000", "version": 1}
    response = api.patch(detail(siobhan), changes, format="json")
    assert response.status_code == 403
    assert "may read this record but not change it" in response.json()["detail"]
    decision = {"decision": "declined", "decided_on": str(timezone.localdate())}
    assert api.post(consents(siobhan), decision, format="json").status_code == 403
    siobhan.refresh_from_db()
    assert (siobhan.phone, siobhan.version, siobhan.consents.count()) == ("", 1, 1)
    assert not Event.objects.filter(resident_id=siobhan.pk).exclude(action=Action.VIEWED)


# --- Creating a record ------------------------------------------------------------------------


def test_create_a_resident(practitioner):
    response = client_for(practitioner).post(LIST, new_resident(), format="json")
    assert response.status_code == 201, response.json()
    resident = Resident.objects.get()
    assert response.json()["id"] == resident.pk
    assert (resident.postcode, resident.nhs_number) == ("RM18 7AB", "9990000018")
    assert resident.search_name == "siobhan oleary shiv"
    assert resident.key_safety_information == "Small dog in the house"
    assert resident.created_by == practitioner
    event = Event.objects.get(resident_id=resident.pk)
    assert (event.action, event.actor) == (Action.CREATED, practitioner)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nhs_number", "999 000 0019", "That is not a valid NHS number"),
        ("nhs_number", "12345", "NHS number must be 10 digits"),
        ("postcode", "RM18 XYZ", "Enter a real postcode"),
        ("date_of_birth", "2090-01-01", "Date of birth must be today or in the past"),
        ("date_of_birth", "1948-02-31", "Date has wrong format"),
        ("full_name", "", "This field may not be blank"),
        ("neighbourhood", "Atlantis", "Choose a neighbourhood listed under /localities/"),
        ("full_name", None, "This field may not be null"),
        ("full_name", "x" * 5000, "Ensure this field has no more than 200 characters"),
        ("phone", "\x00", "Null characters are not allowed"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(practitioner, field, value, message):
    response = client_for(practitioner).post(LIST, new_resident(**{field: value}), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert not Resident.objects.exists()


def test_an_nhs_number_in_arabic_indic_digits_is_stored_in_ascii_and_found(practitioner):
    typed = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in "999 000 0018")
    full_width_postcode = "".join(chr(ord(c) + 0xFEE0) for c in "RM187AB")
    api = client_for(practitioner)
    data = new_resident(
        full_name="محمد علي", preferred_name="", nhs_number=typed, postcode=full_width_postcode
    )
    response = api.post(LIST, data, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["nhs_number"], response.json()["postcode"]) == (
        "9990000018", "RM18 7AB"
    )  # fmt: skip
    resident = Resident.objects.get()
    assert (resident.nhs_number, resident.postcode) == ("9990000018", "RM18 7AB")
    for query in ["9990000018", typed, "محمد علي"]:
        results = api.get(LIST, {"q": query}).json()["results"]
        assert [(r["id"], r["name"]) for r in results] == [(resident.pk, "محمد علي")]


def test_a_name_whose_search_form_grows_when_normalised_is_saved(practitioner):
    # Normalising can lengthen a name (one "\u33af" becomes "rad s2"); it still saves.
    response = client_for(practitioner).post(
        LIST, new_resident(full_name="\u33af" * 200, nhs_number=""), format="json"
    )
    assert response.status_code == 201
    resident = Resident.objects.get()
    assert resident.full_name == "\u33af" * 200
    assert len(resident.search_name) == 320  # cut to fit its column


def test_a_body_that_is_not_json_is_a_400(practitioner):
    response = client_for(practitioner).post(LIST, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_likely_duplicate_is_a_409_until_confirmed(practitioner, siobhan):
    hidden = ResidentFactory(
        full_name="Siobhan O'Leary",
        date_of_birth=datetime.date(1948, 3, 2),
        neighbourhood=Locality.objects.get(slug="asop").neighbourhoods.get(name="Aveley"),
    )
    api = client_for(practitioner)
    again = new_resident(nhs_number="")
    response = api.post(LIST, again, format="json")
    assert response.status_code == 409
    body = response.json()
    assert [d["id"] for d in body["duplicates"]] == [siobhan.pk]
    assert body["duplicates"][0] == {
        "id": siobhan.pk,
        "reference": siobhan.reference,
        "name": "Siobhan O'Leary",
        "age": siobhan.age,
        "date_of_birth_is_approximate": False,
        "neighbourhood": "Grays",
        "locality": "grays",
        "partial_postcode": "RM17 6",
        "status": "active",
    }
    assert set(body) == {"detail", "duplicates"}  # nothing about records she may not see
    assert str(hidden.pk) not in str(body)
    assert Resident.objects.count() == 2

    confirmed = api.post(LIST, {**again, "confirm_new": True}, format="json")
    assert confirmed.status_code == 201
    assert Resident.objects.count() == 3
    # The look-alike she may not see is flagged for the coordinators, not shown to her.
    flag = PossibleDuplicate.objects.get()
    assert (flag.resident_id, flag.candidate) == (confirmed.json()["id"], hidden)


def test_a_look_alike_the_caller_may_not_see_is_not_an_oracle(practitioner):
    """Regression: the API answered 409 with `"hidden": 1`, telling the caller that the ILT
    knows someone they may not see."""
    hidden = ResidentFactory(
        full_name="Grace Adeyemi",
        date_of_birth=datetime.date(1939, 11, 30),
        neighbourhood=Locality.objects.get(slug="tilbury-chadwell").neighbourhoods.first(),
    )
    data = new_resident(full_name="Grace Adeyemi", date_of_birth="1939-11-30", nhs_number="")
    response = client_for(practitioner).post(LIST, data, format="json")
    assert response.status_code == 201
    assert "hidden" not in response.json()
    assert PossibleDuplicate.objects.get().candidate == hidden


def test_a_resident_can_only_be_added_where_the_caller_works(practitioner):
    """Regression: a Grays practitioner could add a resident in Tilbury (201) and then get
    404 on the record just made."""
    api = client_for(practitioner)
    response = api.post(LIST, new_resident(neighbourhood="Tilbury"), format="json")
    assert response.status_code == 400
    assert response.json()["neighbourhood"] == [
        "Choose a neighbourhood in a locality where you work"
    ]
    assert not Resident.objects.exists()
    made = api.post(LIST, new_resident(), format="json")
    assert made.status_code == 201
    assert api.get(reverse("api:resident-detail", args=[made.json()["id"]])).status_code == 200


def test_a_partner_sees_the_record_they_added(personas):
    partner = personas[Role.PARTNER]
    api = client_for(partner)
    details = new_resident()
    del details["key_safety_information"]  # partners do not see it, so do not send it
    made = api.post(LIST, details, format="json")
    assert made.status_code == 201, made.json()
    assert api.get(reverse("api:resident-detail", args=[made.json()["id"]])).status_code == 200


def test_the_same_submission_key_twice_creates_one_record(practitioner, coordinator):
    api = client_for(practitioner)
    data = new_resident(submission_key=str(uuid.uuid4()))
    first = api.post(LIST, data, format="json")
    second = api.post(LIST, data, format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert Resident.objects.count() == 1
    assert Event.objects.filter(action=Action.CREATED).count() == 1
    # Someone else's key does not lead to their record.
    stolen = client_for(coordinator).post(LIST, data, format="json")
    assert stolen.status_code == 422
    assert "submission_key" in stolen.json()


def test_a_submission_key_reused_with_another_body_is_a_422(practitioner):
    """Regression: the earlier record came back with 201, as if the new body were saved."""
    api = client_for(practitioner)
    key = str(uuid.uuid4())
    first = api.post(LIST, new_resident(submission_key=key), format="json")
    assert first.status_code == 201
    other = new_resident(submission_key=key, full_name="Someone Else Entirely", nhs_number="")
    response = api.post(LIST, other, format="json")
    assert response.status_code == 422
    assert response.json() == {
        "submission_key": ["This key was already used for a different request."]
    }
    assert Resident.objects.count() == 1


def post_at_once(requests: list[tuple], url: str = LIST) -> list:
    """Send the requests from as many threads, released together, each with its own database
    connection (as five clients of a real server would)."""
    from django.db import connections

    barrier = threading.Barrier(len(requests))
    tokens = {user.pk: Token.objects.get_or_create(user=user)[0].key for user, _ in requests}
    clients = []
    for user, body in requests:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {tokens[user.pk]}")
        clients.append((api, body))

    def send(api, body):
        try:
            barrier.wait()
            return api.post(url, body, format="json")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(lambda pair: send(*pair), clients))


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_posts_of_one_person_make_one_record(grays):
    """Regression: five simultaneous POSTs for the same person (no submission key) made four
    records: the duplicate check was check-then-insert. Now the check and the insert hold a
    lock on the person's identifying details."""
    user = make_persona(Role.PRACTITIONER, grays)
    responses = post_at_once([(user, new_resident())] * 5)
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409]
    assert Resident.objects.count() == 1
    assert Event.objects.filter(action=Action.CREATED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_posts_with_one_key_make_one_record(grays):
    user = make_persona(Role.PRACTITIONER, grays)
    body = new_resident(submission_key=str(uuid.uuid4()))
    responses = post_at_once([(user, body)] * 5)
    assert [r.status_code for r in responses] == [201] * 5
    assert len({r.json()["id"] for r in responses}) == 1
    assert Resident.objects.count() == 1


NAME_ALONE = {"full_name": "Nameonly Person", "neighbourhood": "Grays"}


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_posts_of_a_name_alone_with_one_key_make_one_record(grays):
    """With no NHS number, date of birth or postcode there is no identity to lock (see the
    next test): the submission key alone must hold under concurrency."""
    user = make_persona(Role.PRACTITIONER, grays)
    body = {**NAME_ALONE, "submission_key": str(uuid.uuid4())}
    responses = post_at_once([(user, body)] * 5)
    assert [r.status_code for r in responses] == [201] * 5
    assert len({r.json()["id"] for r in responses}) == 1
    resident = Resident.objects.get()
    assert (resident.full_name, resident.neighbourhood.name) == ("Nameonly Person", "Grays")
    assert (resident.date_of_birth, resident.postcode, resident.nhs_number) == (None, "", "")
    assert Event.objects.filter(action=Action.CREATED).count() == 1


def test_a_name_alone_is_nobody_s_likely_duplicate(practitioner):
    """A name alone identifies nobody (two people in Grays may share one), so it is never a
    likely duplicate and takes no lock: sent again without a key, it is another record, at
    once or one after the other. A repeat of one request is caught by its submission key."""
    api = client_for(practitioner)
    first = api.post(LIST, NAME_ALONE, format="json")
    second = api.post(LIST, NAME_ALONE, format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert not PossibleDuplicate.objects.exists()
    # With her date of birth as well, the same name is a likely duplicate again.
    dated = {**NAME_ALONE, "date_of_birth": "1950-01-01"}
    assert api.post(LIST, dated, format="json").status_code == 201
    again = api.post(LIST, dated, format="json")
    assert again.status_code == 409
    assert [d["name"] for d in again.json()["duplicates"]] == ["Nameonly Person"]
    assert Resident.objects.count() == 3


# --- Changing a record ------------------------------------------------------------------------


def test_patch_changes_only_what_was_sent_and_is_audited(practitioner, siobhan):
    siobhan.nhs_number = valid_nhs_number(1)
    siobhan.save(update_fields=["nhs_number"])
    api = client_for(practitioner)
    changes = {"preferred_name": "Shiv", "postcode": "rm18 7ab", "version": 1}
    response = api.patch(detail(siobhan), changes, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["preferred_name"], body["postcode"], body["version"]) == ("Shiv", "RM18 7AB", 2)
    siobhan.refresh_from_db()
    assert siobhan.search_name == "siobhan oleary shiv"
    assert siobhan.nhs_number == valid_nhs_number(1)
    assert siobhan.key_safety_information == "Oxygen in use"
    event = Event.objects.get(resident_id=siobhan.pk, action=Action.CHANGED)
    assert set(event.details["fields"]) == {"preferred_name", "postcode"}
    assert event.actor == practitioner


def test_patch_with_a_stale_version_is_a_409_and_changes_nothing(practitioner, siobhan):
    api = client_for(practitioner)
    first = api.patch(detail(siobhan), {"phone": "01375 111111", "version": 1}, format="json")
    assert first.status_code == 200
    response = api.patch(detail(siobhan), {"phone": "01375 222222", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["current_version"] == 2  # the same 409 body as community assets
    siobhan.refresh_from_db()
    assert (siobhan.phone, siobhan.version) == ("01375 111111", 2)
    assert Event.objects.filter(resident_id=siobhan.pk, action=Action.CHANGED).count() == 1


def test_a_resident_cannot_be_moved_to_a_locality_where_the_caller_does_not_work(
    practitioner, siobhan
):
    """A PATCH is held to the rule a new record is: nobody moves a record out of their own
    reach (the Grays practitioner would then get 404 on it)."""
    api = client_for(practitioner)
    changes = {"neighbourhood": "Tilbury", "phone": "07000 000001", "version": 1}
    response = api.patch(detail(siobhan), changes, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "neighbourhood": ["Choose a neighbourhood in a locality where you work"]
    }
    siobhan.refresh_from_db()
    assert (siobhan.neighbourhood.name, siobhan.phone, siobhan.version) == ("Grays", "", 1)
    assert not Event.objects.filter(resident_id=siobhan.pk).exclude(action=Action.VIEWED)
    # Within her own locality the move is saved, and she still sees the record.
    moved = api.patch(detail(siobhan), {"neighbourhood": "blackshots", "version": 1}, format="json")
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["neighbourhood"], moved.json()["locality"]) == ("Blackshots", "grays")
    assert api.get(detail(siobhan)).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "07000 000000"}, "version"),
        ({"postcode": "nowhere", "version": 1}, "postcode"),
        ({"full_name": "", "version": 1}, "full_name"),
        ({"date_of_birth": "2090-01-01", "version": 1}, "date_of_birth"),
        ({"version": 10**30}, "version"),
    ],
)
def test_bad_changes_are_a_400_naming_the_field(practitioner, siobhan, changes, field):
    response = client_for(practitioner).patch(detail(siobhan), changes, format="json")
    assert response.status_code == 400
    assert field in response.json()
    siobhan.refresh_from_db()
    assert siobhan.version == 1


@pytest.mark.parametrize("version", [2147483647, 2147483646])
def test_the_largest_versions_are_a_409_not_a_server_error(practitioner, siobhan, version):
    """Regression: `version=2147483647` gave a 500 (integer out of range)."""
    response = client_for(practitioner).patch(
        detail(siobhan), {"phone": "07000 000000", "version": version}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 1
    siobhan.refresh_from_db()
    assert (siobhan.phone, siobhan.version) == ("", 1)


def test_put_is_not_offered(practitioner, siobhan):
    response = client_for(practitioner).put(detail(siobhan), new_resident(), format="json")
    assert response.status_code == 405


# --- Consent ----------------------------------------------------------------------------------


@pytest.fixture
def housing(grays):
    organisation = OrganisationFactory(name="Thurrock Housing")
    organisation.memberships.create(locality=grays, joined_on=timezone.localdate())
    return organisation


def test_consent_history_current_first_and_a_new_decision(practitioner, siobhan, housing):
    ConsentFactory(resident=siobhan, decision=Consent.Decision.DECLINED, is_current=False)
    api = client_for(practitioner)
    given = {
        "decision": "given",
        "decided_on": "2024-01-01",
        "expires_on": "2025-01-01",
        "organisations": [housing.pk],
        "notes": "Asked at the lunch club",
    }
    response = api.post(consents(siobhan), given, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organisations"] == [{"id": housing.pk, "name": "Thurrock Housing"}]
    assert (body["status"], body["is_current"]) == ("Expired", True)
    event = Event.objects.get(resident_id=siobhan.pk, action=Action.CONSENT_RECORDED)
    assert event.details["organisations"] == ["Thurrock Housing"]

    history = api.get(consents(siobhan))
    assert history.status_code == 200
    assert [c["decision"] for c in history.json()] == ["given", "declined"]
    assert [c["is_current"] for c in history.json()] == [True, False]
    assert Event.objects.filter(resident_id=siobhan.pk, action=Action.VIEWED).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"decided_on": "2090-01-01"}, "decided_on", "must be today or in the past"),
        ({"expires_on": "2023-12-31"}, "expires_on", "must be after the date of the decision"),
        ({"decision": "declined"}, "organisations", "Only consent that was given"),
        ({"decision": "maybe"}, "decision", "is not a valid choice"),
        ({"decided_on": None}, "decided_on", "may not be null"),
    ],
)
def test_bad_consent_is_a_400_naming_the_field(
    practitioner, siobhan, housing, overrides, field, message
):
    data = {"decision": "given", "decided_on": "2024-01-01", "organisations": [housing.pk]}
    response = client_for(practitioner).post(
        consents(siobhan), {**data, **overrides}, format="json"
    )
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not siobhan.consents.exists()


def test_consent_covers_only_organisations_of_her_locality(practitioner, siobhan):
    elsewhere = OrganisationFactory()
    elsewhere.memberships.create(
        locality=Locality.objects.get(slug="asop"), joined_on=timezone.localdate()
    )
    data = {"decision": "given", "decided_on": "2024-01-01", "organisations": [elsewhere.pk]}
    response = client_for(practitioner).post(consents(siobhan), data, format="json")
    assert response.status_code == 400
    assert "organisations" in response.json()
    assert not siobhan.consents.exists()


# --- The schema -------------------------------------------------------------------------------


def test_the_schema_documents_the_residents_api(practitioner):
    schema = (
        client_for(practitioner)
        .get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    paths = schema["paths"]
    assert set(paths["/api/v1/residents/"]) == {"get", "post"}
    assert set(paths["/api/v1/residents/{id}/"]) == {"get", "patch"}
    assert set(paths["/api/v1/residents/{id}/consents/"]) == {"get", "post"}
    assert {"400", "409"} <= set(paths["/api/v1/residents/"]["post"]["responses"])
    assert "409" in paths["/api/v1/residents/{id}/"]["patch"]["responses"]


@pytest.mark.django_db(transaction=True)
def test_a_consent_sent_five_times_at_once_with_a_key_is_recorded_once(grays):
    """Regression: five identical consent POSTs made five decisions; with a key, one."""
    from localities.models import Consent

    user = make_persona(Role.PRACTITIONER, grays)
    resident = ResidentFactory()
    body = {"decision": "declined", "decided_on": "2026-01-01",
            "submission_key": str(uuid.uuid4())}  # fmt: skip
    responses = post_at_once([(user, body)] * 5, url=consents(resident))
    assert [r.status_code for r in responses] == [201] * 5
    assert len({r.json()["id"] for r in responses}) == 1
    assert Consent.objects.filter(resident=resident).count() == 1
    other = post_at_once([(user, {**body, "decision": "not_asked"})], url=consents(resident))
    assert other[0].status_code == 422
