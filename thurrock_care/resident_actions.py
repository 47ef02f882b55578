"""Links a feature app puts on a resident's page ("Log a conversation", "Request an MDT"),
without localities importing it: each app registers its actions from its AppConfig.ready,

    resident_actions.register_action(
        "log_conversation",
        label="Log a conversation",
        url=lambda resident_id: reverse("introductions:conversation_create", args=[resident_id]),
        shown_to=access.sees_named_residents,
        order=10,
    )

and the resident's page renders those for the user with `{% resident_actions resident %}`
(thurrock_care/templatetags/resident_actions.py). `shown_to(user)` is a role check and `url`
is made with `reverse`: no query. The page is already behind the need-to-know gate; the page
an action leads to applies its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

from thurrock_care import access

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    url: Callable[[int], str]
    shown_to: Callable[[User], bool]
    order: int
    primary: bool


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    primary: bool


_actions: dict[str, Action] = {}


def register_action(
    name: str,
    *,
    label: str,
    url: Callable[[int], str],
    shown_to: Callable[[User], bool] = access.sees_named_residents,
    order: int = 100,
    primary: bool = False,
) -> None:
    action = Action(name=name, label=label, url=url, shown_to=shown_to, order=order,
                    primary=primary)  # fmt: skip
    existing = _actions.get(name)
    if existing is not None and (existing.label, existing.order) != (label, order):
        raise ImproperlyConfigured(f"Resident action {name!r} is already registered.")
    _actions[name] = action


def unregister_action(name: str) -> None:
    """Take an action away again (for tests)."""
    _actions.pop(name, None)


def links_for(user: User, resident_id: int) -> list[Link]:
    """The actions this user is offered on this resident's page, in order."""
    chosen = sorted(
        (action for action in _actions.values() if action.shown_to(user)),
        key=lambda action: (action.order, action.name),
    )
    return [Link(label=a.label, url=a.url(resident_id), primary=a.primary) for a in chosen]
