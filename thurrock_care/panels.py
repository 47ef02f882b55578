"""The home page's panels: what each app puts on the home page, for whom.

The home page (thurrock_care/views.py `home`) knows no app: it greets the user by role and
shows, in order, the panels registered for them. Each app registers its panels from its
`AppConfig.ready` (see docs/timeline-and-panels.md):

    panels.register_panel(
        "waiting_to_join",
        template="localities/_home_waiting_to_join.html",
        shown_to=access.reviews_records,
        context=waiting_to_join,
        order=30,
    )

`shown_to(user)` is a role check (no query); `context(user)` gives the panel's template what
it shows, in a fixed number of queries whatever there is to count; `order` places it (lower
first). A panel's template is rendered inside the page with its own context on top, so it
has `user`, `request` and `csrf_token` like any template.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from thurrock_care import access

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    shown_to: Callable[[User], bool]
    context: Callable[[User], dict[str, Any]] | None
    order: int


@dataclass(frozen=True)
class Shown:
    """A panel as the home page renders it: its template and what it shows."""

    name: str
    template: str
    context: dict[str, Any]


_panels: dict[str, Panel] = {}


def register_panel(
    name: str,
    *,
    template: str,
    shown_to: Callable[[User], bool] | None = None,
    roles: Collection[str] | None = None,
    context: Callable[[User], dict[str, Any]] | None = None,
    order: int = 100,
) -> None:
    """Add a panel to the home page (call from an app's AppConfig.ready). It is shown to
    active users for whom `shown_to(user)` is true, or whose role is in `roles` (neither:
    everyone signed in)."""
    if shown_to is not None and roles is not None:
        raise ImproperlyConfigured("Give a panel either shown_to or roles, not both.")
    if roles is not None:
        shown_to = _role_in(frozenset(roles))
    panel = Panel(
        name=name,
        template=template,
        shown_to=shown_to or access.is_active,
        context=context,
        order=order,
    )
    existing = _panels.get(name)
    if existing is not None and (existing.template, existing.order) != (panel.template, order):
        raise ImproperlyConfigured(f"Home panel {name!r} is already registered.")
    _panels[name] = panel


def unregister_panel(name: str) -> None:
    """Take a panel away again (for tests)."""
    _panels.pop(name, None)


def _role_in(roles: frozenset[str]) -> Callable[[User], bool]:
    def shown_to(user: User) -> bool:
        return access.is_active(user) and user.role in roles

    return shown_to


def panels_for(user: User) -> list[Shown]:
    """The panels this user sees, in order, each with its context."""
    chosen = sorted(
        (panel for panel in _panels.values() if panel.shown_to(user)),
        key=lambda panel: (panel.order, panel.name),
    )
    return [
        Shown(
            name=panel.name,
            template=panel.template,
            context=panel.context(user) if panel.context else {},
        )
        for panel in chosen
    ]
