"""E-mail backends that stand in for the mail server (which is outside the product) in tests."""

import json
import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class DisconnectingBackend(BaseEmailBackend):
    """A mail server that drops every connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class WorkerOutboxBackend(BaseEmailBackend):
    """For a worker in its own process: each message sent is a JSON file in $TEST_MAIL_DIR.

    While the number in that directory's `failures` file is above zero, a send takes one off
    it and fails as a dropped connection would. Every attempt adds a line to `attempts`.
    """

    def send_messages(self, email_messages):
        directory = Path(os.environ["TEST_MAIL_DIR"])
        with (directory / "attempts").open("a") as attempts:
            attempts.write(f"{time.time()}\n")
        failures = directory / "failures"
        left = int(failures.read_text()) if failures.exists() else 0
        if left > 0:
            failures.write_text(str(left - 1))
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        for message in email_messages:
            sent = {"to": message.to, "subject": message.subject, "body": message.body,
                    "html": _html(message), "attachments": _attachments(message)}  # fmt: skip
            path = directory / f"{time.time_ns()}.json"
            partial = path.with_suffix(".partial")  # renamed once whole: a reader never
            partial.write_text(json.dumps(sent))  # sees a message half written
            partial.replace(path)
        return len(email_messages)


def _html(message) -> str:
    """The HTML alternative of a message, if it has one."""
    return next((c for c, kind in getattr(message, "alternatives", []) if kind == "text/html"), "")


def _attachments(message) -> list[dict]:
    """Each attachment's name, type and first bytes (enough to know a PDF from a calendar)."""
    found = []
    for name, content, mimetype in message.attachments:
        raw = content if isinstance(content, bytes) else content.encode()
        found.append({"name": name, "type": mimetype, "starts": raw[:8].decode("latin-1")})
    return found


class ControlledOutboxBackend(WorkerOutboxBackend):
    """WorkerOutboxBackend, and a mail server whose pace the test sets through files in
    $TEST_MAIL_DIR: `pause` holds every send that many seconds before it is accepted; a send
    whose subject contains the text of `hang` writes `hanging` and then never finishes (the
    test kills the worker), before the message is accepted, or after it if `hang_after`
    exists (the server has it; the worker dies before it can say so)."""

    def send_messages(self, email_messages):
        directory = Path(os.environ["TEST_MAIL_DIR"])
        pause = directory / "pause"
        if pause.exists():
            time.sleep(float(pause.read_text()))
        hang = directory / "hang"
        text = hang.read_text() if hang.exists() else None
        hanging = text is not None and any(text in m.subject for m in email_messages)
        after = (directory / "hang_after").exists()
        if hanging and not after:
            self._hang(directory)
        sent = super().send_messages(email_messages)
        if hanging and after:
            self._hang(directory)
        return sent

    @staticmethod
    def _hang(directory: Path) -> None:
        (directory / "hanging").write_text(str(os.getpid()))
        while True:
            time.sleep(1)
