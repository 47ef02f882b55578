"""Local Area Coordination's panel on the home page (registered in IntroductionsConfig.ready):
finding who you talked to, and the follow-ups due today and overdue. A fixed number of queries,
however many follow-ups there are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from introductions import queries
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record_many

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def follow_ups(user: User) -> dict[str, Any]:
    """The follow-ups due; a list naming residents is a view of each (one insert)."""
    due = queries.follow_ups_due(user)
    ids = sorted({f.resident_id for f in [*due["due_today"], *due["overdue"]]})
    if ids:
        record_many(actor=user, action=Action.VIEWED, resident_ids=ids,
                    details={"page": "home:follow_ups"})  # fmt: skip
    return due
