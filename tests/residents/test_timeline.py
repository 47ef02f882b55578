"""The resident page's history (thurrock_care/timeline.py, localities/timeline.py): every kind
of entry, newest first, for whom, filtered by kind, in pages, in a fixed number of queries."""

import datetime
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from localities.models import (
    BreakGlassGrant,
    Connection,
    Consent,
    Locality,
    Merge,
    Resident,
    StoryEntry,
    StorySection,
)
from localities.services import residents as services
from tests.conftest import make_persona
from tests.factories import OrganisationFactory, ResidentFactory
from thurrock_care import timeline
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db


def history_of(text: str) -> str:
    """The page's History section only."""
    return text[text.index('id="history"') : text.index("</section>", text.index('id="history"'))]


def titles(text: str) -> list[str]:
    return re.findall(r'<h3 class="moj-timeline__title">(.*?)</h3>', history_of(text))


def detail(client, resident, **params):
    return client.get(reverse("residents:detail", args=[resident.pk]), params)


@pytest.fixture
def outsider(db):
    return make_persona(Role.PRACTITIONER, Locality.objects.get(slug="asop"))


@pytest.fixture
def lived(coordinator, outsider, personas):
    """A resident with one entry of every kind, made by the services, one after another."""
    resident = ResidentFactory(full_name="Nora Batty", key_safety_information="Dog bites")
    by = coordinator
    services.write_story(resident=resident, by=by, section=StorySection.ABOUT_ME, text="Cook")
    services.write_story(resident=resident, by=by, section=StorySection.ABOUT_ME, text="Chef")
    rex = services.add_connection(resident=resident, by=by, kind="pet", name="Rex",
                                  details="a terrier")  # fmt: skip
    services.remove_connection(connection=rex, by=personas[Role.PRACTITIONER])
    services.record_consent(
        resident=resident, by=by, decision=Consent.Decision.GIVEN,
        decided_on=datetime.date(2025, 3, 3), expires_on=datetime.date(2026, 3, 3),
        organisations=[OrganisationFactory(name=name) for name in ("Zeta Housing", "Age UK")],
    )  # fmt: skip
    services.set_resident_status(resident=resident, by=by, status=Resident.Status.MOVED_AWAY,
                                 on=datetime.date(2025, 4, 1))  # fmt: skip
    duplicate = ResidentFactory(full_name="Nora Batty")
    services.merge_residents(survivor=resident, duplicate=duplicate, by=by)
    services.break_glass(resident=resident, by=outsider, reason="At the drop-in, unwell")
    resident.duplicate = duplicate
    return resident


def test_the_history_shows_every_kind_newest_first(client, coordinator, outsider, lived):
    client.force_login(coordinator)
    text = detail(client, lived).text
    assert titles(text) == [
        "Opened with break-glass access",
        f"Record {lived.duplicate.reference} merged into this one",
        "Marked as moved away",
        "Consent to share given",
        "Removed from people and places: Rex",
        "Added to people and places: Rex",
        "About me updated",
        "About me written",
    ]
    history = history_of(text)
    assert "8 entries, newest first." in history
    assert "Decided 3 March 2025. Covers Age UK, Zeta Housing. Expires 3 March 2026." in history
    assert "On 1 April 2025." in history
    assert "Pet: a terrier" in history
    assert "Reason: At the drop-in, unwell<br>Not reviewed yet." in history
    assert f"by {escape(outsider.full_name)}, {outsider.organisation.name}" in history
    assert f'href="{reverse("residents:break_glass_review")}"' in history
    assert 'class="moj-timeline"' in history


def test_each_entry_says_who_did_it(client, coordinator, personas, lived):
    client.force_login(coordinator)
    history = history_of(detail(client, lived).text)
    removed = history.index("Removed from people and places: Rex")
    # Who removed Rex comes from the audit trail: not who added him.
    remover = escape(personas[Role.PRACTITIONER].full_name)
    assert history.index(f"by {remover}", removed) < history.index("Added to", removed)
    assert history.count(f"by {escape(coordinator.full_name)}") == 6


