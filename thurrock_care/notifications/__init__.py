"""Notifications: what the product tells a person, in the app and (if they want) by e-mail.

Each feature app registers the kinds it sends in its AppConfig.ready, the way it registers its
kinds of involvement with thurrock_care.access:

    from thurrock_care import notifications

    notifications.register_kind(notifications.Kind(
        name="break_glass",
        label="Someone used break-glass to open a record in your locality",
        urgent=True,
        audience=access.reviews_records,
    ))

and sends one with `thurrock_care.notifications.services.notify` (see docs/notifications.md).
This module holds only the registry: it imports no model, so an app may use it while Django is
still loading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User
    from thurrock_care.notifications.models import Notification


@dataclass(frozen=True)
class Kind:
    """One kind of notification."""

    name: str  # stored with each notification and each preference; never rename one
    label: str  # on the settings page, beside its e-mail checkbox
    urgent: bool = False  # e-mailed at once, even in quiet hours (20:00 to 07:00 UK time)
    email_by_default: bool = True  # e-mailed unless the person turns it off
    action: str = "Open it"  # the words before the link in the e-mail
    # Who may receive it (their settings page offers it); None: everyone.
    audience: Callable[[User], bool] | None = None
    # Files its e-mail carries (an MDT's calendar invitation): (file name, content, MIME
    # type) for a notification, computed when the e-mail is composed. Django's e-mail only.
    attachments: Callable[[Notification], Sequence[tuple[str, str | bytes, str]]] | None = None
    # An HTML version of its e-mail (the monthly digest), beside the text one. Django's only.
    html: Callable[[Notification], str] | None = None

    def reaches(self, user: User) -> bool:
        return self.audience is None or self.audience(user)


_kinds: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    """Add a kind (call from an app's AppConfig.ready). The same kind twice is fine; two
    different kinds with one name are a mistake."""
    existing = _kinds.get(kind.name)
    if existing is not None and existing != kind:
        raise ValueError(f"Another notification kind is already called {kind.name!r}.")
    _kinds[kind.name] = kind
    return kind


def get_kind(name: str) -> Kind:
    try:
        return _kinds[name]
    except KeyError:
        raise ValueError(f"Unknown notification kind {name!r}: register it first.") from None


def kinds() -> list[Kind]:
    """Every registered kind, in the order they were registered."""
    return list(_kinds.values())
