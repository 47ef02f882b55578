"""Saving without overwriting someone else's work: every editable record has a `version`.

A form or API client sends back the version it read; `update_versioned` writes only if it is
still the current one, and bumps it, in one UPDATE. Otherwise it raises `EditConflict`: the
page keeps what was typed, explains, and answers 409 (`keep_typed_after_conflict`); the API
answers 409 with `{detail, current_version}` (thurrock_care/api/errors.py). A second, informed
save (with the version the conflict gave) replaces the newer one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone

# Versions are PostgreSQL integers: anything outside is a version nobody could have read.
MAX_VERSION = 2**31 - 1

CONFLICT_MESSAGE = (
    "Someone else changed this while you were editing. Your changes have not been saved: "
    "they are below. Check the latest version, then save again to replace it."
)
CONFLICT_STATUS = 409


class EditConflict(Exception):
    """The record changed since the form was opened: saving would overwrite someone's work."""

    def __init__(self, current_version: int) -> None:
        super().__init__(CONFLICT_MESSAGE)
        self.current_version = current_version


def update_versioned(model: type[models.Model], *, pk: int, version: int, **fields: Any) -> int:
    """Write only if nobody else has since: compare the version and bump it, in one UPDATE.
    Returns the new version. The database adds one to its own value, so no version sent by a
    client (2147483647, say) can overflow the column."""
    rows = model._default_manager.filter(pk=pk)
    changed = 0
    if 1 <= version <= MAX_VERSION:
        changed = rows.filter(version=version).update(
            **fields, version=F("version") + 1, updated_at=timezone.now()
        )
    if not changed:
        current = rows.values_list("version", flat=True).first()
        raise EditConflict(current_version=current or 1)
    return version + 1


class VersionField(forms.IntegerField):
    """The version a form was opened at (hidden), to refuse overwriting a newer one."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_VERSION, **kwargs)


def keep_typed_after_conflict(form: forms.BaseForm, data: QueryDict, error: EditConflict) -> None:
    """Keep what was typed and explain; the form now carries the current version, so a second,
    informed save replaces the newer one. Render the page with CONFLICT_STATUS."""
    data["version"] = str(error.current_version)  # the form's own (mutable) data
    form.add_error(None, str(error))
