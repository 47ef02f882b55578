"""/healthz's warnings registry (thurrock_care/health.py): apps register warnings; one that
fails is logged and left out, never a failed health check."""

import pytest

from thurrock_care import health


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(health, "_warnings", [])


def test_registered_warnings_that_apply_are_shown(registry):
    health.register_warning(lambda: "Renew the certificate")
    health.register_warning(lambda: None)
    assert health.warnings() == ["Renew the certificate"]


def test_a_failing_warning_is_logged_and_left_out(registry, caplog):
    def broken() -> str:
        raise RuntimeError("no data")

    health.register_warning(broken)
    health.register_warning(lambda: "Still shown")
    assert health.warnings() == ["Still shown"]
    assert "Health warning 'broken' failed" in caplog.text
