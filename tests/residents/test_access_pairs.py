"""The need-to-know gate over rows naming a user and a resident (access.resident_pairs_filter,
used where many (user, resident) pairs are checked at once, like the reminder sweep) gives
exactly the answers of Resident.objects.visible_to(user), pair by pair: every role, and every
way of being involved, given and taken away. And the residents a user may change or review
(changeable_by, reviewable_by: written without the gate) are always among those they see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from introductions.models import FollowUp
from introductions.services import introductions
from localities.models import BreakGlassGrant, Locality, Neighbourhood, Organisation, Resident
from tests.conftest import make_persona
from tests.factories import ConsentFactory, OrganisationFactory, ResidentFactory
from tests.mdt.factories import request, scene
from tests.wellbeing_teams.factories import PersonSupportedFactory, TeamMemberFactory
from thurrock_care import access
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(grays, coordinator) -> tuple[dict, dict]:
    """Users of every role and residents they are involved with in every way (or were)."""
    asop = Locality.objects.get(slug="asop")
    aveley = Neighbourhood.objects.get(name="Aveley")
    now, today = timezone.now(), timezone.localdate()
    s = scene(grays, coordinator)
    request(s)  # housing, fire and the NHS invited: their partners see s.resident
    named, other = (OrganisationFactory(kind=Organisation.Kind.HOUSING) for _ in range(2))
    users = {
        "coordinator": coordinator,
        "practitioner": make_persona(Role.PRACTITIONER, grays),
        "practitioner_not_core": make_persona(
            Role.PRACTITIONER, grays, organisation=OrganisationFactory(kind="voluntary_group")
        ),
        "practitioner_elsewhere": make_persona(Role.PRACTITIONER, asop),
        "holder": make_persona(Role.PRACTITIONER, asop),
        "coordinator_elsewhere": make_persona(Role.COORDINATOR, asop),
        "partner_named": make_persona(Role.PARTNER, grays, organisation=named),
        "partner_other": make_persona(Role.PARTNER, grays, organisation=other),
        "partner_no_organisation": make_persona(Role.PARTNER, grays, organisation=None),
        "partner_invited": s.housing_partner,
        "worker": make_persona(Role.WELLBEING_WORKER, grays),
        "worker_left": make_persona(Role.WELLBEING_WORKER, grays),
        "manager": make_persona(Role.MANAGER, grays),
        "administrator": make_persona(Role.ADMINISTRATOR, None),
        "switched_off": make_persona(Role.COORDINATOR, grays, is_active=False),
    }
    residents = {
        "in_grays": ResidentFactory(),
        "in_aveley": ResidentFactory(neighbourhood=aveley),
        "consent": ResidentFactory(neighbourhood=aveley),
        "consent_expired": ResidentFactory(neighbourhood=aveley),
        "added": ResidentFactory(neighbourhood=aveley, created_by=users["partner_other"]),
        "held": ResidentFactory(neighbourhood=aveley),
        "break_glass": ResidentFactory(neighbourhood=aveley),
        "break_glass_expired": ResidentFactory(neighbourhood=aveley),
        "mdt": s.resident,
        "supported": ResidentFactory(neighbourhood=aveley),
        "merged": ResidentFactory(),
    }
    ConsentFactory(resident=residents["consent"], organisations=[named])
    ConsentFactory(
        resident=residents["consent_expired"],
        organisations=[named],
        expires_on=today - timedelta(days=1),
    )
    introductions.create_introduction(
        resident=residents["held"], by=users["holder"], holder=users["holder"], source="self"
    )
    users["holder"].localities.set([grays])  # moved on, still holding the introduction
    BreakGlassGrant.objects.create(
        resident=residents["break_glass"], user=users["partner_other"], reason="r",
        expires_at=now + timedelta(hours=1),
    )  # fmt: skip
    BreakGlassGrant.objects.create(
        resident=residents["break_glass_expired"], user=users["partner_other"], reason="r",
        expires_at=now - timedelta(hours=1),
    )  # fmt: skip
    supported = PersonSupportedFactory(resident=residents["supported"])
    TeamMemberFactory(team=supported.team, user=users["worker"])
    TeamMemberFactory(team=supported.team, user=users["worker_left"],
                      left_on=today - timedelta(days=400))  # fmt: skip
    Resident.objects.filter(pk=residents["merged"].pk).update(
        status=Resident.Status.MERGED, merged_into=residents["in_grays"]
    )
    return users, residents


def test_the_gate_over_pairs_answers_as_visible_to_does(world):
    users, residents = world
    today = timezone.localdate()
    FollowUp.objects.bulk_create(
        FollowUp(owner=user, resident=resident, due_on=today)
        for user in users.values()
        for resident in residents.values()
    )

    gate = access.resident_pairs_filter(user="owner", resident="resident")
    pairs = set(FollowUp.objects.filter(gate).values_list("owner", "resident"))
    expected = {
        (user.pk, pk)
        for user in users.values()
        for pk in Resident.objects.visible_to(user).values_list("pk", flat=True)
        if pk in {r.pk for r in residents.values()}
    }
    # Users and residents are numbered apart: the same number may name one of each.
    who = {u.pk: n for n, u in users.items()}
    whom = {r.pk: n for n, r in residents.items()}
    assert sorted((who[u], whom[r]) for u, r in pairs) == sorted(
        (who[u], whom[r]) for u, r in expected
    )
    # Not a trivial matrix: each way in lets someone in, and its absence keeps others out.
    seen = {(who[u], whom[r]) for u, r in expected}
    assert {
        ("coordinator", "in_grays"), ("practitioner", "in_grays"),
        ("coordinator_elsewhere", "in_aveley"), ("practitioner_elsewhere", "in_aveley"),
        ("partner_named", "consent"), ("partner_other", "added"),
        ("holder", "held"), ("partner_other", "break_glass"),
        ("partner_invited", "mdt"), ("worker", "supported"), ("administrator", "in_aveley"),
    } <= seen  # fmt: skip
    assert not {
        ("practitioner_not_core", "in_grays"), ("practitioner", "in_aveley"),
        ("holder", "in_aveley"),
        ("partner_named", "consent_expired"), ("partner_other", "break_glass_expired"),
        ("partner_no_organisation", "mdt"), ("worker_left", "supported"),
        ("administrator", "merged"),
    } & seen  # fmt: skip
    assert not {r for u, r in seen if u in ("manager", "switched_off")}


def test_who_may_change_or_review_a_record_always_sees_it(world):
    users, residents = world
    whom = {r.pk: n for n, r in residents.items()}
    changes, reviews = set(), set()
    for name, user in users.items():
        seen = set(Resident.objects.visible_to(user).values_list("pk", flat=True))
        changeable = set(Resident.objects.changeable_by(user).values_list("pk", flat=True))
        reviewable = set(Resident.objects.reviewable_by(user).values_list("pk", flat=True))
        assert changeable <= seen, name
        assert reviewable <= seen, name
        changes |= {(name, whom[pk]) for pk in changeable if pk in whom}
        reviews |= {(name, whom[pk]) for pk in reviewable if pk in whom}
    assert {
        ("coordinator", "in_grays"), ("practitioner", "in_grays"),
        ("practitioner_elsewhere", "in_aveley"), ("administrator", "in_aveley"),
    } <= changes  # fmt: skip
    assert not {
        ("practitioner_not_core", "in_grays"), ("partner_named", "consent"),
        ("holder", "held"), ("partner_other", "break_glass"), ("worker", "supported"),
        ("administrator", "merged"), ("coordinator", "merged"),
    } & changes  # fmt: skip
    assert {("coordinator", "in_grays"), ("coordinator_elsewhere", "in_aveley")} <= reviews
    assert not {("practitioner", "in_grays"), ("coordinator", "merged")} & reviews
    assert not {r for u, r in changes | reviews if u in ("manager", "switched_off")}
