"""How Local Area Coordination shows elsewhere: its entries in the resident's timeline (who
reads what), the home page's follow-ups panel, and pages whose query counts do not grow with
the data (the conversation form, the home panel, the drop-in page, the timeline)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from introductions.models import FollowUp
from introductions.services import conversations, introductions, wellbeing
from introductions.services.conversations import NewConnection
from tests.conftest import make_persona
from tests.factories import (
    CommunityAssetFactory,
    ConsentFactory,
    MembershipFactory,
    OrganisationFactory,
    ResidentFactory,
)
from tests.introductions.factories import DropInFactory
from thurrock_care import timeline
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db


def titles(resident, user, kind):
    return [(e.title, e.text) for e in timeline.page(resident_id=resident.pk, user=user,
                                                       kinds=[kind])]  # fmt: skip


def test_every_kind_of_entry_on_the_timeline(practitioner):
    resident = ResidentFactory()
    club = CommunityAssetFactory(name="Purfleet Lunch Club")
    session = DropInFactory(title="Talking Shop")
    introductions.create_introduction(resident=resident, by=practitioner, holder=practitioner,
                                      source="drop_in", drop_in=session)  # fmt: skip
    first = conversations.log_conversation(
        resident=resident, by=practitioner, how_we_met="drop_in", what_matters="Company",
        next_steps="Try the lunch club", drop_in=session,
        connections=[NewConnection(asset=club)],
    )  # fmt: skip
    conversations.log_conversation(
        resident=resident, by=practitioner, how_we_met="phone", what_matters="Went twice",
        checked={first.connections_made.get().pk: "kept"},
    )  # fmt: skip
    wellbeing.record_wellbeing(resident=resident, by=practitioner, life_satisfaction=7)
    assert titles(resident, practitioner, "conversation") == [
        ("Conversation: Phone", "Went twice"),
        ("Conversation: Drop-in at Talking Shop", "Company\nNext steps: Try the lunch club"),
    ]
    introduction = resident.introductions.get()
    introductions.update_introduction(
        introduction=introduction, by=practitioner, version=1, status="walking_alongside"
    )
    lac = practitioner.full_name
    assert titles(resident, practitioner, "introduction") == [
        ("Introduction changed", "Now: Walking alongside."),
        ("Introduced to Local Area Coordination", f"Held by {lac}."),
    ]
    # Given to another LAC, by hand and then in a caseload rebalanced: each names the new one.
    grays = practitioner.localities.get()
    other = make_persona(Role.PRACTITIONER, grays, full_name="Priya Shah")
    introductions.update_introduction(
        introduction=introduction, by=practitioner, version=2, holder=other
    )
    coordinator = make_persona(Role.COORDINATOR, grays)
    introductions.reassign_introductions(introductions=[introduction], to=practitioner,
                                         by=coordinator, reason="Balancing caseloads")  # fmt: skip
    assert titles(resident, practitioner, "introduction")[:2] == [
        ("Introduction given to another Local Area Coordinator",
         f"Held by {lac}. Why: Balancing caseloads."),
        ("Introduction changed", "Held by Priya Shah."),
    ]  # fmt: skip
    assert titles(resident, practitioner, "drop_in") == [
        ("Came to Talking Shop", "Grays Library, Orsett Road")
    ]
    assert titles(resident, practitioner, "connection_made") == [
        ("Connection to Purfleet Lunch Club kept up", ""),
        ("Connected to Purfleet Lunch Club", ""),
    ]
    assert titles(resident, practitioner, "wellbeing") == [
        ("Answered: how are you feeling", "Life satisfaction 7. (0 to 10)")
    ]


def test_a_sensitive_conversation_s_text_is_only_for_those_who_may_read_it(practitioner, grays):
    named = OrganisationFactory()
    partner = make_persona(Role.PARTNER, grays, organisation=named)
    resident = ResidentFactory()
    ConsentFactory(resident=resident, organisations=[named])
    conversations.log_conversation(resident=resident, by=practitioner, how_we_met="drop_in",
                                   what_matters="Disclosed abuse", sensitive=True)  # fmt: skip
    assert titles(resident, practitioner, "conversation")[0][1] == "Disclosed abuse"
    [(_, text)] = titles(resident, partner, "conversation")
    assert "Disclosed abuse" not in text
    assert text.startswith("Marked sensitive")


def test_the_home_page_shows_follow_ups_due_today_and_overdue(client, practitioner):
    today = timezone.localdate()
    for name, due in [("Due Today", today), ("Over Due", today - timedelta(days=2)),
                      ("Not Yet", today + timedelta(days=1))]:  # fmt: skip
        FollowUp.objects.create(resident=ResidentFactory(full_name=name), owner=practitioner,
                                due_on=due)  # fmt: skip
    client.force_login(practitioner)
    text = client.get(reverse("home")).text
    for shown in ["Due today (1)", "Due Today", "Overdue (1)", "Over Due"]:
        assert shown in text
    assert "Not Yet" not in text


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def grow(practitioner, resident, session, n):
    """n more of everything the pages show."""
    for i in range(n):
        other = ResidentFactory()
        FollowUp.objects.create(resident=other, owner=practitioner, due_on=timezone.localdate())
        conversations.log_conversation(
            resident=other, by=practitioner, how_we_met="drop_in", what_matters=f"x{i}",
            drop_in=session, organisations=[MembershipFactory().organisation],
        )  # fmt: skip
        conversations.log_conversation(
            resident=resident, by=practitioner, how_we_met="phone", what_matters=f"y{i}",
            connections=[NewConnection(person=f"Neighbour {i}")],
            stay_in_touch_by=timezone.localdate(),
        )  # fmt: skip
        CommunityAssetFactory()
    session.headcount += n
    session.save()


def test_query_counts_do_not_grow_with_the_data(client, practitioner):
    resident = ResidentFactory()
    session = DropInFactory()
    client.force_login(practitioner)
    urls = [
        reverse("introductions:conversation_create", args=[resident.pk]),
        reverse("home"),
        reverse("introductions:drop_in", args=[session.pk]),
        reverse("residents:detail", args=[resident.pk]),
        reverse("introductions:my_work"),
        reverse("introductions:drop_ins"),
    ]
    grow(practitioner, resident, session, 2)
    few = [count(client, url) for url in urls]
    grow(practitioner, resident, session, 12)
    many = [count(client, url) for url in urls]
    assert few == many


def test_connections_made_and_kept_are_counted_per_locality(client, practitioner):
    from localities.models import Neighbourhood

    grays_resident = ResidentFactory()
    tilbury_resident = ResidentFactory(neighbourhood=Neighbourhood.objects.get(name="Tilbury"))
    club = CommunityAssetFactory(name="Lunch club")
    tilbury_club = CommunityAssetFactory(
        name="Tilbury lunch club", neighbourhood=Neighbourhood.objects.get(name="Tilbury")
    )
    for resident, asset in ((grays_resident, club), (grays_resident, club),
                            (tilbury_resident, tilbury_club)):  # fmt: skip
        conversations.log_conversation(
            resident=resident, by=practitioner, how_we_met="phone", what_matters="x",
            connections=[NewConnection(asset=asset)],
        )  # fmt: skip
    first = grays_resident.connections_made.order_by("pk").first()
    conversations.log_conversation(resident=grays_resident, by=practitioner, how_we_met="phone",
                                   what_matters="y", checked={first.pk: "kept"})  # fmt: skip
    client.force_login(practitioner)
    figures = {row["locality"].slug: row for row in
               client.get(reverse("introductions:my_work")).context["figures"]}  # fmt: skip
    grays, tilbury = figures["grays"], figures["tilbury-chadwell"]
    assert (grays["connections_made"], grays["connections_kept"]) == (2, 1)
    assert (tilbury["connections_made"], tilbury["connections_kept"]) == (1, 0)
    assert (grays["conversations"], figures["asop"]["conversations"]) == (3, 0)


def test_a_record_number_too_big_for_the_database_is_simply_not_found(client, practitioner):
    client.force_login(practitioner)
    huge = 10**30
    for name in ("conversation", "introduction", "drop_in", "conversation_create", "wellbeing"):
        assert client.get(reverse(f"introductions:{name}", args=[huge])).status_code == 404, name
    assert (
        client.get(reverse("introductions:conversation_quick"), {"drop_in": "٣"}).status_code == 200
    )
