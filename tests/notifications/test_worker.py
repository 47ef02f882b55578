"""Exactly once in effect, with real workers: each test starts its own worker processes (so it
can pace their mail server and kill them) on a queue of its own, on the test database, with a
claim lease of LEASE seconds and quick retries.

- the send task twice at the same moment for one notification: one e-mail;
- two sweeps at once (two beats) over a batch: each e-mailed once;
- a worker killed mid-batch, then a new one: the rest are sent, each once, except the
  documented window (killed after the mail server took the message: that one twice).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tests.conftest import WorkerOutbox, database_url
from tests.notifications.conftest import send
from thurrock_care.celery import app
from thurrock_care.notifications.models import Notification
from thurrock_care.notifications.tasks import send_email, sweep

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LEASE = 3  # seconds


def start_worker(*, queue: str, mail_dir: Path, concurrency: int = 1) -> SimpleNamespace:
    """A Celery worker process (solo, or prefork with `concurrency` children) on `queue`,
    whose mail goes to files in `mail_dir` (tests.mail_backends.ControlledOutboxBackend)."""
    name = f"{queue}-{uuid.uuid4().hex[:4]}@localhost"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "EMAIL_BACKEND": "tests.mail_backends.ControlledOutboxBackend",
        "TEST_MAIL_DIR": str(mail_dir),
        "CELERY_QUEUE": queue,  # what the worker sends itself (the sweep's sends) stays here
        "NOTIFICATIONS_CLAIM_LEASE": str(LEASE),
        "NOTIFICATIONS_RETRY_BACKOFF": "1",
    }
    pool = ["--pool=solo"] if concurrency == 1 else ["--pool=prefork", f"-c{concurrency}"]
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "thurrock_care", "worker", *pool,
         "--without-gossip", "--without-mingle", "-Q", queue, "-n", name, "--loglevel=WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=0.5):
        assert process.poll() is None, "the Celery worker exited while starting"
        assert time.monotonic() < deadline, "the Celery worker did not start within 60 s"
    return SimpleNamespace(process=process, name=name, mail_dir=mail_dir)


def stop(worker: SimpleNamespace) -> None:
    if worker.process.poll() is None:
        worker.process.terminate()
        worker.process.wait(30)


@pytest.fixture
def queue():
    """This test's tasks go to a queue of its own."""
    name = f"test-notifications-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = previous


@pytest.fixture(scope="module")
def prefork_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A worker that runs two tasks at the same time (two processes), for this module."""
    queue = f"test-notifications-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        worker = start_worker(queue=queue, mail_dir=tmp_path_factory.mktemp("mail"), concurrency=2)
    worker.queue = queue
    yield worker
    stop(worker)


@pytest.fixture
def two_at_once(prefork_worker):
    """Tasks this test sends go to the two-at-once worker; its e-mail is read from here."""
    outbox = WorkerOutbox(prefork_worker)
    outbox.clear()
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = prefork_worker.queue
    yield outbox
    app.conf.task_default_queue = previous
    outbox.wait_until_idle()
    outbox.clear()


def wait_until(moment) -> None:
    time.sleep(max(0, (moment - timezone.now()).total_seconds()) + 0.05)


def subjects(outbox: WorkerOutbox) -> Counter:
    return Counter(message["subject"] for message in outbox.messages)


def test_the_send_task_twice_at_once_sends_one_e_mail(coordinator, two_at_once):
    outbox = two_at_once
    (outbox.dir / "pause").write_text("1")  # each send takes a second: the two overlap
    due = timezone.now() + timedelta(seconds=1)  # not enqueued by notify: due later
    notification = send(coordinator, kind="break_glass", subject="Once only", due_at=due)
    wait_until(due)
    tasks = [send_email.delay(notification_id=notification.pk) for _ in range(2)]
    outcomes = [task.get(timeout=30) for task in tasks]
    assert sorted(outcomes) == [False, True]
    # The one that did nothing finished while the other was still sending: they overlapped.
    loser, winner = sorted(tasks, key=lambda task: task.get())
    assert loser.date_done < winner.date_done
    assert [m["to"] for m in outbox.wait_for_messages(1)] == [[coordinator.email]]
    assert outbox.attempts == 1  # the mail server was asked once
    notification.refresh_from_db()
    assert notification.email_sent_at is not None
    assert notification.email_attempts == 1


def test_two_sweeps_at_once_send_each_of_a_batch_once(coordinator, two_at_once):
    outbox = two_at_once
    (outbox.dir / "pause").write_text("0.1")
    due = timezone.now() + timedelta(seconds=1)
    batch = [
        send(coordinator, kind="break_glass", subject=f"Batch {n}", due_at=due) for n in range(8)
    ]
    wait_until(due)
    beats = [sweep.delay(), sweep.delay()]  # two beats, each sending the sweep at once
    found = [beat.get(timeout=30) for beat in beats]
    outbox.wait_for_messages(len(batch))
    assert subjects(outbox) == Counter(n.subject for n in batch)
    assert outbox.attempts == len(batch)
    # Between them the two sweeps took each once: the second skipped what the first held or
    # had marked queued (were one taken twice, its claim would still let one task send it).
    assert sum(found) == len(batch)
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()
    # And a third sweep later finds nothing to do.
    assert sweep.delay().get(timeout=30) == 0


@pytest.mark.parametrize(
    "killed",
    [
        "while sending",  # the mail server had not taken it: sent once, by the next worker
        "after the mail server took it",  # the documented window: sent twice
    ],
)
def test_a_worker_killed_mid_batch_and_a_new_one_send_the_rest(
    coordinator, queue, tmp_path, killed
):
    (tmp_path / "hang").write_text("Batch 3 of 5")
    if killed == "after the mail server took it":
        (tmp_path / "hang_after").touch()
    first = start_worker(queue=queue, mail_dir=tmp_path)
    outbox = WorkerOutbox(first)
    try:
        batch = [
            send(coordinator, kind="break_glass", subject=f"Batch {n} of 5") for n in range(1, 6)
        ]  # each enqueued as it is committed
        deadline = time.monotonic() + 30
        while not (tmp_path / "hanging").exists():
            assert time.monotonic() < deadline, "the worker never reached the third e-mail"
            time.sleep(0.05)
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(30)
    finally:
        stop(first)
    third = Notification.objects.get(subject="Batch 3 of 5")
    assert third.email_claimed_at is not None
    assert third.email_sent_at is None
    before = {"Batch 1 of 5": 1, "Batch 2 of 5": 1}
    if killed == "after the mail server took it":
        before["Batch 3 of 5"] = 1
    assert subjects(outbox) == Counter(before)

    (tmp_path / "hang").unlink()
    second = start_worker(queue=queue, mail_dir=tmp_path)
    outbox = WorkerOutbox(second)
    try:
        # The new worker takes what was still queued; the third waits for its lease.
        outbox.wait_for_messages(sum(before.values()) + 2)
        third.refresh_from_db()
        assert third.email_sent_at is None
        wait_until(third.email_claimed_at + timedelta(seconds=LEASE))
        assert sweep.delay().get(timeout=30) == 1  # the beat's sweep finds it
        expected = Counter({n.subject: 1 for n in batch})
        if killed == "after the mail server took it":
            expected["Batch 3 of 5"] = 2  # at least once, in that window
        outbox.wait_for_messages(sum(expected.values()))
        assert subjects(outbox) == expected
    finally:
        stop(second)
    third.refresh_from_db()
    assert third.email_sent_at is not None
    assert third.email_attempts == 2
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()
