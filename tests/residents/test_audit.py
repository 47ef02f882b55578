"""The audit trail: every look and change is recorded, and nobody can alter it."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from localities.services import residents as services
from tests.conftest import make_persona
from tests.factories import ResidentFactory
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Action, Event
from thurrock_care.audit.services import record, record_many

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
    rows = access_report_rows(response)
    assert rows[0] == ["When", "Who", "Organisation", "What", "Reason", "IP address"]
    # Newest first: the coordinator opening the report, the change, the practitioner's look.
    whats = [row[3] for row in rows[1:]]
    assert whats == ["Viewed the record", "Changed the record", "Viewed the record"]
    assert Event.objects.filter(resident_id=resident.pk, action=Action.EXPORTED).count() == 1


def access_report_rows(response) -> list[list[str]]:
    """The downloaded CSV file as a spreadsheet would read it (after its byte-order mark)."""
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_access_report_cannot_smuggle_a_formula_into_a_spreadsheet(client, grays, coordinator):
    resident = ResidentFactory()
    outsider = make_persona(Role.PARTNER, None, full_name="@SUM(1+1)*cmd|' /C calc'!A0")
    for reason in ['=HYPERLINK("http://x","y")', "-2+3", "+44 cmd", "Checked: all well"]:
        services.break_glass(resident=resident, by=outsider, reason=reason)
    # A reason that starts with a tab (the form strips one; an API or import might not).
    record(actor=outsider, action=Action.BREAK_GLASS, resident_id=resident.pk, reason="\t=1+1")
    client.force_login(coordinator)
    response = client.get(reverse("residents:access_report", args=[resident.pk]))
    rows = access_report_rows(response)[1:]
    reasons = {row[4] for row in rows if row[3] == "Break-glass access"}
    assert reasons == {
        '\'=HYPERLINK("http://x","y")',
        "'-2+3",
        "'+44 cmd",
        "'\t=1+1",
        "Checked: all well",
    }
    names = {row[1] for row in rows if row[3] == "Break-glass access"}
    assert names == {"'@SUM(1+1)*cmd|' /C calc'!A0"}
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )


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


@pytest.mark.parametrize(
    ("forwarded", "recorded"),
    [
        ("198.51.100.99, 203.0.113.7", "203.0.113.7"),  # the leftmost is the client's to write
        ("2001:db8::7", "2001:db8::7"),
        ("not-an-address", "10.0.0.1"),  # garbage: the proxy's address, and no error
    ],
)
def test_behind_a_trusted_proxy_the_trail_records_the_clients_address(
    client, practitioner, settings, forwarded, recorded
):
    settings.TRUSTED_PROXY_COUNT = 1
    resident = ResidentFactory()
    client.force_login(practitioner)
    page = client.get(
        reverse("residents:detail", args=[resident.pk]),
        {"q": "dent"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert page.status_code == 200
    opened = Event.objects.get(resident_id=resident.pk, action=Action.OPENED_FROM_SEARCH)
    assert opened.ip_address == recorded


def test_a_list_shown_writes_for_each_resident_what_one_entry_would(grays, rf):
    """record_many (one INSERT for a list of residents) writes, for each, the entry `record`
    writes: who, their organisation, the action, the address, the details."""
    user = make_persona(Role.PARTNER, grays)
    first, second = ResidentFactory(), ResidentFactory()
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    one = record(actor=user, action=Action.VIEWED, resident_id=first.pk, request=request,
                 details={"page": "board"})  # fmt: skip
    record_many(actor=user, action=Action.VIEWED, resident_ids=[first.pk, second.pk],
                request=request, details={"page": "board"})  # fmt: skip
    record_many(actor=user, action=Action.VIEWED, resident_ids=[], request=request)
    fields = ["actor_id", "actor_name", "actor_organisation", "action", "object_type",
              "object_id", "reason", "ip_address", "details"]  # fmt: skip
    listed = Event.objects.exclude(pk=one.pk).order_by("pk")
    assert [e.resident_id for e in listed] == [first.pk, second.pk]
    expected = {name: getattr(Event.objects.get(pk=one.pk), name) for name in fields}
    assert expected["actor_organisation"]
    assert expected["ip_address"] == "203.0.113.9"
    for entry in listed:
        assert {name: getattr(entry, name) for name in fields} == expected
        assert abs((entry.at - one.at).total_seconds()) < 60
