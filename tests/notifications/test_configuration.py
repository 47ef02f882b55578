"""The notification settings come from the environment; a wrong one stops start-up with one
line naming it (GOV.UK Notify needs its key and template)."""

import uuid

import pytest

from tests.platform.test_configuration import PRODUCTION, run_manage

NOTIFY = {
    "NOTIFICATIONS_EMAIL_BACKEND": "notify",
    "NOTIFY_API_KEY": f"thurrock_care-{uuid.uuid4()}-{uuid.uuid4()}",
    "NOTIFY_TEMPLATE_ID": str(uuid.uuid4()),
}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NOTIFICATIONS_EMAIL_BACKEND": "smtp"},
         "NOTIFICATIONS_EMAIL_BACKEND must be one of django, notify, not 'smtp'"),
        ({**NOTIFY, "NOTIFY_API_KEY": ""}, "NOTIFY_API_KEY must be a GOV.UK Notify API key"),
        ({**NOTIFY, "NOTIFY_API_KEY": "secret"}, "NOTIFY_API_KEY must be a GOV.UK Notify API key"),
        ({**NOTIFY, "NOTIFY_TEMPLATE_ID": "welcome"},
         "NOTIFY_TEMPLATE_ID must be the id of a GOV.UK Notify template"),
        ({"NOTIFICATIONS_CLAIM_LEASE": "0"}, "NOTIFICATIONS_CLAIM_LEASE must be 1 or more"),
        ({"NOTIFICATIONS_MAX_ATTEMPTS": "many"},
         "NOTIFICATIONS_MAX_ATTEMPTS must be a whole number, not 'many'"),
    ],
)  # fmt: skip
def test_a_wrong_notification_setting_stops_start_up_with_one_line(env, message):
    result = run_manage("check", **{**PRODUCTION, **env})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {message}")


def test_notify_with_its_key_and_template_starts():
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.NOTIFY_TEMPLATE_ID)",
        **{**PRODUCTION, **NOTIFY},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == NOTIFY["NOTIFY_TEMPLATE_ID"]
