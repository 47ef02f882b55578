"""Factories for Wellbeing Teams records (made directly, for tests of reads; tests of writes
go through the services)."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from localities.models import Locality
from tests.factories import ResidentFactory, UserFactory
from wellbeing_teams.models import PersonSupported, Team, TeamMember, TimeEntry, Visit


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Wellbeing Team {n}")
    locality = factory.LazyFunction(lambda: Locality.objects.get(slug="grays"))


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamMember.Role.INDEPENDENCE
    contracted_hours = Decimal("37.5")


class PersonSupportedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonSupported

    resident = factory.SubFactory(ResidentFactory)
    team = factory.SubFactory(TeamFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))
    hours_per_week = Decimal("10")
    created_by = factory.SubFactory(UserFactory)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonSupportedFactory)
    resident = factory.SelfAttribute("person.resident")
    team = factory.SelfAttribute("person.team")
    planned_start = factory.LazyFunction(timezone.now)
    planned_on = factory.LazyAttribute(lambda o: timezone.localdate(o.planned_start))
    planned_minutes = 45
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def workers(self, create, extracted, **kwargs):
        if create and extracted:
            self.workers.set(extracted)


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    team = factory.SubFactory(TeamFactory)
    worker = factory.SubFactory(UserFactory)
    category = TimeEntry.Category.TRAVEL
    on = factory.LazyFunction(timezone.localdate)
    minutes = 30
