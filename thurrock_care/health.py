"""Warnings /healthz shows (to everyone, as `warnings`): things that do not make the service
unhealthy but need someone to act soon. Apps register them in their AppConfig.ready, the way
they register panels; this module imports no app.

    health.register_warning(working_days.health_warning)  # returns a sentence, or None
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

Warning_ = Callable[[], str | None]

_warnings: list[Warning_] = []


def register_warning(check: Warning_) -> Warning_:
    if check not in _warnings:
        _warnings.append(check)
    return check


def warnings() -> list[str]:
    """Every registered warning that applies now (one that fails is logged, not shown)."""
    found = []
    for check in _warnings:
        try:
            warning = check()
        except Exception:
            logger.exception("Health warning %r failed", getattr(check, "__name__", check))
            continue
        if warning:
            found.append(warning)
    return found
