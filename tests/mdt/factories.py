"""An MDT scene: a resident in Grays, three ILT member organisations (housing, fire, NHS)
each with a partner, and helpers that walk an MDT through its steps with the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from localities.models import Locality, Organisation
from mdt import services
from mdt.models import Mdt, Slot
from tests.conftest import make_persona
from tests.factories import MembershipFactory, OrganisationFactory, ResidentFactory
from thurrock_care.accounts.models import Role


@dataclass
class Scene:
    resident: object
    coordinator: object
    housing: Organisation
    fire: Organisation
    nhs: Organisation
    housing_partner: object
    fire_partner: object
    nhs_partner: object

    @property
    def organisations(self) -> list[Organisation]:
        return [self.housing, self.fire, self.nhs]


def scene(locality: Locality, coordinator) -> Scene:
    housing = OrganisationFactory(name="Thurrock Housing", kind=Organisation.Kind.HOUSING)
    fire = OrganisationFactory(name="Essex Fire and Rescue", kind=Organisation.Kind.VOLUNTARY_GROUP)
    nhs = OrganisationFactory(name="NELFT Community Health", kind=Organisation.Kind.VOLUNTARY_GROUP)
    for org in (housing, fire, nhs):
        MembershipFactory(locality=locality, organisation=org)
    return Scene(
        resident=ResidentFactory(full_name="Margaret Ellen Doyle"),
        coordinator=coordinator,
        housing=housing,
        fire=fire,
        nhs=nhs,
        housing_partner=make_persona(Role.PARTNER, None, organisation=housing),
        fire_partner=make_persona(Role.PARTNER, None, organisation=fire),
        nhs_partner=make_persona(Role.PARTNER, None, organisation=nhs),
    )


def request(s: Scene, *, urgency: str = "urgent", now: datetime | None = None) -> Mdt:
    return services.request_mdt(
        resident=s.resident,
        by=s.coordinator,
        urgency=urgency,
        concern="Damp flat; wheelchair user cannot get out",
        residents_voice="I want to stay near my daughter",
        organisations=s.organisations,
        required=[s.housing, s.fire],
        consent_given=True,
        now=now,
    )


def future(hours: int) -> datetime:
    return (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def with_slots(s: Scene, mdt: Mdt, *hours: int) -> list[Slot]:
    return services.propose_slots(mdt=mdt, by=s.coordinator, starts=[future(h) for h in hours])


def meeting_started(mdt: Mdt) -> None:
    """The confirmed meeting has just begun (its start moved a few minutes into the past), so
    that it can be recorded."""
    mdt.refresh_from_db()
    start = timezone.now() - timedelta(minutes=5)
    Slot.objects.filter(pk=mdt.confirmed_slot_id).update(
        starts_at=start, ends_at=start + services.SLOT_LENGTH
    )
