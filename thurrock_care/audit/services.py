"""Writing to the audit trail: the only way entries are made."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection, models

from thurrock_care.audit.models import Action, Event
from thurrock_care.ratelimit import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest

    from thurrock_care.accounts.models import User


def _event(
    *,
    actor: User | None,
    action: Action,
    resident_id: int | None,
    subject: models.Model | None,
    reason: str,
    request: HttpRequest | None,
    details: dict | None,
    anonymous: str = "System",
) -> Event:
    return Event(
        actor=actor,
        actor_name=actor.full_name or actor.email if actor else anonymous,
        actor_organisation=actor.organisation.name if actor and actor.organisation else "",
        action=action,
        resident_id=resident_id,
        object_type=subject._meta.label_lower if subject is not None else "",
        object_id=subject.pk if subject is not None else None,
        reason=reason,
        ip_address=client_ip(request) if request is not None else None,
        details=details or {},
    )


def record(
    *,
    actor: User | None,
    action: Action,
    resident_id: int | None = None,
    subject: models.Model | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
    details: dict | None = None,
    anonymous: str = "System",
) -> Event:
    """Write one entry. Call it in the same transaction as the change it records. Without an
    actor, `anonymous` names who it was ("System", or "Public form" for a form anyone sends)."""
    event = _event(
        actor=actor,
        action=action,
        resident_id=resident_id,
        subject=subject,
        reason=reason,
        request=request,
        details=details,
        anonymous=anonymous,
    )
    event.save()
    return event


def record_many(
    *,
    actor: User,
    action: Action,
    resident_ids: Iterable[int],
    request: HttpRequest | None = None,
    details: dict | None = None,
) -> None:
    """One entry per resident in a single query (a list shown, an export): the entry as
    `record` would write it, for each id of an array. Lists of a hundred residents are shown
    on busy pages, and building a model instance per entry cost more than the page's queries
    (docs/performance.md)."""
    ids = list(resident_ids)
    if not ids:
        return
    entry = _event(
        actor=actor,
        action=action,
        resident_id=None,
        subject=None,
        reason="",
        request=request,
        details=details,
    )
    columns, values, params = [], [], []
    for field in Event._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname == "resident_id":
            values.append("resident_id")
            continue
        values.append("%s")
        params.append(field.get_db_prep_save(field.pre_save(entry, add=True), connection))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(Event._meta.db_table)} "
            f"({', '.join(columns)}) SELECT {', '.join(values)} "
            "FROM unnest(%s::bigint[]) AS resident_id",
            [*params, ids],
        )
