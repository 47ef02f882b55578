"""generate_thurrock: the small scale has the expected rows, the same seed makes the same rows,
every row passes the models' validation, derived columns are what the services compute, names
are as common as in a real borough, and the pages work on it with a fixed number of queries."""

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from introductions.models import Conversation, DropInSession, Introduction, IntroductionHolder
from localities.models import Membership, Organisation, Resident, ResidentWord
from localities.search import search_name
from mdt.models import Mdt, MdtAction
from tests.conftest import ensure_reference_data
from tests.factories import enrol_totp
from thurrock_care.accounts.models import Role, User
from thurrock_care.audit.models import Event
from thurrock_care.notifications.models import Notification
from thurrock_care.synthetic import SCALES
from thurrock_care.synthetic.build import generate
from thurrock_care.synthetic.world import GENERATED_DOMAIN
from wellbeing_teams.models import PersonSupported, Team, TeamMember, Visit

pytestmark = pytest.mark.django_db
SMALL = SCALES["small"]
NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
MODELS = [
    Organisation, Membership, User, Resident, DropInSession, Introduction, IntroductionHolder,
    Conversation, Mdt, MdtAction, Team, TeamMember, PersonSupported, Visit, Event, Notification,
]  # fmt: skip
THROUGH = [User.localities.through, Team.neighbourhoods.through, Visit.workers.through]


def fingerprint() -> dict[str, tuple[int, str]]:
    """Each table's rows and a digest of every column of every row, in id order."""
    found = {}
    with connection.cursor() as cursor:
        for model in [*MODELS, *THROUGH]:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT COUNT(*), md5(string_agg(t::text, '|' ORDER BY t.id)) FROM {table} t"
            )
            found[table] = cursor.fetchone()
    return found


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """The small scale, generated twice with the same seed (the first rolled back); kept for
    the module's tests and rolled back after them."""
    with django_db_blocker.unblock():
        ensure_reference_data()
        with transaction.atomic():
            generate(scale="small", seed=7, now=NOW)
            first = fingerprint()
            transaction.set_rollback(True)
        with transaction.atomic():
            counts = generate(scale="small", seed=7, now=NOW)
            yield {"counts": counts, "first": first, "second": fingerprint()}
            transaction.set_rollback(True)


def test_small_scale_has_the_expected_rows(generated):
    generated_users = User.objects.filter(email__endswith=GENERATED_DOMAIN)
    assert generated_users.count() == SMALL.staff
    assert Resident.objects.filter(created_by__email__startswith="synthetic-data@").count() == (
        SMALL.residents
    )
    expected = {
        Organisation: SMALL.organisations,
        Introduction: SMALL.introductions,
        IntroductionHolder: SMALL.introductions,
        Conversation: SMALL.conversations,
        DropInSession: SMALL.drop_ins,
        Mdt: SMALL.mdts,
        MdtAction: SMALL.actions,
        Team: SMALL.teams,
        PersonSupported: SMALL.people_supported,
        Visit: SMALL.visits,
        Event: SMALL.audit_events,
        Notification: SMALL.notifications,
    }
    assert {m.__name__: m.objects.count() for m in expected} == {
        m.__name__: n for m, n in expected.items()
    }
    assert Visit.workers.through.objects.count() == SMALL.visits  # one worker per visit
    # Every locality has residents, coordinators, organisations and a team.
    for role in (Role.COORDINATOR, Role.PRACTITIONER, Role.PARTNER, Role.WELLBEING_WORKER):
        assert generated_users.filter(role=role).exists(), role
    for locality_id in Resident.objects.values_list(
        "neighbourhood__locality", flat=True
    ).distinct():
        assert generated_users.filter(role=Role.COORDINATOR, localities=locality_id).exists()
        assert Membership.objects.filter(locality=locality_id).exists()


def test_the_same_seed_makes_the_same_rows(generated):
    first, second = generated["first"], generated["second"]
    assert first == second
    assert first[Visit._meta.db_table][0] == SMALL.visits
    assert len({digest for _, digest in first.values()}) == len(first)  # digests of real rows


def test_a_sample_of_every_model_passes_its_validation(generated):
    for model in MODELS:
        sample = list(model.objects.order_by("?")[:25])
        assert sample, model
        for row in sample:
            # NULL where the column allows it is not "blank" (the audit trail's resident_id,
            # as audit.services.record writes it for a search); everything else is checked.
            nulls = [
                f.name
                for f in model._meta.concrete_fields
                if f.null and getattr(row, f.attname) is None
            ]
            row.full_clean(exclude=nulls)  # raises ValidationError naming the field


