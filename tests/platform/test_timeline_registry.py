"""The timeline registry (thurrock_care/timeline.py) as a feature app uses it: providers from
any app merged into one query, newest first, whatever their number."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from localities import timeline as localities_timeline
from localities.models import StoryEntry
from tests.factories import ResidentFactory
from thurrock_care import access, timeline
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Action, Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def only(monkeypatch):
    """Replace every registered provider with the ones a test registers (restored after)."""
    monkeypatch.setattr(timeline, "_providers", {})
    return timeline.register_provider


def stories(section: str):
    def rows(resident_id, user):
        return timeline.rows(
            StoryEntry.objects.filter(resident_id=resident_id, section=section),
            at=F("written_at"),
            title=f"{section} written",
            text=F("text"),
            actor=timeline.person("written_by"),
        )

    return rows


def sign_ins(resident_id, user):
    return timeline.rows(
        Event.objects.filter(resident_id=resident_id, action=Action.VIEWED),
        at=F("at"),
        title="Viewed",
        actor=F("actor_name"),
    )


def write(resident, author, section: str, text: str, days_ago: int) -> StoryEntry:
    entry = StoryEntry.objects.create(resident=resident, section=section, text=text,
                                      written_by=author)  # fmt: skip
    at = timezone.now() - timedelta(days=days_ago)
    StoryEntry.objects.filter(pk=entry.pk).update(written_at=at)
    return entry


def test_entries_from_every_provider_are_merged_newest_first(only, practitioner):
    only("a", "About", stories("about_me"))
    only("b", "Matters", stories("what_matters"))
    only("c", "Strengths", stories("strengths"))
    resident = ResidentFactory()
    for days_ago, section in enumerate(["strengths", "about_me", "what_matters", "about_me"]):
        write(resident, practitioner, section, f"{section} {days_ago}", days_ago)
    page = timeline.page(resident_id=resident.pk, user=practitioner)
    assert [(e.kind, e.label, e.text) for e in page] == [
        ("c", "Strengths", "strengths 0"),
        ("a", "About", "about_me 1"),
        ("b", "Matters", "what_matters 2"),
        ("a", "About", "about_me 3"),
    ]
    assert page[0].actor == practitioner.full_name
    assert page[0].title == "strengths written"
    only_two = timeline.page(resident_id=resident.pk, user=practitioner, kinds=["a", "c"])
    assert [e.kind for e in only_two] == ["c", "a", "a"]


def test_a_page_is_one_query_whatever_the_number_of_providers_or_entries(only, practitioner):
    resident = ResidentFactory()
    for i in range(30):
        write(resident, practitioner, ["about_me", "what_matters", "strengths"][i % 3], "x", i)

    def queries_for_a_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = timeline.page(resident_id=resident.pk, user=practitioner, per_page=10)
            assert len(page) == 10
        return len(queries)

    only("a", "About", stories("about_me"))
    one = queries_for_a_page()
    only("b", "Matters", stories("what_matters"))
    only("c", "Strengths", stories("strengths"))
    three = queries_for_a_page()
    assert one == three == 1  # the page, with the number of entries beside each row


def test_a_provider_leaves_out_what_a_user_may_not_read(only, personas):
    only("viewed", "Viewed", sign_ins, shown_to=access.reviews_records)
    only("nothing", "Nothing", lambda resident_id, user: None)
    resident = ResidentFactory()
    Event.objects.create(actor_name="Ann", action=Action.VIEWED, resident_id=resident.pk)
    coordinator, practitioner = personas[Role.COORDINATOR], personas[Role.PRACTITIONER]
    assert [p.kind for p in timeline.providers_for(coordinator)] == ["viewed", "nothing"]
    assert [e.actor for e in timeline.page(resident_id=resident.pk, user=coordinator)] == ["Ann"]
    assert [p.kind for p in timeline.providers_for(practitioner)] == ["nothing"]
    with CaptureQueriesContext(connection) as queries:
        assert list(timeline.page(resident_id=resident.pk, user=practitioner)) == []
    assert len(queries) == 0  # nothing to ask


def test_links_are_made_without_a_query(only, practitioner):
    only("a", "About", stories("about_me"), link=lambda entry: f"/stories/{entry.object_id}/")
    resident = ResidentFactory()
    entry = write(resident, practitioner, "about_me", "x", 0)
    with CaptureQueriesContext(connection) as queries:
        page = timeline.page(resident_id=resident.pk, user=practitioner)
    assert page[0].link == f"/stories/{entry.pk}/"
    assert len(queries) == 1


@pytest.mark.parametrize(
    ("number", "shown", "queries"),
    [
        (None, 1, 1), ("1", 1, 1), ("2", 2, 1), (3, 3, 1), ("3", 3, 1),  # the last: 5 entries
        ("4", 3, 3), ("99999999999999999999", 3, 3),  # past the last: a COUNT, then the last
        ("0", 3, 2), ("-1", 3, 2), ("two", 1, 1), ("", 1, 1), ("2.5", 1, 1), ("\u0662", 2, 1),
    ],
)  # fmt: skip
def test_every_page_number_shows_the_page_a_paginator_would(
    only, practitioner, number, shown, queries
):
    """Whatever is asked for: the page Django's paginator shows for it (the first for what is
    not a number, the last for a number past it or below one), with the right entries and
    the number of all of them."""
    only("a", "About", stories("about_me"))
    resident = ResidentFactory()
    for i in range(25):
        write(resident, practitioner, "about_me", f"entry {i}", i)
    with CaptureQueriesContext(connection) as captured:
        page = timeline.page(resident_id=resident.pk, user=practitioner, number=number, per_page=10)
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (shown, 25, 3)
    newest_first = [f"entry {i}" for i in range(25)]
    assert [e.text for e in page] == newest_first[(shown - 1) * 10 : shown * 10]
    assert len(captured) == queries


@pytest.mark.parametrize(("number", "queries"), [(None, 1), ("3", 2)])
def test_an_empty_timeline_has_one_empty_page(only, practitioner, number, queries):
    only("a", "About", stories("about_me"))
    resident = ResidentFactory()
    with CaptureQueriesContext(connection) as captured:
        page = timeline.page(resident_id=resident.pk, user=practitioner, number=number)
    assert (list(page), page.number, page.paginator.count) == ([], 1, 0)
    assert len(captured) == queries  # nothing on page 3: a COUNT says there is nothing


def test_a_kind_is_registered_once(only):
    only("a", "About", stories("about_me"))
    only("a", "About", timeline._providers["a"].query)  # the same again (ready() twice): fine
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        only("a", "Something else", sign_ins)


def test_localities_registers_its_kinds_in_order():
    kinds = [(p.kind, p.label, p.query) for p in timeline._providers.values()][:6]
    assert kinds == [
        ("story", "Story", localities_timeline.story_changes),
        ("consent", "Consent", localities_timeline.consent_decisions),
        ("connection", "People and places", localities_timeline.connections),
        ("status", "Status", localities_timeline.status_changes),
        ("merge", "Merges", localities_timeline.merges),
        ("break_glass", "Break-glass access", localities_timeline.break_glass),
    ]
