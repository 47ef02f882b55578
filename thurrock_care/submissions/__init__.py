"""Idempotent submissions: a request sent twice (a double click, a retry, five clients at once)
creates one record. Every create that a person or a client can repeat goes through `once`.

    resident = submissions.once(
        key=submission_key, by=user, model=Resident, payload=details,
        create=lambda: ...,   # runs at most once per key, in the same transaction as the claim
    )

The key is claimed by inserting it into PostgreSQL (its primary key) in the transaction that
creates the record: a concurrent request with the same key waits on that insert and, once the
first commits, gets what it made (or, if the first failed, makes it itself). The same key sent
with another request (other values, another user) raises `KeyReused`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User

M = TypeVar("M", bound=Model)

KEY_REUSED = (
    "This form was already sent once, with other details, and saved. If you meant to add "
    "another, check what is below and send it again."
)


class KeyReused(Exception):
    """The submission key was used before, for a different request."""

    def __init__(self) -> None:
        super().__init__("This submission key has already been used for a different request.")


def fingerprint(payload: Mapping[str, Any]) -> str:
    """A stable hash of what was asked for (model instances by their primary key)."""

    def plain(value: object) -> object:
        if isinstance(value, Model):
            return f"{value._meta.label_lower}:{value.pk}"
        if isinstance(value, (list, tuple, set, frozenset, QuerySet)):
            return sorted(str(plain(item)) for item in value)
        return str(value)

    text = json.dumps({name: plain(value) for name, value in payload.items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def once(
    *,
    key: uuid.UUID | None,
    by: User | None,
    model: type[M],
    payload: Mapping[str, Any],
    create: Callable[[], M],
) -> M:
    """`create()` once per key, in one transaction with the claim: what it made, or what the
    first request with this key made. Without a key, simply `create()` (in a transaction)."""
    from thurrock_care.submissions.models import Submission

    with transaction.atomic():
        if key is None:
            return create()
        signature = fingerprint(payload)
        try:
            with transaction.atomic():
                claim = Submission.objects.create(
                    key=key, user=by, fingerprint=signature, object_type=model._meta.label_lower
                )
        except IntegrityError:  # sent before (perhaps at this very moment, now committed)
            earlier = Submission.objects.get(key=key)
            same = (
                earlier.user_id == (by.pk if by else None)
                and earlier.fingerprint == signature
                and earlier.object_type == model._meta.label_lower
                and earlier.object_id is not None
            )
            if not same:
                raise KeyReused from None
            return model._default_manager.get(pk=earlier.object_id)
        made = create()
        claim.object_id = made.pk
        claim.save(update_fields=["object_id"])
        return made


def forget(*, older_than: timedelta) -> int:
    """Delete the keys of submissions older than that (run daily by beat); returns how many."""
    from django.utils import timezone

    from thurrock_care.submissions.models import Submission

    old = Submission.objects.filter(created_at__lt=timezone.now() - older_than)
    deleted, _ = old.delete()
    return deleted
