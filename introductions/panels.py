"""Local Area Coordination's panel on the home page (registered in IntroductionsConfig.ready):
finding who you talked to, and the follow-ups due today and overdue. A fixed number of queries,
however many follow-ups there are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from introductions import queries

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def follow_ups(user: User) -> dict[str, Any]:
    return queries.follow_ups_due(user)
