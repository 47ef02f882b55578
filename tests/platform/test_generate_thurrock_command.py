"""The command itself: generates into an empty database, printing rows and time per table."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from localities.models import Resident
from thurrock_care.synthetic import SCALES
from wellbeing_teams.models import Visit

pytestmark = pytest.mark.django_db


def test_generates_the_small_scale_and_reports_each_table():
    out = StringIO()
    call_command(
        "generate_thurrock", "--scale", "small", "--seed", "3",
        "--now", "2026-11-24T10:00+00:00", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert Resident.objects.count() == SCALES["small"].residents
    assert Visit.objects.count() == SCALES["small"].visits
    for line in ("2,000 residents", "20,000 visits", "57,000 audit_events", "total"):
        assert line in text
    assert text.count(" s\n") >= 11  # a time for every table


def test_a_moment_without_a_time_zone_is_refused():
    with pytest.raises(CommandError, match="time zone"):
        call_command("generate_thurrock", "--now", "2026-11-24T10:00")


def test_a_row_pointing_at_nothing_is_found_after_a_fast_load(django_user_model):
    """The fast load checks foreign keys after it, one anti-join per key: a dangling one is
    reported (and the generation would be rolled back)."""
    from django.db import connection

    from thurrock_care.notifications.models import Notification
    from thurrock_care.synthetic.copying import orphans

    assert orphans(Notification) == []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "INSERT INTO notifications_notification (recipient_id, kind, subject, body, link, "
            "dedupe_key, created_at, due_at, email_claimed_by, email_attempts, email_last_error) "
            "VALUES (987654321, 'k', 's', '', '', 'dangling', now(), now(), '', 0, '')"
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert orphans(Notification) == [
        "notifications_notification.recipient_id: 1 rows point at no accounts_user"
    ]
