"""notify(): one notification per de-duplication key, however often and however concurrently
it is asked for; e-mail as each person chose per kind (in the app always)."""

import threading

import pytest
from django.db import connection

from mdt.notifications import KINDS as MDT_KINDS
from tests.conftest import make_persona
from tests.notifications.conftest import send, uk
from thurrock_care.accounts.models import Role
from thurrock_care.notifications import delivery, services
from thurrock_care.notifications.models import Notification, Preference

NOON = uk(2030, 1, 15, 12, 0)
LATE = uk(2030, 1, 15, 22, 30)
NEXT_MORNING = uk(2030, 1, 16, 7, 0)


@pytest.mark.django_db
def test_the_same_key_twice_makes_one_notification_and_one_e_mail(
    coordinator, kinds, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = send(coordinator, kind="test_alarm", dedupe_key="meeting:7:reminder")
        second = send(coordinator, kind="test_alarm", dedupe_key="meeting:7:reminder",
                      subject="Asked again")  # fmt: skip
    assert first == second
    assert Notification.objects.get().subject == first.subject
    assert [m.subject for m in mailoutbox] == [first.subject]
    assert mailoutbox[0].to == [coordinator.email]
    assert Notification.objects.get().email_sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_same_key_from_five_requests_at_once_makes_one_notification_and_one_e_mail(
    coordinator, kinds, mailoutbox
):
    """Each thread has its own connection and transaction, as five web processes would; the
    tasks run in-process when each commits."""
    barrier = threading.Barrier(5)
    made, errors = [], []

    def request() -> None:
        try:
            barrier.wait()
            made.append(send(coordinator, kind="test_alarm", dedupe_key="at:once").pk)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(made)) == 1
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_e_mail_is_on_by_default_unless_the_kind_says_otherwise(coordinator, kinds):
    reminder = send(coordinator, kind="test_reminder", due_at=NOON)
    digest = send(coordinator, kind="test_digest", due_at=NOON)
    assert reminder.email_due_at == NOON
    assert digest.email_due_at is None  # in the app only
    assert set(Notification.objects.inbox_of(coordinator, now=NOON)) == {reminder, digest}


@pytest.mark.django_db
def test_each_person_chooses_e_mail_per_kind(coordinator, kinds, mailoutbox,
                                             django_capture_on_commit_callbacks):  # fmt: skip
    services.set_email_preferences(user=coordinator, email=["test_digest", "test_alarm"])
    # Every kind that reaches a coordinator is written down, on or off.
    assert dict(Preference.objects.values_list("kind", "email")) == {
        "break_glass": False, "possible_duplicate": False, "follow_up_due": False,
        "test_reminder": False, "test_digest": True, "test_alarm": True,
        **{kind.name: False for kind in MDT_KINDS},  # the MDT app's reach coordinators too
        "monthly_digest": False,  # as does their ILT's digest
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        reminder = send(coordinator, kind="test_reminder")
        alarm = send(coordinator, kind="test_alarm")
    assert reminder.email_due_at is None
    assert [m.subject for m in mailoutbox] == [alarm.subject]
    # Someone else's choice is theirs alone.
    other = make_persona(Role.COORDINATOR, None)
    assert send(other, kind="test_reminder", due_at=NOON).email_due_at == NOON
    assert services.emailed_kinds(coordinator)[-2:] == ["test_digest", "test_alarm"]


@pytest.mark.django_db
def test_turning_e_mail_off_stops_an_e_mail_held_for_quiet_hours(coordinator, kinds):
    held = send(coordinator, due_at=LATE)
    assert held.email_due_at is not None
    services.set_email_preferences(user=coordinator, email=[])
    assert delivery.take_lost(now=NEXT_MORNING) == []
    held.refresh_from_db()
    assert held.email_due_at is None
    assert list(Notification.objects.inbox_of(coordinator, now=NEXT_MORNING)) == [held]


@pytest.mark.django_db
def test_nobody_is_e_mailed_once_their_account_is_switched_off(coordinator, kinds):
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    assert send(coordinator, kind="test_alarm").email_due_at is None


@pytest.mark.django_db
def test_a_kind_must_be_registered_and_a_link_must_be_a_path_in_the_product(coordinator, kinds):
    with pytest.raises(ValueError, match="Unknown notification kind 'nonsense'"):
        send(coordinator, kind="nonsense")
    for link in ("https://elsewhere.example/", "//elsewhere.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="a path in Thurrock Care"):
            send(coordinator, link=link)
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_long_or_multi_line_subject_is_one_line_that_fits(coordinator, kinds):
    notification = send(coordinator, subject="Line one\nline two " + "x" * 300)
    assert notification.subject.startswith("Line one line two x")
    assert len(notification.subject) == 200


@pytest.mark.django_db
def test_one_may_only_choose_kinds_that_reach_one(practitioner, kinds):
    from localities.notifications import BREAK_GLASS

    with pytest.raises(ValueError, match="break_glass"):
        services.set_email_preferences(user=practitioner, email=[BREAK_GLASS.name])


def test_registering_another_kind_under_a_name_in_use_is_refused(kinds):
    from thurrock_care import notifications

    notifications.register_kind(kinds["reminder"])  # the same again is fine
    with pytest.raises(ValueError, match="already called 'test_reminder'"):
        notifications.register_kind(notifications.Kind(name="test_reminder", label="Other"))


@pytest.mark.django_db
def test_notify_many_keeps_notify_s_guarantees_in_two_queries(
    coordinator, kinds, mailoutbox, django_capture_on_commit_callbacks
):
    """Each recipient's own choice of e-mail, a key already used skipped (and not returned), a
    key asked for twice made once; the e-mails enqueued together once it commits."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiet = make_persona(Role.COORDINATOR, None)
    services.set_email_preferences(user=quiet, email=[])
    first = send(coordinator, dedupe_key="used:1")
    notices = [
        services.Notice(recipient=who, subject=f"N{i}", body="b", dedupe_key=f"many:{i}")
        for i, who in enumerate([coordinator, quiet, coordinator])
    ]
    notices += [services.Notice(recipient=coordinator, subject="Again", body="b",
                                dedupe_key="used:1")] * 2  # fmt: skip
    past_noon = uk(2025, 1, 15, 12, 0)  # due already: e-mailed at once
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        CaptureQueriesContext(connection) as queries,
    ):
        made = services.notify_many(kind="test_reminder", notices=notices, due_at=past_noon)
    assert [n.subject for n in made] == ["N0", "N1", "N2"]
    assert [n.email_due_at for n in made] == [past_noon, None, past_noon]
    assert Notification.objects.get(dedupe_key="used:1").subject == first.subject
    assert [n.pk for n in made] == list(
        Notification.objects.filter(dedupe_key__startswith="many:").order_by("pk").values_list(
            "pk", flat=True)
    )  # fmt: skip
    assert len([q for q in queries if "SAVEPOINT" not in q["sql"]]) == 2
    assert len(callbacks) == 1
    assert sorted(m.subject for m in mailoutbox) == ["N0", "N2"]  # not the quiet one
    late = services.notify_many(
        kind="test_reminder",
        notices=[
            services.Notice(recipient=coordinator, subject="Late", body="b", dedupe_key="late:1")
        ],
        due_at=LATE,
    )
    assert late[0].email_due_at == NEXT_MORNING  # quiet hours