def test_merges_and_break_glass_are_for_those_who_review_the_record(client, personas, lived):
    """A practitioner of the locality sees the record and its history, but not who broke the
    glass and why, nor the other record of a merge: those are the reviewers' (as the trail
    of who looked is)."""
    client.force_login(personas[Role.PRACTITIONER])
    response = detail(client, lived)
    shown = titles(response.text)
    assert "Opened with break-glass access" not in shown
    assert not any("merged" in title for title in shown)
    assert lived.duplicate.reference not in response.text
    assert "At the drop-in" not in response.text
    assert "Marked as moved away" in shown
    assert "About me written" in shown
    # Neither is offered as a filter, nor shown when asked for by address.
    assert 'value="break_glass"' not in response.text
    assert 'value="merge"' not in response.text
    asked = detail(client, lived, kind="break_glass")
    assert asked.status_code == 200
    assert "Choose from the kinds of entry listed." in asked.text
    assert "Opened with break-glass access" not in titles(asked.text)


def test_key_safety_information_is_never_in_the_history(client, coordinator, lived):
    client.force_login(coordinator)
    text = detail(client, lived).text
    assert "Key safety information: Dog bites" in text  # on the page, for this role
    assert "Dog bites" not in history_of(text)


def test_the_history_is_filtered_by_kind(client, coordinator, lived):
    client.force_login(coordinator)
    consent = detail(client, lived, kind="consent")
    assert titles(consent.text) == ["Consent to share given"]
    assert 'value="consent" class="govuk-checkboxes__input" id="timeline-kind_1" checked' in (
        consent.text
    )
    two = detail(client, lived, kind=["story", "status"])
    assert titles(two.text) == ["Marked as moved away", "About me updated", "About me written"]
    assert "3 entries of the kinds chosen, newest first." in two.text


def test_a_kind_nobody_registered_is_explained_not_an_error(client, coordinator, lived):
    client.force_login(coordinator)
    response = detail(client, lived, kind="<script>")
    assert response.status_code == 200
    assert "Choose from the kinds of entry listed." in response.text
    assert "<script>" not in history_of(response.text)
    assert len(titles(response.text)) == 8  # everything, as if nothing had been chosen


def add_story(resident, author, n: int) -> None:
    start = timezone.now() - timedelta(days=n)
    for i in range(n):
        entry = StoryEntry.objects.create(resident=resident, section="about_me", text=f"v{i}",
                                          written_by=author)  # fmt: skip
        StoryEntry.objects.filter(pk=entry.pk).update(written_at=start + timedelta(days=i))


def test_the_history_comes_in_pages_keeping_the_filter(client, coordinator):
    resident = ResidentFactory()
    add_story(resident, coordinator, 25)
    Consent.objects.create(resident=resident, decision="given", decided_on=timezone.localdate(),
                           recorded_by=coordinator)  # fmt: skip
    client.force_login(coordinator)
    first = detail(client, resident, kind="story", q="batty")
    assert len(titles(first.text)) == timeline.PER_PAGE
    assert "Page 1 of 2" in first.text
    assert 'aria-label="Pages of the history"' in first.text
    # The next page keeps the filter, drops the search (that page view is not "from search")
    # and comes back to the history.
    assert 'href="?kind=story&amp;timeline_page=2#history"' in first.text
    second = detail(client, resident, kind="story", timeline_page="2")
    assert len(titles(second.text)) == 5
    assert "About me written" in titles(second.text)  # the oldest, last
    assert "Consent to share given" not in second.text
    assert 'href="?kind=story&amp;timeline_page=1#history"' in second.text
    # Anything that is not a page number is the first page; a number past the end, the last.
    assert titles(detail(client, resident, timeline_page="x").text)[0] == "Consent to share given"
    assert len(titles(detail(client, resident, timeline_page="99").text)) == 6
    for huge in ["9" * 40, "-5", "\u0662", "1e9", "0x2"]:  # never a 500, always a page
        response = detail(client, resident, timeline_page=huge)
        assert response.status_code == 200
        assert len(titles(response.text)) in (6, timeline.PER_PAGE), huge


