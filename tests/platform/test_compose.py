"""docker-compose.yml validates and describes the production-like deployment.

There is no container engine on the test machine, so the compose client validates the file
and prints the resolved configuration, which the tests then read.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings


def compose_config(tmp_path: Path, env: str) -> subprocess.CompletedProcess:
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose is missing: `make setup` installs it"
    shutil.copy(settings.BASE_DIR / "docker-compose.yml", tmp_path)
    (tmp_path / ".env").write_text(env)
    return subprocess.run(
        [compose, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def config(tmp_path):
    result = compose_config(
        tmp_path, "SECRET_KEY=a-long-random-secret\nALLOWED_HOSTS=care.example.org\n"
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_services_with_health_checks(config):
    services = config["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_application_waits_for_healthy_database_and_migration(config):
    for name in ("web", "worker", "beat"):
        depends = config["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_exactly_one_beat_and_production_settings(config):
    services = config["services"]
    beats = [name for name, s in services.items() if "beat" in (s.get("command") or [])]
    assert beats == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["web"]["command"][0] == "gunicorn"
    env = services["web"]["environment"]
    assert env["DEBUG"] == "false"
    assert env["SECRET_KEY"] == "a-long-random-secret"
    assert env["DATABASE_URL"].startswith("postgres://thurrock_care:")
    assert env["REDIS_URL"] == "redis://redis:6379/0"


def test_missing_secret_key_stops_with_a_clear_message(tmp_path):
    result = compose_config(tmp_path, "ALLOWED_HOSTS=care.example.org\n")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_the_app_trusts_one_proxy_unless_told_otherwise(config, tmp_path):
    for name in ("web", "worker", "beat", "migrate"):
        assert config["services"][name]["environment"]["TRUSTED_PROXY_COUNT"] == "1", name
    result = compose_config(
        tmp_path,
        "SECRET_KEY=s\nALLOWED_HOSTS=care.example.org\nTRUSTED_PROXY_COUNT=2\n"
        "WEB_PORT=127.0.0.1:8000\n",
    )
    assert result.returncode == 0, result.stderr
    web = yaml.safe_load(result.stdout)["services"]["web"]
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "2"
    # The port can be published to the proxy on the same host only (docs/deploy.md).
    (port,) = web["ports"]
    assert str(port).startswith("127.0.0.1:8000") or port["host_ip"] == "127.0.0.1"
