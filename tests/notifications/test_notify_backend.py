"""GOV.UK Notify as the e-mail backend (NOTIFICATIONS_EMAIL_BACKEND=notify). Notify is outside
the product: a small HTTP server on this machine stands in for its API, and the real client
(notifications-python-client) talks to it."""

import json
import socket
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.utils import timezone

from tests.notifications.conftest import send
from thurrock_care.notifications import delivery
from thurrock_care.notifications.backends import TransientError

pytestmark = pytest.mark.django_db

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
TEMPLATE_ID = str(uuid.uuid4())


class NotifyStandIn(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict]] = []  # (status, body), one per request; then 201


class Handler(BaseHTTPRequestHandler):
    server: NotifyStandIn

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.server.requests.append(
            {
                "path": self.path,
                "authorization": self.headers["Authorization"],
                "json": json.loads(self.rfile.read(length)),
            }
        )
        status, body = (
            self.server.answers.pop(0) if self.server.answers else (201, {"id": str(uuid.uuid4())})
        )
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def notify_api(settings):
    server = NotifyStandIn()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.NOTIFICATIONS_EMAIL_BACKEND = "notify"
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.NOTIFY_API_KEY = f"thurrock_care_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def due(coordinator, kinds):
    return send(
        coordinator, kind="test_alarm", link="/residents/possible-duplicates/",
        subject="A possible duplicate record to review", body="Record TC000001 may be TC000002.",
        dedupe_key="possible_duplicate:1:2", due_at=timezone.now() - timedelta(minutes=1),
    )  # fmt: skip


def test_an_e_mail_goes_to_notify_with_its_template_subject_and_body(
    notify_api, due, coordinator, settings, mailoutbox
):
    assert delivery.deliver_email(notification_id=due.pk, worker="w1") is True
    (request,) = notify_api.requests
    assert request["path"] == "/v2/notifications/email"
    sent = request["json"]
    assert sent["email_address"] == coordinator.email
    assert sent["template_id"] == TEMPLATE_ID
    assert sent["reference"] == "possible_duplicate:1:2"
    assert sent["personalisation"]["subject"] == "A possible duplicate record to review"
    body = sent["personalisation"]["body"]
    assert body.startswith("Record TC000001 may be TC000002.\n\nOpen it: ")
    assert f"{settings.SITE_URL}/residents/possible-duplicates/" in body
    # Signed with the key's secret, naming the key's service.
    token = request["authorization"].removeprefix("Bearer ")
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["iss"] == SERVICE_ID
    due.refresh_from_db()
    assert due.email_sent_at is not None
    assert mailoutbox == []  # Django's e-mail backend is not used


@pytest.mark.parametrize("status", [500, 503, 429])
def test_notify_down_or_busy_is_retried(notify_api, due, status):
    notify_api.answers.append((status, {"errors": [{"error": "Oops", "message": "Try later"}]}))
    with pytest.raises(TransientError, match=f"Notify answered {status}"):
        delivery.deliver_email(notification_id=due.pk, worker="w1")
    due.refresh_from_db()
    assert (due.email_claimed_at, due.email_failed_at, due.email_attempts) == (None, None, 1)
    # The retry goes through.
    assert delivery.deliver_email(notification_id=due.pk, worker="w1") is True
    assert len(notify_api.requests) == 2


def test_a_request_notify_refuses_is_not_retried(notify_api, due):
    error = {"error": "ValidationError", "message": "email_address Not a valid email address"}
    notify_api.answers.append((400, {"errors": [error]}))
    assert delivery.deliver_email(notification_id=due.pk, worker="w1") is False
    due.refresh_from_db()
    assert due.email_failed_at is not None
    assert "Notify refused it (400)" in due.email_last_error
    assert "Not a valid email address" in due.email_last_error
    assert delivery.deliver_email(notification_id=due.pk, worker="w1") is False
    assert len(notify_api.requests) == 1


def test_notify_out_of_reach_is_retried(notify_api, due, settings):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{port}"  # nothing listens there
    with pytest.raises(TransientError, match="Notify answered 503"):
        delivery.deliver_email(notification_id=due.pk, worker="w1")
