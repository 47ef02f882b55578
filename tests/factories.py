import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from localities.models import (
    ActionItem,
    CommunityAsset,
    Consent,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Membership,
    Neighbourhood,
    Organisation,
    Resident,
)
from localities.search import search_name
from thurrock_care.accounts.models import Role, User

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.VOLUNTARY_GROUP


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    locality = factory.LazyFunction(lambda: Locality.objects.get(slug="grays"))
    organisation = factory.SubFactory(OrganisationFactory)
    joined_on = factory.LazyFunction(timezone.localdate)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@thurrock-care.test")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.PRACTITIONER
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def localities(self, create, extracted, **kwargs):
        if create and extracted:
            self.localities.set(extracted)


def enrol_totp(user: User) -> str:
    """Give a user an authenticator app, as they would on the MFA page; return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    locality = factory.LazyFunction(lambda: Locality.objects.get(slug="grays"))
    organisation_name = factory.Sequence(lambda n: f"Community Group {n}")
    kind = Organisation.Kind.VOLUNTARY_GROUP
    offer = "Coffee mornings and befriending."
    contact_name = "Sam Jones"
    contact_email = factory.Sequence(lambda n: f"contact{n}@group.test")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    locality = factory.LazyFunction(lambda: Locality.objects.get(slug="grays"))
    starts_at = factory.LazyFunction(timezone.now)
    place = "Grays Community Hall"
    created_by = factory.SubFactory(UserFactory, role=Role.COORDINATOR)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Action {n}")


class LearningCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningCycle

    locality = factory.LazyFunction(lambda: Locality.objects.get(slug="grays"))
    question = factory.Sequence(lambda n: f"Question {n}?")
    created_by = factory.SubFactory(UserFactory, role=Role.PRACTITIONER)


class CommunityAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityAsset

    neighbourhood = factory.LazyFunction(lambda: Neighbourhood.objects.get(name="Grays"))
    name = factory.Sequence(lambda n: f"Asset {n}")
    kind = CommunityAsset.Kind.GROUP
    offer = "Company and a cup of tea."
    updated_by = factory.SubFactory(UserFactory)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    full_name = factory.Faker("name", locale="en_GB")
    preferred_name = ""
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=100)
    postcode = "RM17 6SL"
    neighbourhood = factory.LazyFunction(lambda: Neighbourhood.objects.get(name="Grays"))
    created_by = factory.SubFactory(UserFactory)
    search_name = factory.LazyAttribute(lambda o: search_name(o.full_name, o.preferred_name))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent
        skip_postgeneration_save = True

    resident = factory.SubFactory(ResidentFactory)
    decision = Consent.Decision.GIVEN
    decided_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.set(extracted)


def valid_nhs_number(n: int) -> str:
    """The n-th valid NHS number in the range never issued (999 000 0000 to 999 999 9999)."""
    import nhs_number

    found = 0
    for candidate in range(9990000000, 9999999999):
        if nhs_number.is_valid(str(candidate)):
            if found == n:
                return str(candidate)
            found += 1
    raise ValueError(n)
