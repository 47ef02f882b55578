"""Reading configuration from the environment: safe defaults, loud failures.

Every helper stops start-up with one line naming the variable when its value is wrong, so
a typo in a deployment is found at once rather than as odd behaviour later.
"""

import os
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class ConfigError(SystemExit):
    """Raised for a bad environment value; exits with a one-line message."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"Configuration error: {name} {problem}")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigError(name, f"must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(name, f"must be {minimum} or more, not {raw!r}")
    return value


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = env_str(name, default) or default
    if value not in choices:
        raise ConfigError(name, f"must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str = "DATABASE_URL") -> dict[str, Any]:
    raw = env_str(name)
    if not raw:
        raise ConfigError(
            name,
            "is not set: start the app with 'make run' (which starts an embedded PostgreSQL) "
            "or point it at a server, e.g. postgres://user:password@host:5432/thurrock_care",
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception:
        raise ConfigError(
            name, "is not a valid database URL (expected postgres://user:password@host:port/name)"
        ) from None
    if config["ENGINE"] != "django.db.backends.postgresql" or not config.get("NAME"):
        raise ConfigError(name, "must be a PostgreSQL URL naming a database (postgres://…/name)")
    return dict(config)


def env_redis(name: str = "REDIS_URL") -> str:
    raw = env_str(name)
    if not raw:
        raise ConfigError(
            name,
            "is not set: start the app with 'make run' (which starts an embedded Redis) "
            "or point it at a server, e.g. redis://localhost:6379/0",
        )
    parts = urlsplit(raw)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(name, "must start with redis://, rediss:// or unix://")
    if parts.scheme == "unix" and not parts.path:
        raise ConfigError(name, "must give the socket path, e.g. unix:///path/redis.sock")
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError(name, "must name a host, e.g. redis://localhost:6379/0")
    try:
        parts.port  # noqa: B018 - reading it validates it
    except ValueError:
        raise ConfigError(name, "has an invalid port") from None
    return raw


def celery_broker_url(redis_url: str) -> str:
    """Kombu spells a Unix-socket Redis differently from redis-py."""
    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        return f"redis+socket://{parts.path}" + (f"?{parts.query}" if parts.query else "")
    return redis_url
