"""The ILT pages run the same number of queries for 2 rows as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActionItemFactory,
    CommunityAssetFactory,
    JoinRequestFactory,
    LearningCycleFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def add_assets(n, grays):
    CommunityAssetFactory.create_batch(n)


def add_meetings(n, grays):
    for meeting in MeetingFactory.create_batch(n):
        ActionItemFactory(meeting=meeting)
        meeting.attending.add(MembershipFactory(locality=grays).organisation)


def add_cycles(n, grays):
    LearningCycleFactory.create_batch(n)


def add_members(n, grays):
    for _ in range(n):
        MembershipFactory(
            locality=grays, organisation=OrganisationFactory(contact_email="x@example.test")
        )


def add_join_requests(n, grays):
    JoinRequestFactory.create_batch(n)
    JoinRequestFactory.create_batch(n, status="declined")


PAGES = [
    ("assets:list", [], add_assets),
    ("localities:meetings", ["grays"], add_meetings),
    ("learning:list", [], add_cycles),
    ("localities:detail", ["grays"], add_members),
    ("localities:join_requests", ["grays"], add_join_requests),
]


@pytest.mark.parametrize(("url_name", "args", "add"), PAGES)
def test_ilt_pages_run_a_constant_number_of_queries(
    client, grays_coordinator, grays, django_assert_num_queries, url_name, args, add
):
    client.force_login(grays_coordinator)
    add(2, grays)
    url = reverse(url_name, args=args)
    client.get(url)  # warm up session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(28, grays)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_a_meeting_page_runs_a_constant_number_of_queries(
    client, grays_coordinator, grays, django_assert_num_queries
):
    last = MeetingFactory(starts_at="2026-10-01T10:00Z")
    meeting = MeetingFactory(starts_at="2026-11-01T10:00Z")
    client.force_login(grays_coordinator)
    url = reverse("localities:meeting", args=["grays", meeting.pk])

    def add(n):
        for _ in range(n):
            owner = MembershipFactory(locality=grays).organisation
            origin = ActionItemFactory(meeting=last, owner=owner)
            ActionItemFactory(meeting=meeting, owner=owner, carried_from=origin)
            meeting.attending.add(owner)

    add(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(28)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
