"""Personas and shared fixtures: one user per role, each with MFA set up."""

import json
import time
import uuid

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.cache import cache

from localities.models import Locality, Neighbourhood, Organisation
from localities.reference import load_localities
from tests.factories import OrganisationFactory, UserFactory, enrol_totp
from thurrock_care.accounts.models import Role

CACHE_PREFIX = f"test-{uuid.uuid4().hex[:8]}"


def pytest_configure(config):
    # Tests share Redis with anything else on it (a `make run` in another terminal, say), so
    # they keep their cache keys under their own prefix and clear only those.
    settings.CACHES["default"]["KEY_PREFIX"] = CACHE_PREFIX
    # Hashing every persona's password at full strength would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data, even in a reused test database that a transactional test flushed.

    Django empties every table between transactional tests with TRUNCATE, which the audit
    trail refuses unless the session allows it: the test database (only) allows it.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            name = connection.settings_dict["NAME"]
            cursor.execute(
                f"ALTER DATABASE \"{name}\" SET thurrock_care.allow_audit_truncate = 'on'"
            )
        connection.close()  # new sessions pick the setting up
        load_localities(Locality, Neighbourhood)


def ensure_reference_data() -> None:
    """The four localities and their neighbourhoods, as the migrations load them: a
    transactional test's flush takes them away from whatever runs after it."""
    if not Locality.objects.filter(slug="grays").exists():
        load_localities(Locality, Neighbourhood)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Every test that uses the database finds the reference data, whatever ran before it."""
    uses_database = request.node.get_closest_marker("django_db") is not None or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if uses_database:
        request.getfixturevalue("_django_db_helper")
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and used TOTP codes live in the cache: start every test without them."""
    yield
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Unit tests run tasks in-process, at once (an e-mail sent from a task lands in
    mail.outbox); tests with a real worker (marked `integration`) keep eager mode off so
    their tasks go through Redis to the worker. The app is configured already, so this sets
    its conf directly (override_settings would not reach it)."""
    from thurrock_care.celery import app

    eager = (
        request.node.get_closest_marker("integration") is None
        and "celery_worker" not in request.fixturenames
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows now for this secret."""
    return format_hotp_value(hotp_value(secret, int((at or time.time()) // 30)))


@pytest.fixture
def grays(db) -> Locality:
    if not Locality.objects.filter(slug="grays").exists():
        # A transactional test (browser, fuzzing, worker) starts after another one flushed
        # the database, reference data included.
        load_localities(Locality, Neighbourhood)
    return Locality.objects.get(slug="grays")


# The kind of organisation each persona works for.
PERSONA_ORGANISATIONS = {
    Role.PRACTITIONER: Organisation.Kind.ADULT_SOCIAL_CARE,
    Role.COORDINATOR: Organisation.Kind.ADULT_SOCIAL_CARE,
    Role.WELLBEING_WORKER: Organisation.Kind.CARE_PROVIDER,
    Role.PARTNER: Organisation.Kind.HOUSING,
    Role.MANAGER: Organisation.Kind.ADULT_SOCIAL_CARE,
    Role.ADMINISTRATOR: Organisation.Kind.ADULT_SOCIAL_CARE,
}


def make_persona(role: Role, locality: Locality | None, **fields) -> object:
    administrator = role == Role.ADMINISTRATOR
    fields.setdefault("organisation", OrganisationFactory(kind=PERSONA_ORGANISATIONS[role]))
    user = UserFactory(
        role=role,
        localities=[locality] if locality else [],
        is_staff=administrator,
        is_superuser=administrator,
        **fields,
    )
    user.totp_secret = enrol_totp(user)
    return user


@pytest.fixture
def practitioner(grays):
    return make_persona(Role.PRACTITIONER, grays)


@pytest.fixture
def coordinator(grays):
    return make_persona(Role.COORDINATOR, grays)


@pytest.fixture
def manager(db):
    return make_persona(Role.MANAGER, None)


@pytest.fixture
def personas(grays) -> dict:
    """One user of every role, MFA enrolled."""
    return {role: make_persona(role, grays) for role in Role}


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker in its own process, on its own queue, on the test database.

    Its e-mail goes to files in `mail_dir` (tests.mail_backends.WorkerOutboxBackend): see
    the `worker_outbox` fixture.
    """
    import os
    import subprocess
    import sys
    from types import SimpleNamespace

    from django.db import connection

    from thurrock_care.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    name = f"{queue}@localhost"
    db = connection.settings_dict
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(db),
        "EMAIL_BACKEND": "tests.mail_backends.WorkerOutboxBackend",
        "TEST_MAIL_DIR": str(mail_dir),
        "CELERY_QUEUE": queue,  # tasks the worker sends itself stay on its queue
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "thurrock_care", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "-Q", queue, "-n", name, "--loglevel=WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            assert process.poll() is None, "the Celery worker exited while starting"
            assert time.monotonic() < deadline, "the Celery worker did not start within 60 s"
        yield SimpleNamespace(queue=queue, name=name, mail_dir=mail_dir)
    finally:
        process.terminate()
        process.wait(30)


class WorkerOutbox:
    """What the worker's mail server received (and how it should misbehave)."""

    def __init__(self, worker) -> None:
        self.worker = worker
        self.dir = worker.mail_dir

    def clear(self) -> None:
        for path in self.dir.iterdir():
            path.unlink()

    def fail_next(self, count: int) -> None:
        """The next `count` sends fail as if the server dropped the connection."""
        (self.dir / "failures").write_text(str(count))

    @property
    def attempts(self) -> int:
        path = self.dir / "attempts"
        return len(path.read_text().splitlines()) if path.exists() else 0

    @property
    def messages(self) -> list[dict]:
        return [json.loads(path.read_text()) for path in sorted(self.dir.glob("*.json"))]

    def wait_for_messages(self, count: int = 1, timeout: float = 60) -> list[dict]:
        """The messages, once `count` have arrived and the worker has nothing left to do (so
        a duplicate would be here too)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"no {count} message(s) within {timeout} s"
            time.sleep(0.1)
        self.wait_until_idle(timeout)
        return self.messages

    def wait_until_idle(self, timeout: float = 60) -> None:
        """Wait until the worker has nothing running, reserved or waiting to retry."""
        from thurrock_care.celery import app

        deadline = time.monotonic() + timeout
        inspect = app.control.inspect(destination=[self.worker.name], timeout=1)
        while True:
            # A solo worker answers only between tasks: no answer means it is busy.
            replies = [inspect.active(), inspect.reserved(), inspect.scheduled()]
            if all(replies) and not any(tasks for reply in replies for tasks in reply.values()):
                return
            assert time.monotonic() < deadline, f"the worker was still busy after {timeout} s"
            time.sleep(0.2)


@pytest.fixture
def worker_outbox(celery_worker):
    """Tasks this test enqueues go to the real worker; its e-mail is read from here."""
    from thurrock_care.celery import app

    outbox = WorkerOutbox(celery_worker)
    outbox.clear()
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = celery_worker.queue
    yield outbox
    app.conf.task_default_queue = previous
    outbox.wait_until_idle()  # nothing of this test's is left to land in the next one's
    outbox.clear()


def database_url(db: dict) -> str:
    """A URL for the database the tests use, for processes they start."""
    from urllib.parse import quote

    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    options = db.get("OPTIONS", {})
    query = f"?host={quote(options['host'])}" if options.get("host") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}{query}"