def test_a_resident_with_no_history_yet(client, coordinator):
    resident = ResidentFactory()
    client.force_login(coordinator)
    text = detail(client, resident).text
    assert "Nothing yet." in history_of(text)
    assert "Nothing of the kinds chosen yet." in detail(client, resident, kind="merge").text


def test_a_reversed_merge_is_in_both_records_histories(client, personas, coordinator, lived):
    merge = Merge.objects.get()
    services.reverse_merge(merge=merge, by=personas[Role.ADMINISTRATOR])
    client.force_login(personas[Role.ADMINISTRATOR])
    kept = titles(detail(client, lived, kind="merge").text)
    assert kept == [
        f"Merge of record {lived.duplicate.reference} reversed",
        f"Record {lived.duplicate.reference} merged into this one",
    ]
    other = titles(detail(client, lived.duplicate, kind="merge").text)
    assert other == [
        f"Merge into {lived.reference} reversed",
        f"This record merged into {lived.reference}",
    ]


# --- Query counts ----------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def every_kind(resident, coordinator, outsider, n: int) -> None:
    """n of each of localities' kinds of entry (connections and merges make two entries each:
    added and removed, merged and reversed)."""
    add_story(resident, coordinator, n)
    for i in range(n):
        Connection.objects.create(resident=resident, kind="pet", name=f"Pet {i}",
                                  added_by=coordinator, removed_at=timezone.now())  # fmt: skip
        consent = Consent.objects.create(
            resident=resident, decision="given", is_current=False,
            decided_on=timezone.localdate(), recorded_by=coordinator,
        )  # fmt: skip
        consent.organisations.set([OrganisationFactory()])
        services.set_resident_status(resident=resident, by=coordinator,
                                     status=Resident.Status.ACTIVE)  # fmt: skip
        Merge.objects.create(survivor=resident, duplicate=ResidentFactory(), merged_by=coordinator,
                             reversed_at=timezone.now(), reversed_by=coordinator)  # fmt: skip
        BreakGlassGrant.objects.create(resident=resident, user=outsider, reason="Unwell",
                                       expires_at=timezone.now())  # fmt: skip


def by_day(resident_id, user):
    """A provider a later app might register: one entry per day something was written."""
    return timeline.rows(
        StoryEntry.objects.filter(resident_id=resident_id),
        at=F("written_at"),
        title=Value("Dummy"),
        actor=timeline.person("written_by"),
    )


@pytest.fixture
def extra_providers():
    kinds = ["dummy_a", "dummy_b", "dummy_c"]
    for kind in kinds:
        timeline.register_provider(kind, kind.title(), by_day)
    yield kinds
    for kind in kinds:
        timeline.unregister_provider(kind)


def test_resident_page_queries_do_not_grow_with_entries_or_providers(
    client, coordinator, outsider, request
):
    client.force_login(coordinator)
    small, large = ResidentFactory(), ResidentFactory()
    every_kind(small, coordinator, outsider, 1)  # 8 entries: 1 or 2 of each kind
    every_kind(large, coordinator, outsider, 10)  # 80 entries
    url = lambda resident: reverse("residents:detail", args=[resident.pk])  # noqa: E731
    at_small = count_queries(client, url(small))
    assert len(titles(client.get(url(small)).text)) == 8
    at_large = count_queries(client, url(large))
    assert "80 entries" in client.get(url(large)).text
    assert at_small == at_large
    filtered = count_queries(client, url(large), {"kind": ["story", "merge"]})
    assert filtered == at_large

    request.getfixturevalue("extra_providers")
    with_more = count_queries(client, url(large))
    assert "Dummy" in client.get(url(large)).text
    assert with_more == at_large
