"""Factories for Local Area Coordination records (made directly, for tests of reads; tests of
writes go through the services)."""

from datetime import timedelta

import factory
from django.utils import timezone

from introductions.models import (
    Conversation,
    DropInSession,
    FollowUp,
    Introduction,
    IntroductionHolder,
)
from localities.models import Locality
from tests.factories import ResidentFactory, UserFactory


class IntroductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Introduction

    resident = factory.SubFactory(ResidentFactory)
    source = Introduction.Source.SELF
    holder = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("holder")

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            IntroductionHolder.objects.create(
                introduction=self, holder=self.holder, assigned_by=self.created_by
            )


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    resident = factory.SubFactory(ResidentFactory)
    how_we_met = Conversation.HowWeMet.HOME_VISIT
    what_matters = factory.Sequence(lambda n: f"What matters {n}")
    held_by = factory.SubFactory(UserFactory)


class DropInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DropInSession

    title = factory.Sequence(lambda n: f"Talking Shop {n}")
    locality = factory.LazyFunction(lambda: Locality.objects.get(slug="grays"))
    venue = "Grays Library, Orsett Road"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    created_by = factory.SubFactory(UserFactory)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    resident = factory.SubFactory(ResidentFactory)
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(timezone.localdate)
