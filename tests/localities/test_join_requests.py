"""Requests to join an ILT: anyone asks, the locality's coordinator decides."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from localities.models import JoinRequest, Membership, Organisation
from localities.services import ilt as services
from tests.factories import JoinRequestFactory, OrganisationFactory, UserFactory
from thurrock_care.accounts.models import Role, User
from thurrock_care.audit.models import Action, Event

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


def test_a_known_organisation_name_is_not_linked_by_the_public_form(client, grays):
    OrganisationFactory(name="Blackshots Befrienders")
    client.post(
        reverse("localities:join", args=["grays"]),
        join_data(organisation_name="  BLACKSHOTS befrienders "),
    )
    join_request = JoinRequest.objects.get()
    assert join_request.organisation is None  # only a coordinator's decision links it
    assert join_request.organisation_name == "BLACKSHOTS befrienders"


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


def approve(client, join_request, organisation="new", **extra):
    url = reverse("localities:join_request_approve", args=["grays", join_request.pk])
    return client.post(url, {"organisation": organisation}, **extra)


def test_approving_a_new_organisation_adds_it_and_invites_the_contact(
    client, grays_coordinator, grays, mailoutbox, django_capture_on_commit_callbacks
):
    join_request = JoinRequestFactory(
        organisation_name="Blackshots Befrienders",
        contact_email="jo@befrienders.test",
        contact_phone="01375 000000",
        contact_name="Jo Baxter",
    )
    client.force_login(grays_coordinator)
    detail = client.get(reverse("localities:join_request", args=["grays", join_request.pk]))
    assert "A new organisation called Blackshots Befrienders" in detail.text
    assert "resembles" not in detail.text
    with django_capture_on_commit_callbacks(execute=True):
        response = approve(client, join_request)
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
    assert "jo@befrienders.test has been invited" in follow.text
    page = client.get(reverse("localities:detail", args=["grays"]))
    assert "Blackshots Befrienders" in page.text
    assert "New this month" in page.text
    assert "jo@befrienders.test" in page.text
    # The decision and everything it touched are in the audit trail, naming the coordinator.
    actions = {
        Action.JOIN_APPROVED: join_request.pk,
        Action.ORGANISATION_CREATED: organisation.pk,
        Action.MEMBERSHIP_ADDED: membership.pk,
        Action.ACCOUNT_INVITED: invited.pk,
    }
    for action, subject in actions.items():
        event = Event.objects.get(action=action)
        assert (event.actor, event.object_id) == (grays_coordinator, subject)


def test_approving_never_widens_an_existing_account(
    client, grays_coordinator, grays, asop, mailoutbox, django_capture_on_commit_callbacks
):
    """Regression: approval used to add the locality to any account whose address matched
    the one typed into the public form (a Tilbury practitioner then saw every Grays resident)."""
    elsewhere = OrganisationFactory(kind=Organisation.Kind.ADULT_SOCIAL_CARE)
    existing = UserFactory(
        email="Jo@Befrienders.test", role=Role.PRACTITIONER, organisation=elsewhere,
        localities=[asop],
    )  # fmt: skip
    join_request = JoinRequestFactory(
        organisation_name="Blackshots Befrienders", contact_email="jo@befrienders.test"
    )
    client.force_login(grays_coordinator)
    detail = client.get(reverse("localities:join_request", args=["grays", join_request.pk]))
    assert "An account already uses Jo@Befrienders.test" in detail.text
    assert "Approving will not change it" in detail.text
    with django_capture_on_commit_callbacks(execute=True):
        response = approve(client, join_request, follow=True)
    assert "already has an account: it has not been changed" in response.text
    existing.refresh_from_db()
    assert list(existing.localities.all()) == [asop]
    assert (existing.organisation, existing.role) == (elsewhere, Role.PRACTITIONER)
    assert mailoutbox == []
    assert User.objects.filter(email__iexact="jo@befrienders.test").count() == 1
    assert Membership.objects.filter(
        organisation__name="Blackshots Befrienders", locality=grays
    ).exists()
    assert not Event.objects.filter(object_type="accounts.user").exists()


def test_a_stranger_is_never_attached_to_a_known_organisation_by_its_name(
    client, grays_coordinator, grays, mailoutbox, django_capture_on_commit_callbacks
):
    """Regression: a stranger who typed a name like a known organisation's became a partner
    member *of that organisation*. The coordinator now sees the resemblance and decides."""
    police = OrganisationFactory(
        name="Essex Police", kind=Organisation.Kind.COMMUNITY_POLICING,
        contact_email="ilt@essex.police.test",
    )  # fmt: skip
    join_request = JoinRequestFactory(
        organisation_name="Essex Police Community Policing Team",
        kind=Organisation.Kind.COMMUNITY_POLICING,
        contact_email="stranger@example.test",
    )
    client.force_login(grays_coordinator)
    detail = client.get(reverse("localities:join_request", args=["grays", join_request.pk]))
    assert "This request resembles 1 organisation already in Thurrock Care" in detail.text
    assert "Essex Police (contact ilt@essex.police.test)" in detail.text
    assert f'value="{police.pk}"' in detail.text  # offered as a choice, not chosen
    # The coordinator decides it is the known one: it joins, and nobody is invited from the
    # address typed into the form.
    with django_capture_on_commit_callbacks(execute=True):
        response = approve(client, join_request, organisation=str(police.pk), follow=True)
    assert "Nobody was invited from the request" in response.text
    assert Membership.objects.filter(organisation=police, locality=grays).exists()
    assert not User.objects.filter(email="stranger@example.test").exists()
    assert mailoutbox == []
    assert Event.objects.get(action=Action.JOIN_APPROVED).details["new_organisation"] is False


def test_a_request_from_a_known_organisation_s_address_resembles_it_whatever_the_name(
    client, grays_coordinator, grays, mailoutbox, django_capture_on_commit_callbacks
):
    """A request whose name is nothing like a known organisation's, but sent from that
    organisation's own contact address, is shown to the coordinator as resembling it; approving
    it as that organisation adds the membership, changes no account and records exactly the
    decision and the membership."""
    riverside = OrganisationFactory(
        name="Tilbury Riverside Food Bank", kind=Organisation.Kind.VOLUNTARY_GROUP,
        contact_email="hello@riverside.test",
    )  # fmt: skip
    OrganisationFactory(name="Chadwell Lunch Club", contact_email="lunch@chadwell.test")
    join_request = JoinRequestFactory(
        organisation_name="Blackshots Befrienders", contact_email="Hello@Riverside.TEST"
    )
    client.force_login(grays_coordinator)
    detail = client.get(reverse("localities:join_request", args=["grays", join_request.pk]))
    assert (
        "This request resembles 1 organisation already in Thurrock Care: Tilbury Riverside "
        "Food Bank (contact hello@riverside.test)."
    ) in detail.text
    assert f'value="{riverside.pk}"' in detail.text  # offered as a choice, not chosen
    assert "Chadwell Lunch Club" not in detail.text
    assert "An account already uses" not in detail.text

    with django_capture_on_commit_callbacks(execute=True):
        response = approve(client, join_request, organisation=str(riverside.pk), follow=True)
    assert (
        "Tilbury Riverside Food Bank has joined the Grays ILT. Nobody was invited from the request"
    ) in response.text
    membership = Membership.objects.get(organisation=riverside)
    assert (membership.locality, membership.joined_on) == (grays, timezone.localdate())
    join_request.refresh_from_db()
    assert (join_request.status, join_request.organisation) == (
        JoinRequest.Status.APPROVED, riverside
    )  # fmt: skip
    assert Organisation.objects.filter(name="Blackshots Befrienders").count() == 0
    assert not User.objects.filter(email__iexact="hello@riverside.test").exists()
    assert mailoutbox == []
    # Exactly the decision and the membership it added, each naming the coordinator.
    entries = sorted((e.action, e.actor, e.object_type, e.object_id) for e in Event.objects.all())
    assert entries == sorted([
        (Action.JOIN_APPROVED, grays_coordinator, "localities.joinrequest", join_request.pk),
        (Action.MEMBERSHIP_ADDED, grays_coordinator, "localities.membership", membership.pk),
    ])  # fmt: skip
    approved = Event.objects.get(action=Action.JOIN_APPROVED)
    assert approved.details == {
        "organisation": riverside.pk,
        "new_organisation": False,
        "invited": None,
        "existing_account_left_unchanged": None,
    }
    added = Event.objects.get(action=Action.MEMBERSHIP_ADDED)
    assert added.details == {"organisation": riverside.pk, "locality": "grays"}


def test_approving_as_an_organisation_already_in_the_ilt_records_only_the_decision(
    client, grays_coordinator, grays
):
    """Nothing else changes, so nothing else is recorded: the membership it already had stays."""
    member = OrganisationFactory(name="Grays Men's Shed", contact_email="shed@grays.test")
    earlier = Membership.objects.create(
        organisation=member, locality=grays, joined_on=datetime.date(2024, 5, 1)
    )
    join_request = JoinRequestFactory(organisation_name="The Shed", contact_email="shed@grays.test")
    client.force_login(grays_coordinator)
    response = approve(client, join_request, organisation=str(member.pk))
    assert response.status_code == 302
    assert list(Membership.objects.filter(organisation=member)) == [earlier]
    earlier.refresh_from_db()
    assert earlier.joined_on == datetime.date(2024, 5, 1)
    assert [(e.action, e.actor, e.object_id) for e in Event.objects.all()] == [
        (Action.JOIN_APPROVED, grays_coordinator, join_request.pk)
    ]


def test_approving_as_new_an_organisation_that_exists_by_that_name_is_refused(
    client, grays_coordinator
):
    OrganisationFactory(name="Blackshots Befrienders")
    join_request = JoinRequestFactory(organisation_name="blackshots befrienders")
    client.force_login(grays_coordinator)
    response = approve(client, join_request, follow=True)
    assert "There is already an organisation called blackshots befrienders" in response.text
    join_request.refresh_from_db()
    assert join_request.is_pending
    assert not User.objects.filter(email=join_request.contact_email).exists()
    assert not Event.objects.exists()


def test_only_a_resembling_organisation_can_be_chosen(client, grays_coordinator):
    unrelated = OrganisationFactory(name="Thurrock Council Housing")
    join_request = JoinRequestFactory(organisation_name="Blackshots Befrienders")
    client.force_login(grays_coordinator)
    response = approve(client, join_request, organisation=str(unrelated.pk))
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    response = approve(client, join_request, organisation="")
    assert response.status_code == 400
    assert "Choose whether this is a new organisation or a known one" in response.text
    join_request.refresh_from_db()
    assert join_request.is_pending


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
    assert "join_request_approve" not in detail.text
    assert "/approve/" not in detail.text


def test_deciding_twice_is_refused_with_a_clear_message(client, grays_coordinator):
    join_request = JoinRequestFactory()
    client.force_login(grays_coordinator)
    approve(client, join_request)
    response = client.post(
        reverse("localities:join_request_decline", args=["grays", join_request.pk]),
        {"reason": "Changed my mind"},
        follow=True,
    )
    assert "This request has already been approved by" in response.text
    assert escape(grays_coordinator.full_name) in response.text
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    again = approve(client, join_request, follow=True)
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


def group(n: int) -> dict:
    return join_data(organisation_name=f"Group {n}", contact_email=f"contact{n}@group.test")


def test_a_flood_of_requests_from_one_address_is_slowed_down(client, grays):
    url = reverse("localities:join", args=["grays"])
    for n in range(10):
        assert client.post(url, group(n)).status_code == 302
    response = client.post(url, group(11))
    assert response.status_code == 429
    assert "Too many requests have been sent from your network" in response.text
    assert 'value="Group 11"' in response.text
    assert JoinRequest.objects.count() == 10


# Behind the TLS proxy every request comes from the proxy's address; the client's address is
# the one the proxy appends to X-Forwarded-For.
PROXY = "10.0.0.1"


def post_from(client, address: str, data: dict):
    url = reverse("localities:join", args=["grays"])
    return client.post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def test_behind_the_proxy_one_clients_flood_does_not_stop_another(client, grays, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        assert post_from(client, "203.0.113.10", group(n)).status_code == 302
    response = post_from(client, "203.0.113.10", group(11))
    assert response.status_code == 429
    assert "Too many requests have been sent from your network" in response.text
    assert 'value="Group 11"' in response.text
    assert post_from(client, "198.51.100.20", group(12)).status_code == 302
    assert JoinRequest.objects.count() == 11


def test_requests_for_one_email_are_limited_from_whatever_address(client, grays, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    spellings = ["jo@befrienders.test", "JO@befrienders.test", " Jo@Befrienders.Test "]
    for n in range(5):
        data = join_data(organisation_name=f"Group {n}", contact_email=spellings[n % 3])
        assert post_from(client, f"203.0.113.{n}", data).status_code == 302
    data = join_data(organisation_name="Group 6", contact_email="jo@BEFRIENDERS.test")
    response = post_from(client, "203.0.113.6", data)
    assert response.status_code == 429
    assert "or for this e-mail address" in response.text
    assert 'value="jo@BEFRIENDERS.test"' in response.text
    other = join_data(contact_email="sam@befrienders.test")
    assert post_from(client, "203.0.113.6", other).status_code == 302
    assert JoinRequest.objects.count() == 6


def test_a_spoofed_or_garbage_header_neither_escapes_the_limit_nor_fails(client, grays, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        assert post_from(client, f"192.0.2.{n}, 203.0.113.10", group(n)).status_code == 302
    assert post_from(client, "192.0.2.99, 203.0.113.10", group(10)).status_code == 429
    # Garbage counts against the proxy's own address, with no server error.
    assert post_from(client, "203.0.113.10, not-an-address", group(11)).status_code == 302


def test_administrator_home_page_lists_waiting_requests_in_every_locality(
    client, administrator, asop
):
    JoinRequestFactory()
    JoinRequestFactory(locality=asop)
    client.force_login(administrator)
    text = client.get(reverse("home")).text
    assert "1 request to join the Grays ILT waiting for a decision" in text
    assert "1 request to join the ASOP ILT waiting for a decision" in text


def test_a_public_request_cannot_create_a_core_organisation(client, grays_coordinator):
    """Anyone can say they are "Adult social care"; a core organisation's practitioners see
    every resident of their localities, so such organisations are added by an administrator."""
    join_request = JoinRequestFactory(
        organisation_name="Adult Social Care Grays", kind=Organisation.Kind.ADULT_SOCIAL_CARE
    )
    client.force_login(grays_coordinator)
    response = approve(client, join_request, follow=True)
    assert "so an administrator adds them" in response.text
    join_request.refresh_from_db()
    assert join_request.is_pending
    assert not Organisation.objects.filter(name="Adult Social Care Grays").exists()
