"""Personas and shared fixtures: one user per role, each with MFA set up."""

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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and used TOTP codes live in the cache: start every test without them."""
    yield
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000))
    if keys:
        client.delete(*keys)


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
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker in its own process, on its own queue, on the test database."""
    import os
    import subprocess
    import sys
    from types import SimpleNamespace

    from django.db import connection

    from thurrock_care.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    name = f"{queue}@localhost"
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": database_url(db)}
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
        yield SimpleNamespace(queue=queue, name=name)
    finally:
        process.terminate()
        process.wait(30)


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
