"""Kinds of notification registered for a test only, and a quick way to send one."""

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from thurrock_care import notifications
from thurrock_care.notifications.services import notify

_keys = itertools.count()
UK = ZoneInfo("Europe/London")


def uk(*args: int) -> datetime:
    """A time on UK clocks: uk(2030, 1, 15, 22, 30)."""
    return datetime(*args, tzinfo=UK)


@pytest.fixture
def kinds():
    """Three kinds for the test (taken out of the registry again afterwards): `reminder`
    (e-mailed by default), `digest` (not e-mailed unless chosen) and `alarm` (urgent)."""
    added = [
        notifications.Kind(name="test_reminder", label="Reminders"),
        notifications.Kind(name="test_digest", label="Digests", email_by_default=False),
        notifications.Kind(name="test_alarm", label="Alarms", urgent=True),
    ]
    for kind in added:
        notifications.register_kind(kind)
    yield {kind.name.removeprefix("test_"): kind for kind in added}
    for kind in added:
        notifications._kinds.pop(kind.name)


def send(recipient, kind="test_reminder", **fields):
    """notify() with a fresh de-duplication key and a subject, unless given."""
    fields.setdefault("subject", f"Notification {next(_keys)}")
    fields.setdefault("body", "Something happened.")
    fields.setdefault("dedupe_key", f"test:{next(_keys)}")
    return notify(recipient=recipient, kind=kind, **fields)
