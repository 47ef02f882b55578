"""How a user becomes involved with a resident through Local Area Coordination (see
thurrock_care/access.py): holding their open introduction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from introductions.models import Introduction

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def holds_their_introduction(user: User) -> Q:
    """The LAC holding a resident's open introduction sees them, wherever they work."""
    held = Introduction.objects.open().filter(resident_id=OuterRef("pk"), holder=user)
    return Q(Exists(held))


def holds_their_introduction_pairs(user: str, resident: str) -> Q:
    held = Introduction.objects.open().filter(holder=OuterRef(user), resident=OuterRef(resident))
    return Q(Exists(held))
