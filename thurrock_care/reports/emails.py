"""The monthly digest by e-mail: a notification kind that members of a locality choose to get
(off unless they turn it on), HTML with the text beside it, the PDF attached."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string

from thurrock_care import access
from thurrock_care.notifications import Kind

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User
    from thurrock_care.notifications.models import Notification
    from thurrock_care.reports.models import Digest


def works_in_a_locality(user: User) -> bool:
    return access.is_active(user) and user.localities.exists()


def _digest(notification: Notification) -> Digest:
    from thurrock_care.reports.models import Digest

    digest_id = int(notification.dedupe_key.split(":")[1])  # "digest:<id>:<recipient id>"
    return Digest.objects.select_related("locality").get(pk=digest_id)


def attachments(notification: Notification) -> list[tuple[str, str | bytes, str]]:
    digest = _digest(notification)
    name = f"ilt-digest-{digest.locality.slug}-{digest.month:%Y-%m}.pdf"
    return [(name, bytes(digest.pdf), "application/pdf")]


def html(notification: Notification) -> str:
    from thurrock_care.reports.periods import Period

    digest = _digest(notification)
    return render_to_string("reports/email_digest.html", {
        "digest": digest, "locality": digest.locality, "period": Period.month(digest.month),
        "figures": digest.figures, "changes": digest.changes,
        "sources": digest.changes.get("sources", {}),
        "url": settings.SITE_URL + notification.link,
    })  # fmt: skip


MONTHLY_DIGEST = Kind(
    name="monthly_digest",
    label="Your ILT's monthly digest (with the PDF)",
    action="Read it in Thurrock Care",
    email_by_default=False,  # members opt in on their settings page
    audience=works_in_a_locality,
    attachments=attachments,
    html=html,
)
