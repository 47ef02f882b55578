"""The audit trail: every look and change is recorded, and nobody can alter it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tests.factories import ResidentFactory
from thurrock_care.audit.models import Action, Event
from thurrock_care.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(practitioner):
    return record(actor=practitioner, action=Action.VIEWED, resident_id=1, reason="test")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET reason = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_event WHERE id = %s",
    ],
)
def test_the_application_role_cannot_change_the_trail_in_sql(event, sql):
    with (
        connection.cursor() as cursor,
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
    ):
        cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.reason == "test"


def test_truncate_is_refused_outside_the_test_database(event):
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the pending foreign-key checks
        cursor.execute("SET LOCAL thurrock_care.allow_audit_truncate = 'off'")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("TRUNCATE audit_event")
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_orm_cannot_change_it_either(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()


def test_the_admin_shows_the_trail_read_only(client, personas, event):
    from thurrock_care.accounts.models import Role

    client.force_login(personas[Role.ADMINISTRATOR])
    page = client.get(reverse("admin:audit_event_changelist"))
    assert page.status_code == 200
    assert "test" in page.text
    change = client.get(reverse("admin:audit_event_change", args=[event.pk]))
    assert "Save" not in change.text
    delete = client.post(reverse("admin:audit_event_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_who_looked_at_this_record(client, practitioner, coordinator):
    resident = ResidentFactory()
    client.force_login(practitioner)
    client.get(reverse("residents:detail", args=[resident.pk]), {"q": "dent"},
               REMOTE_ADDR="10.1.2.3")  # fmt: skip
    client.force_login(coordinator)
    page = client.get(reverse("residents:audit", args=[resident.pk]))
    assert practitioner.full_name.replace("'", "&#x27;") in page.text
    assert "Opened from search results" in page.text
    opened = Event.objects.get(resident_id=resident.pk, action=Action.OPENED_FROM_SEARCH)
    assert opened.actor == practitioner
    assert opened.ip_address == "10.1.2.3"
    assert opened.details == {"query": "dent"}
    assert opened.actor_organisation == practitioner.organisation.name


def test_subject_access_report_lists_every_event_and_is_itself_audited(
    client, practitioner, coordinator
):
    resident = ResidentFactory()
    client.force_login(practitioner)
    client.get(reverse("residents:detail", args=[resident.pk]))
    client.post(reverse("residents:story", args=[resident.pk, "about_me"]), {"text": "Hello"})
    client.force_login(coordinator)
    response = client.get(reverse("residents:access_report", args=[resident.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().strip().splitlines()
    assert rows[0] == "When,Who,Organisation,What,Reason,IP address"
    # Newest first: the coordinator opening the report, the change, the practitioner's look.
    whats = [row.split(",")[3] for row in rows[1:]]
    assert whats == ["Viewed the record", "Changed the record", "Viewed the record"]
    assert Event.objects.filter(resident_id=resident.pk, action=Action.EXPORTED).count() == 1


def test_every_page_showing_resident_data_is_audited(client, practitioner):
    resident = ResidentFactory()
    client.force_login(practitioner)
    for name, args in [("edit", []), ("story", ["about_me"]), ("consent", []), ("status", [])]:
        client.get(reverse(f"residents:{name}", args=[resident.pk, *args]))
    pages = Event.objects.filter(resident_id=resident.pk, action=Action.VIEWED)
    assert sorted(e.details["page"] for e in pages) == ["consent", "edit", "status", "story"]


def test_a_nul_character_in_the_search_query_is_dropped_from_the_trail(client, practitioner):
    resident = ResidentFactory()
    client.force_login(practitioner)
    response = client.get(reverse("residents:detail", args=[resident.pk]), {"q": "a\x00b"})
    assert response.status_code == 200
    assert Event.objects.get(action=Action.OPENED_FROM_SEARCH).details == {"query": "ab"}
