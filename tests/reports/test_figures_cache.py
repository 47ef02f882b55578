"""The dashboard's figures come from the cache (the real Redis) while the data they were
computed from is unchanged, and never once it has changed: every table the figures read
advances the data version (reports/0003_data_version), whatever writes to it."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from introductions.models import ConnectionMade, Conversation, WellbeingAnswer
from introductions.services.conversations import log_conversation
from mdt.models import MdtAction
from tests.conftest import make_persona
from tests.factories import MembershipFactory, ResidentFactory
from tests.introductions.factories import ConversationFactory, DropInFactory, IntroductionFactory
from tests.mdt.factories import request as request_mdt
from tests.mdt.factories import scene
from tests.wellbeing_teams.factories import (
    PersonSupportedFactory,
    TeamMemberFactory,
    TimeEntryFactory,
    VisitFactory,
)
from thurrock_care.accounts.models import Role
from thurrock_care.reports import figures_cache, metrics
from thurrock_care.reports.periods import Period
from wellbeing_teams.models import HealthEvent, Visit

# Tables the figures read that no figure depends on: users, for ordering team members by name.
NOT_FIGURES = {"accounts_user"}


def last_month() -> Period:
    return Period.month(timezone.localdate().replace(day=1) - timedelta(days=1))


def in_last_month(hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(last_month().start + timedelta(days=9), time(hour)))


def triggered_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = 'reports_data_changed' "
            "AND NOT t.tgisinternal AND t.tgenabled = 'O'"
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db
def test_every_table_the_figures_read_advances_the_data_version(grays):
    """The tables are those in the SQL metrics.figures runs over data in every part: a table
    the figures come to read without the trigger fails this test."""
    period = last_month()
    ConversationFactory(held_at=in_last_month())
    IntroductionFactory(introduced_on=period.start)
    DropInFactory(starts_at=in_last_month())
    MembershipFactory(locality=grays, joined_on=period.start)
    member = TeamMemberFactory(team__locality=grays)
    person = PersonSupportedFactory(team=member.team)
    VisitFactory(person=person, planned_start=in_last_month(), workers=[member.user])
    TimeEntryFactory(team=member.team, worker=member.user, on=period.start)
    with CaptureQueriesContext(connection) as queries:
        metrics.figures(period)
    read = {
        table
        for query in queries.captured_queries
        for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"])
    }
    assert {"introductions_conversation", "wellbeing_teams_visit_workers"} <= read
    assert read - NOT_FIGURES - triggered_tables() == set()


@pytest.mark.django_db
def test_each_kind_of_change_advances_the_version(grays):
    conversation = ConversationFactory()
    before = figures_cache.data_version()
    Conversation.objects.filter(pk=conversation.pk).update(what_matters="Her garden")
    updated = figures_cache.data_version()
    ConnectionMade.objects.filter(pk=-1).delete()  # a statement, even of no row
    Conversation.objects.filter(pk=conversation.pk).delete()
    deleted = figures_cache.data_version()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE localities_learningcycle")
    assert before.number < updated.number < deleted.number < figures_cache.data_version().number
    # A resident's details other than where they live change no figure.
    resident = ResidentFactory()
    unchanged = figures_cache.data_version()
    resident.full_name = "Ada Lovelace"
    resident.save(update_fields=["full_name"])
    assert figures_cache.data_version() == unchanged
    resident.save(update_fields=["neighbourhood"])
    assert figures_cache.data_version() != unchanged


# --- The dashboard, with changes committed as they are in use --------------------------------

dashboard = pytest.mark.django_db(transaction=True)


def overview_row(html: str, label: str) -> list[str]:
    """The values of one figure in the "At a glance" table: each locality, then Thurrock."""
    row = re.search(rf"<th scope=\"row\"[^>]*>{re.escape(label)}</th>(.*?)</tr>", html, re.S)
    assert row, f"no row {label!r}"
    return re.findall(r"<td class=\"govuk-table__cell govuk-table__cell--numeric\">(.*?)</td>",
                      row.group(1))  # fmt: skip


def main(response) -> str:
    """The page's content, but its charts (each drawn with an id of its own)."""
    page = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"data:image/svg\+xml;base64,[^\"]*", "", page)


def thurrock(client, label: str) -> str:
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    return overview_row(response.content.decode(), label)[-1]


@pytest.fixture
def manager_client(client, grays):
    client.force_login(make_persona(Role.MANAGER, None))
    return client


@dashboard
def test_the_second_view_reads_the_figures_from_the_cache(manager_client, grays):
    for _ in range(3):
        ConversationFactory(held_at=in_last_month())
    with CaptureQueriesContext(connection) as first_queries:
        first = manager_client.get(reverse("reports:dashboard"))
    with CaptureQueriesContext(connection) as second_queries:
        second = manager_client.get(reverse("reports:dashboard"))
    # Computed: the period and the one before in full, the four before them only the trend's
    # counts.
    assert len(first_queries) > 40
    # The page's own (session, user, notifications, the localities to choose from and those
    # chosen…) and the data version; none of the figures' records.
    assert len(second_queries) <= 7
    sql = [query["sql"] for query in second_queries.captured_queries]
    assert sum("reports_data_version" in query for query in sql) == 1
    assert not [q for q in sql if re.search(r"introductions_|mdt_|wellbeing_teams_", q)]
    assert overview_row(second.content.decode(), "Conversations")[-1] == "3"
    assert [p["figures"] for p in second.context["places"]] == [
        p["figures"] for p in first.context["places"]
    ]
    assert main(second) == main(first)


