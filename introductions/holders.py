"""Who may hold an introduction: the Local Area Coordinators of the resident's locality
(active practitioners and coordinators who work there)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from thurrock_care.accounts.models import Role, User

HOLDER_ROLES = (Role.PRACTITIONER, Role.COORDINATOR)


def eligible(locality_id: int) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, role__in=HOLDER_ROLES, localities=locality_id
    ).order_by("full_name", "pk")


def in_localities(locality_ids: Iterable[int] | QuerySet[Any]) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, role__in=HOLDER_ROLES, localities__in=locality_ids)
        .distinct()
        .order_by("full_name", "pk")
    )