def test_derived_columns_are_what_the_services_compute(generated):
    for full_name, preferred, stored in Resident.objects.values_list(
        "full_name", "preferred_name", "search_name"
    ):
        assert stored == search_name(full_name, preferred)
    # Each resident's name words, as the trigger writes them (it is off while loading).
    expected = {
        (pk, word, full_name)
        for pk, full_name, stored in Resident.objects.values_list("pk", "full_name", "search_name")
        for word in stored.split()
    }
    assert set(ResidentWord.objects.values_list("resident", "word", "full_name")) == expected
    # A visit's planned day is its start's day in the UK; an introduction's holder works in
    # the resident's locality and holds it in the holders' history too.
    uk = ZoneInfo("Europe/London")
    for visit in Visit.objects.order_by("?")[:200]:
        assert visit.planned_on == visit.planned_start.astimezone(uk).date()
    for intro in Introduction.objects.select_related("resident__neighbourhood").order_by("?")[:50]:
        assert intro.holder.localities.filter(pk=intro.resident.neighbourhood.locality_id).exists()
        assert intro.holders.get(held_until=None).holder_id == intro.holder_id
    for event in Event.objects.filter(actor__isnull=False).select_related("actor")[:50]:
        assert event.actor_name == event.actor.full_name


def test_the_commonest_surname_is_on_one_to_two_percent_of_residents(generated):
    names = list(Resident.objects.values_list("full_name", flat=True))
    surnames = Counter(name.split()[-1] for name in names)
    surname, count = surnames.most_common(1)[0]
    assert 0.01 <= count / len(names) <= 0.02, (surname, count)


def test_the_command_refuses_a_database_it_did_not_generate(generated, coordinator):
    with pytest.raises(CommandError, match="not generated"):
        call_command("generate_thurrock", "--scale", "small")


def test_the_command_refuses_to_generate_twice(generated):
    with pytest.raises(CommandError, match="already holds generated data"):
        call_command("generate_thurrock", "--scale", "small", "--force")


def count_queries(client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content


def signed_in(client, user: User):
    if not user.authenticator_set.exists():
        enrol_totp(user)
    client.force_login(user)
    return client


def test_pages_work_on_generated_data_with_a_fixed_number_of_queries(generated, client):
    # Coordinators of two localities whose boards both list overdue actions (the board reads
    # them in one more query when there are any): the same queries, whatever the volumes.
    overdue = MdtAction.objects.filter(status="open", due_on__lt=NOW.date()).exclude(
        mdt__status="closed"
    )
    busy = sorted(set(overdue.values_list("mdt__locality", flat=True)))
    assert len(busy) >= 2
    coordinators = User.objects.filter(email__endswith=GENERATED_DOMAIN, role=Role.COORDINATOR)
    first = coordinators.filter(localities=busy[0]).first()
    second = coordinators.filter(localities=busy[-1]).first()
    assert (
        Mdt.objects.filter(locality=busy[0]).count()
        != Mdt.objects.filter(locality=busy[-1]).count()
    )
    counts = {}
    for user in (first, second):
        signed_in(client, user)
        home, page = count_queries(client, reverse("home"))
        assert user.get_short_name().encode() in page
        board, page = count_queries(client, reverse("mdt:board"))
        counts[user.pk] = (home, board)
    assert counts[first.pk] == counts[second.pk]

    # A resident with many conversations and one with few: the same number of queries.
    signed_in(client, first)
    mine = Resident.objects.filter(neighbourhood__locality__in=first.localities.all())
    talked = Counter(
        Conversation.objects.filter(resident__in=mine).values_list("resident_id", flat=True)
    ).most_common()
    busiest, quietest = talked[0][0], talked[-1][0]
    assert talked[0][1] > talked[-1][1]
    busy, page = count_queries(client, reverse("residents:detail", args=[busiest]))
    assert Resident.objects.get(pk=busiest).full_name.encode() in page.replace(b"&#x27;", b"'")
    quiet, _ = count_queries(client, reverse("residents:detail", args=[quietest]))
    assert busy == quiet

    # Each team's day, as its coordinator: the same number of queries however many visits.
    day_counts = []
    for team in Team.objects.order_by("pk")[:2]:
        lead = TeamMember.objects.filter(team=team).order_by("pk").first().user
        signed_in(client, lead)
        day = NOW.astimezone(ZoneInfo("Europe/London")).date()
        assert Visit.objects.filter(team=team, planned_on=day).exists()
        queries, page = count_queries(
            client, reverse("wellbeing_teams:team_day", args=[team.pk]) + f"?day={day}"
        )
        assert team.name.encode() in page
        day_counts.append(queries)
    assert day_counts[0] == day_counts[1]


def test_no_generated_row_points_at_nothing(generated):
    from thurrock_care.synthetic.build import GENERATED
    from thurrock_care.synthetic.copying import orphans

    assert [problem for model in GENERATED for problem in orphans(model)] == []
    # Every resident is in a neighbourhood of one of the four localities.
    assert not Resident.objects.filter(neighbourhood__locality__isnull=True).exists()
    assert Resident.objects.values("neighbourhood__locality").distinct().count() == 4
