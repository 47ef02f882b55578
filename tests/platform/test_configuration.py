"""Configuration comes from the environment; a bad value stops start-up with one clear line."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0f9e8d7c6b5a4f3e2d1c",
    "ALLOWED_HOSTS": "care.thurrock.example",
    "DATABASE_URL": "postgres://thurrock:secret@db.internal:5432/thurrock_care",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a "production" process.
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false, not 'maybe'"),
        ("DATABASE_URL", "not a url", "DATABASE_URL is not a valid database URL"),
        ("DATABASE_URL", "mysql://u@h/db", "DATABASE_URL must be a PostgreSQL URL"),
        ("DATABASE_URL", "postgres://u@h:notaport/db", "DATABASE_URL is not a valid database URL"),
        ("REDIS_URL", "http://localhost:6379", "REDIS_URL must start with redis://"),
        ("REDIS_URL", "redis://localhost:port/0", "REDIS_URL has an invalid port"),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number"),
        ("SECRET_KEY", "", "SECRET_KEY must be set when DEBUG is off"),
        ("TRUSTED_PROXY_COUNT", "one", "TRUSTED_PROXY_COUNT must be a whole number, not 'one'"),
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT must be 0 or more, not '-1'"),
    ],
)
def test_a_bad_value_stops_start_up_with_one_line_naming_the_variable(variable, value, message):
    result = run_manage("check", **{**PRODUCTION, variable: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {message}")
    assert variable in lines[0]


def test_a_missing_database_url_says_how_to_start():
    env = {**PRODUCTION}
    del env["DATABASE_URL"]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "make run" in result.stderr


@pytest.mark.parametrize(("value", "count"), [(None, 0), ("2", 2), (" 1 ", 1)])
def test_the_trusted_proxy_count_reaches_our_limits_and_allauth(value, count):
    env = {**PRODUCTION} if value is None else {**PRODUCTION, "TRUSTED_PROXY_COUNT": value}
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT)",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(count), str(count)]


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_development_settings_would_fail_check_deploy():
    """The deploy check is not vacuous: DEBUG on is reported."""
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "DEBUG": "true"}
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr + result.stdout
