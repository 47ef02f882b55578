"""Requests to join an ILT: anyone asks, the locality's coordinator decides."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from localities import services
from localities.models import JoinRequest, Membership, Organisation
from tests.factories import JoinRequestFactory, OrganisationFactory, UserFactory
from thurrock_care.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def join_data(**overrides) -> dict:
    return {
        "organisation_name": "Blackshots Befrienders",
        "kind": Organisation.Kind.VOLUNTARY_GROUP,
        "offer": "Weekly phone calls and visits for people living alone.",
        "contact_name": "Jo Baxter",
        "contact_email": "jo@befrienders.test",
        "contact_phone": "01375 000000",
        "submission_key": str(uuid.uuid4()),
        **overrides,
    }


def test_anyone_can_open_the_join_form_without_an_account(client, grays):
    response = client.get(reverse("localities:join", args=["grays"]))
    assert response.status_code == 200
    assert "Ask to join the Grays Integrated Locality Team" in response.text
    assert 'name="submission_key"' in response.text
    assert "Voluntary and community group" in response.text  # organisation kinds offered


def test_a_visitor_sends_a_request_and_is_thanked(client, grays):
    response = client.post(reverse("localities:join", args=["grays"]), join_data())
    assert response.status_code == 302
    assert response.url == reverse("localities:join_thanks", args=["grays"])
    thanks = client.get(response.url)
    assert "Request sent" in thanks.text
    join_request = JoinRequest.objects.get()
    assert join_request.locality == grays
    assert join_request.organisation_name == "Blackshots Befrienders"
    assert join_request.contact_email == "jo@befrienders.test"
    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.organisation is None


def test_an_invalid_email_keeps_everything_typed(client, grays):
    response = client.post(
        reverse("localities:join", args=["grays"]), join_data(contact_email="jo-at-befrienders")
    )
    assert response.status_code == 400
    text = response.text
    assert "There is a problem" in text
    assert "Enter an e-mail address in the correct format" in text
    assert 'value="Blackshots Befrienders"' in text
    assert "Weekly phone calls and visits for people living alone." in text
    assert 'value="Jo Baxter"' in text
    assert 'value="jo-at-befrienders"' in text
    assert 'value="01375 000000"' in text
    assert 'value="voluntary_group" selected' in text
    assert JoinRequest.objects.count() == 0


def test_missing_fields_are_named(client, grays):
    response = client.post(reverse("localities:join", args=["grays"]), {"submission_key": ""})
    assert response.status_code == 400
    for message in ("Enter the organisation name", "Choose the type of organisation"):
        assert message in response.text


def test_a_double_submission_makes_one_request(client, grays):
    data = join_data()
    first = client.post(reverse("localities:join", args=["grays"]), data)
    second = client.post(reverse("localities:join", args=["grays"]), data)
    assert first.url == second.url == reverse("localities:join_thanks", args=["grays"])
    assert JoinRequest.objects.count() == 1


def test_the_service_is_idempotent_on_the_submission_key(grays):
    key = uuid.uuid4()
    data = join_data(submission_key=key)
    one = services.submit_join_request(locality=grays, **data)
    two = services.submit_join_request(locality=grays, **data)
    assert one.pk == two.pk


def test_a_known_organisation_name_is_linked_whatever_its_case(client, grays):
    known = OrganisationFactory(name="Blackshots Befrienders")
    client.post(
        reverse("localities:join", args=["grays"]),
        join_data(organisation_name="  BLACKSHOTS befrienders "),
    )
    assert JoinRequest.objects.get().organisation == known


def test_unknown_locality_has_no_join_form(client):
    assert client.get(reverse("localities:join", args=["nowhere"])).status_code == 404


def test_coordinator_sees_pending_requests_first_then_decided(client, grays_coordinator, grays):
    JoinRequestFactory(organisation_name="Decided Group", status=JoinRequest.Status.DECLINED)
    JoinRequestFactory(organisation_name="Waiting Group")
    client.force_login(grays_coordinator)
    response = client.get(reverse("localities:join_requests", args=["grays"]))
    assert response.status_code == 200
    text = response.text
    assert text.index("Waiting for a decision (1)") < text.index("Waiting Group")
    assert text.index("Waiting Group") < text.index("Decided Group")


def test_coordinator_home_page_counts_waiting_requests(client, grays_coordinator):
    JoinRequestFactory.create_batch(2)
    JoinRequestFactory(status=JoinRequest.Status.APPROVED)
    client.force_login(grays_coordinator)
    response = client.get(reverse("home"))
    assert "2 requests to join the Grays ILT waiting for a decision" in response.text
    assert reverse("localities:join_requests", args=["grays"]) in response.text


def test_approving_adds_the_organisation_and_invites_the_contact(
    client, grays_coordinator, grays, mailoutbox, django_capture_on_commit_callbacks
):
    join_request = JoinRequestFactory(
        organisation_name="Blackshots Befrienders",
        contact_email="jo@befrienders.test",
        contact_phone="01375 000000",
        contact_name="Jo Baxter",
    )
    client.force_login(grays_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("localities:join_request_approve", args=["grays", join_request.pk])
        )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Blackshots Befrienders")
    assert organisation.contact_email == "jo@befrienders.test"
    membership = Membership.objects.get(organisation=organisation)
    assert membership.locality == grays
    assert membership.joined_on == timezone.localdate()
    invited = User.objects.get(email="jo@befrienders.test")
    assert invited.role == Role.PARTNER
    assert invited.organisation == organisation
    assert list(invited.localities.all()) == [grays]
    assert not invited.has_usable_password()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["jo@befrienders.test"]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.decided_by == grays_coordinator
    assert join_request.organisation == organisation
    follow = client.get(response.url)
    assert "Blackshots Befrienders has joined the Grays ILT" in follow.text
    page = client.get(reverse("localities:detail", args=["grays"]))
    assert "Blackshots Befrienders" in page.text
    assert "New this month" in page.text
    assert "jo@befrienders.test" in page.text


def test_approving_a_contact_who_has_an_account_adds_the_locality(
    administrator, grays, asop, mailoutbox, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="Jo@Befrienders.test", role=Role.PARTNER, localities=[asop])
    known = OrganisationFactory(name="Blackshots Befrienders")
    join_request = JoinRequestFactory(
        organisation=known, organisation_name=known.name, contact_email="jo@befrienders.test"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_join_request(join_request=join_request, by=administrator)
    assert set(existing.localities.all()) == {asop, grays}
    assert mailoutbox == []
    assert Organisation.objects.filter(name__iexact="blackshots befrienders").count() == 1
    assert Membership.objects.filter(organisation=known, locality=grays).exists()


def test_declining_needs_a_reason(client, grays_coordinator):
    join_request = JoinRequestFactory()
    client.force_login(grays_coordinator)
    url = reverse("localities:join_request_decline", args=["grays", join_request.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Enter why the request is declined" in response.text
    join_request.refresh_from_db()
    assert join_request.is_pending
    response = client.post(url, {"reason": "They work in Tilbury: we passed it on."})
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert join_request.decline_reason == "They work in Tilbury: we passed it on."
    detail = client.get(reverse("localities:join_request", args=["grays", join_request.pk]))
    assert "They work in Tilbury" in detail.text
    assert "Approve and invite" not in detail.text


def test_deciding_twice_is_refused_with_a_clear_message(client, grays_coordinator):
    join_request = JoinRequestFactory()
    client.force_login(grays_coordinator)
    client.post(reverse("localities:join_request_approve", args=["grays", join_request.pk]))
    response = client.post(
        reverse("localities:join_request_decline", args=["grays", join_request.pk]),
        {"reason": "Changed my mind"},
        follow=True,
    )
    assert "This request has already been approved by" in response.text
    assert escape(grays_coordinator.full_name) in response.text
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    again = client.post(
        reverse("localities:join_request_approve", args=["grays", join_request.pk]), follow=True
    )
    assert "It cannot be decided again" in again.text
    assert Membership.objects.count() == 1


OUTSIDERS = ["asop_coordinator", "practitioner", "partner", "manager", "wellbeing_worker"]


@pytest.fixture
def outsider(request, personas, asop_coordinator):
    if request.param == "asop_coordinator":
        return asop_coordinator
    return personas[Role(request.param)]


@pytest.mark.parametrize("outsider", OUTSIDERS, indirect=True)
def test_outsiders_cannot_see_the_list_of_requests(client, outsider):
    JoinRequestFactory()
    client.force_login(outsider)
    response = client.get(reverse("localities:join_requests", args=["grays"]))
    assert response.status_code == 404


@pytest.mark.parametrize("outsider", OUTSIDERS, indirect=True)
def test_outsiders_cannot_see_or_decide_a_request(client, outsider):
    join_request = JoinRequestFactory()
    client.force_login(outsider)
    args = ["grays", join_request.pk]
    assert client.get(reverse("localities:join_request", args=args)).status_code == 404
    assert client.post(reverse("localities:join_request_approve", args=args)).status_code == 404
    response = client.post(reverse("localities:join_request_decline", args=args), {"reason": "x"})
    assert response.status_code == 404
    join_request.refresh_from_db()
    assert join_request.is_pending


def test_a_request_is_only_found_under_its_own_locality(client, administrator, asop):
    join_request = JoinRequestFactory(locality=asop)
    client.force_login(administrator)
    url = reverse("localities:join_request", args=["grays", join_request.pk])
    assert client.get(url).status_code == 404
    url = reverse("localities:join_request", args=["asop", join_request.pk])
    assert client.get(url).status_code == 200


def test_anonymous_visitors_cannot_see_requests(client):
    response = client.get(reverse("localities:join_requests", args=["grays"]))
    assert response.url.startswith(reverse("account_login"))


def test_a_flood_of_requests_from_one_address_is_slowed_down(client, grays):
    url = reverse("localities:join", args=["grays"])
    for n in range(10):
        assert client.post(url, join_data(organisation_name=f"Group {n}")).status_code == 302
    response = client.post(url, join_data(organisation_name="Group 11"))
    assert response.status_code == 429
    assert "Too many requests have been sent from your network" in response.text
    assert 'value="Group 11"' in response.text
    assert JoinRequest.objects.count() == 10


def test_administrator_home_page_lists_waiting_requests_in_every_locality(
    client, administrator, asop
):
    JoinRequestFactory()
    JoinRequestFactory(locality=asop)
    client.force_login(administrator)
    text = client.get(reverse("home")).text
    assert "1 request to join the Grays ILT waiting for a decision" in text
    assert "1 request to join the ASOP ILT waiting for a decision" in text