@dashboard
def test_a_conversation_logged_shows_at_once(manager_client, grays):
    resident = ResidentFactory()
    coordinator = make_persona(Role.PRACTITIONER, grays)
    assert thurrock(manager_client, "Conversations") == "0"
    log_conversation(resident=resident, by=coordinator, how_we_met="At the library",
                     what_matters="Getting out more", held_at=in_last_month())  # fmt: skip
    assert thurrock(manager_client, "Conversations") == "1"


@dashboard
def test_a_visit_added_changed_and_removed_shows_at_once(manager_client, grays):
    person = PersonSupportedFactory(team__locality=grays)
    label = "Wellbeing Teams: visits missed"
    assert thurrock(manager_client, label) == "0"
    visit = VisitFactory(person=person, planned_start=in_last_month(), status=Visit.Status.MISSED)
    assert thurrock(manager_client, label) == "1"
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.CANCELLED)
    assert thurrock(manager_client, label) == "0"
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.MISSED)
    assert thurrock(manager_client, label) == "1"
    visit.delete()
    assert thurrock(manager_client, label) == "0"


@dashboard
def test_an_mdt_action_added_and_done_shows_at_once(manager_client, grays):
    s = scene(grays, make_persona(Role.COORDINATOR, grays))
    mdt = request_mdt(s)
    label = "MDT actions overdue"
    assert thurrock(manager_client, label) == "0"
    action = MdtAction.objects.create(
        mdt=mdt,
        what="Fit a ramp",
        owner_organisation=s.housing,
        due_on=last_month().start,
        created_by=s.coordinator,
    )
    assert thurrock(manager_client, label) == "1"
    action.status = MdtAction.Status.DONE
    action.save(update_fields=["status"])
    assert thurrock(manager_client, label) == "0"


@dashboard
def test_cached_figures_come_back_from_redis_as_they_were(grays):
    period = last_month()
    ConversationFactory(held_at=in_last_month())
    resident = ResidentFactory()
    for day in (period.start - timedelta(days=40), period.start):
        WellbeingAnswer.objects.create(resident=resident, answered_on=day, life_satisfaction=6,
                                       recorded_by=resident.created_by)  # fmt: skip
    HealthEvent.objects.create(resident=PersonSupportedFactory().resident,
                               kind=HealthEvent.Kind.values[0], occurred_on=period.start,
                               recorded_by=resident.created_by)  # fmt: skip
    computed = figures_cache.figures(period)
    key = figures_cache._key(figures_cache.data_version(), period, None)
    assert cache.get(key) is not None  # stored, pickled, in the real Redis
    again = figures_cache.figures(period)
    assert again is not computed
    assert again == computed == metrics.figures(period)
    assert again[-1].values["conversations"].shown() == "1"


@dashboard
def test_figures_are_not_stored_while_a_change_is_uncommitted(grays):
    """A transaction that changed the figures' data holds the version's lock until it ends:
    figures read meanwhile might miss its rows (another connection's view) or count rows
    that are rolled back (its own), so they are not stored."""
    period = last_month()
    with transaction.atomic():
        ConversationFactory(held_at=in_last_month())
        assert figures_cache.changes_in_flight()
        figures_cache.figures(period)
        version = figures_cache.data_version()
        transaction.set_rollback(True)
    assert not figures_cache.changes_in_flight()
    assert cache.get(figures_cache._key(version, period, None)) is None
    assert figures_cache.figures(period)[-1].values["conversations"].shown() == "0"


@dashboard
def test_figures_are_not_stored_if_the_data_changed_while_computing(grays, monkeypatch):
    period = last_month()
    compute = metrics.figures

    def with_a_change_meanwhile(*args, **kwargs):
        found = compute(*args, **kwargs)
        ConversationFactory(held_at=in_last_month())  # committed as the figures were read
        return found

    monkeypatch.setattr(metrics, "figures", with_a_change_meanwhile)
    version = figures_cache.data_version()
    assert figures_cache.figures(period)[-1].values["conversations"].shown() == "0"
    assert cache.get(figures_cache._key(version, period, None)) is None


@pytest.mark.django_db
def test_while_one_request_computes_the_figures_the_others_wait_for_them(monkeypatch, grays):
    """After a change, everyone opening the dashboard at once would each compute the same
    figures: the first computes, the others take what it stores."""
    import threading

    period = last_month()
    key = figures_cache._key(figures_cache.data_version(), period, None)
    computing = "reports:computing:" + figures_cache.hashlib.sha256(key.encode()).hexdigest()[:16]
    computed = metrics.figures(period)
    cache.delete(key)
    cache.add(computing, 1, 60)  # another request is computing them

    def the_other_request_stores_them() -> None:
        cache.set(key, computed, 60)
        cache.delete(computing)

    threading.Timer(0.5, the_other_request_stores_them).start()
    monkeypatch.setattr(metrics, "figures", lambda *args: pytest.fail("computed twice"))
    assert figures_cache.figures(period) == computed

    # The other one gave up without storing them (its data changed under it): compute.
    cache.delete(key)
    monkeypatch.setattr(metrics, "figures", lambda *args: computed)
    cache.add(computing, 1, 60)
    threading.Timer(0.3, lambda: cache.delete(computing)).start()
    assert figures_cache.figures(period) == computed
    assert cache.get(computing) is None  # nothing left behind
