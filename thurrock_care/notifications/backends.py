"""Where notification e-mails go: Django's e-mail backend (EMAIL_BACKEND: SMTP in production,
the console in development) or GOV.UK Notify, chosen by NOTIFICATIONS_EMAIL_BACKEND.

Each backend sorts what goes wrong into two: `TransientError` (the mail server or Notify is
down, slow or busy: try again later) and `PermanentError` (the address is refused, the request
is wrong: waiting will not help).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

logger = logging.getLogger(__name__)

# A send that takes longer than this is abandoned (and retried). It must stay well below the
# claim's lease (NOTIFICATIONS_CLAIM_LEASE), or a slow send could be taken over and sent twice.
SEND_TIMEOUT = 30


class TransientError(Exception):
    """The e-mail could not be sent now; it may be sent later."""


class PermanentError(Exception):
    """The e-mail cannot be sent, however long we wait."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    reference: str  # the notification's de-duplication key (Notify shows it)
    attachments: tuple[tuple[str, str | bytes, str], ...] = ()  # (file name, content, MIME type)
    html: str = ""  # an HTML alternative to `body`, if the kind has one


def send(email: Email) -> None:
    if settings.NOTIFICATIONS_EMAIL_BACKEND == "notify":
        send_by_notify(email)
    else:
        send_by_django(email)


def send_by_django(email: Email) -> None:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        connection=get_connection(timeout=SEND_TIMEOUT),
        headers={"Auto-Submitted": "auto-generated"},  # no out-of-office replies, please
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for name, content, mimetype in email.attachments:
        message.attach(name, content, mimetype)
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        raise PermanentError(f"The mail server refused the address: {error}") from error
    except smtplib.SMTPResponseException as error:
        # 5xx answers are final, except a refused sign-in (a setting to fix, then retry).
        final = 500 <= error.smtp_code < 600
        if final and not isinstance(error, smtplib.SMTPAuthenticationError):
            raise PermanentError(f"The mail server refused the message: {error}") from error
        raise TransientError(f"The mail server answered {error.smtp_code}: {error}") from error
    except OSError as error:  # includes every other SMTPException and dropped connections
        raise TransientError(f"The mail server could not be reached: {error!r}") from error


def send_by_notify(email: Email) -> None:
    """Through GOV.UK Notify's API, with one template whose subject is ((subject)) and whose
    body is ((body)) (NOTIFY_TEMPLATE_ID)."""
    from notifications_python_client.errors import HTTPError, InvalidResponse
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=SEND_TIMEOUT
    )
    try:
        client.send_email_notification(
            email_address=email.to,
            template_id=settings.NOTIFY_TEMPLATE_ID,
            personalisation={"subject": email.subject, "body": email.body},
            reference=email.reference,
        )
    except InvalidResponse:
        # Notify said yes (2xx) in a body we cannot read: it has the e-mail. Sending it again
        # would send it twice.
        logger.warning("Notify accepted %s with an unreadable answer", email.reference)
    except HTTPError as error:
        # A timeout or a lost connection comes as a 503 from the client.
        if error.status_code >= 500 or error.status_code == 429:
            raise TransientError(f"Notify answered {error.status_code}: {error.message}") from error
        raise PermanentError(f"Notify refused it ({error.status_code}): {error.message}") from error
