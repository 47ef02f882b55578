"""Writes to organisations (the places layer: localities and neighbourhoods are reference
data, loaded by a migration)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from localities.models.places import ORGANISATION_FIELDS, Organisation
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record


@transaction.atomic
def create_organisation(
    *,
    by: User,
    name: str,
    kind: str,
    description: str = "",
    website: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Organisation:
    name = name.strip()
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already an organisation called {name}"})
    organisation = Organisation.objects.create(
        name=name,
        kind=kind,
        description=description,
        website=website,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    record(
        actor=by,
        action=Action.ORGANISATION_CREATED,
        subject=organisation,
        details={"name": name, "kind": kind, "core": organisation.is_core},
    )
    return organisation


@transaction.atomic
def update_organisation(*, organisation: Organisation, by: User, **changes: Any) -> Organisation:
    """Change an organisation. Its kind decides whether its practitioners are core (and so see
    the residents of their localities), so the trail records it, from and to."""
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"update_organisation() got unexpected fields: {sorted(unknown)}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    was_core = organisation.is_core
    difference = {
        name: [getattr(organisation, name), value]
        for name, value in changes.items()
        if getattr(organisation, name) != value
    }
    for name in difference:
        setattr(organisation, name, changes[name])
    if difference:
        organisation.save(update_fields=list(difference))
        if organisation.is_core != was_core:
            difference["core"] = [was_core, organisation.is_core]
        record(
            actor=by, action=Action.ORGANISATION_CHANGED, subject=organisation, details=difference
        )
    return organisation
