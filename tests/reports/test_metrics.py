"""The metrics module against figures worked out by hand on a small known dataset: October
2026 in Grays and Tilbury, with records just outside the month that must not count."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from introductions.models import ConnectionMade, WellbeingAnswer
from localities.models import LearningCycle, Locality, Neighbourhood
from tests.factories import MembershipFactory, ResidentFactory, UserFactory
from tests.introductions.factories import (
    ConversationFactory,
    DropInFactory,
    IntroductionFactory,
)
from thurrock_care.reports import metrics
from thurrock_care.reports.periods import Period

pytestmark = pytest.mark.django_db

OCTOBER = Period.month(date(2026, 10, 1))


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def october(grays):
    tilbury = Locality.objects.get(slug="tilbury-chadwell")
    in_tilbury = Neighbourhood.objects.get(name="Tilbury")
    lac = UserFactory()
    # Introductions: Grays 3 from GP practices, 2 themselves, 1 the police; one in September.
    for source in ["gp_practice"] * 3 + ["self"] * 2 + ["police"]:
        IntroductionFactory(source=source, introduced_on=date(2026, 10, 5))
    IntroductionFactory(source="self", introduced_on=date(2026, 9, 30))
    for _ in range(2):  # Tilbury: 2, themselves
        IntroductionFactory(source="self", introduced_on=date(2026, 10, 31),
                            resident=ResidentFactory(neighbourhood=in_tilbury))  # fmt: skip
    # Conversations: Grays 7 in October (one at 00:30 on the 1st, London time), 2 outside.
    talks = [ConversationFactory(held_at=at(date(2026, 10, d))) for d in (1, 2, 3, 4, 5, 6)]
    talks.append(ConversationFactory(held_at=at(date(2026, 10, 1), 0).replace(minute=30)))
    ConversationFactory(held_at=at(date(2026, 9, 30), 23))
    ConversationFactory(held_at=at(date(2026, 11, 1), 0))
    # Drop-ins: Grays 2 held (3 and 4 helped without a record), 1 cancelled, 1 in November;
    # Tilbury 1 (2 helped).
    DropInFactory(starts_at=at(date(2026, 10, 6)), headcount=3)
    DropInFactory(starts_at=at(date(2026, 10, 13)), headcount=4)
    DropInFactory(starts_at=at(date(2026, 10, 20)), headcount=9, cancelled=True)
    DropInFactory(starts_at=at(date(2026, 11, 3)), headcount=5)
    DropInFactory(starts_at=at(date(2026, 10, 8)), headcount=2, locality=tilbury)
    # Connections: 3 made in October's conversations; 2 kept as checked in October, 1 in
    # November; 1 made in September, kept in October (counts as kept, not made).
    for i, conversation in enumerate(talks[:3]):
        ConnectionMade.objects.create(
            resident=conversation.resident, conversation=conversation, person=f"Club {i}",
            outcome="kept", checked_at=at(date(2026, 10, 20) if i < 2 else date(2026, 11, 2)),
        )  # fmt: skip
    september = ConversationFactory(held_at=at(date(2026, 9, 10)))
    ConnectionMade.objects.create(resident=september.resident, conversation=september,
                                  person="Choir", outcome="kept",
                                  checked_at=at(date(2026, 10, 21)))  # fmt: skip
    # Wellbeing: 5 Grays residents answered in July and again in October. Worthwhile rose by
    # 1, 2, 3, 1 and 3 (mean +2.0, 5 people); life satisfaction was answered both times by
    # only 4 of them (too few to say). One more answered only in October (a first answer).
    for i, rise in enumerate([1, 2, 3, 1, 3]):
        resident = ResidentFactory()
        WellbeingAnswer.objects.create(
            resident=resident, answered_on=date(2026, 7, 1), worthwhile=4, life_satisfaction=5,
            recorded_by=lac,
        )  # fmt: skip
        WellbeingAnswer.objects.create(
            resident=resident, answered_on=date(2026, 10, 9), worthwhile=4 + rise,
            life_satisfaction=None if i == 0 else 7, recorded_by=lac,
        )  # fmt: skip
    WellbeingAnswer.objects.create(resident=ResidentFactory(), answered_on=date(2026, 10, 9),
                                   worthwhile=9, recorded_by=lac)  # fmt: skip
    # The ILT: 2 organisations joined Grays in October, 1 in November; a learning cycle
    # started in October, another concluded in October, one concluded in September.
    MembershipFactory(joined_on=date(2026, 10, 1))
    MembershipFactory(joined_on=date(2026, 10, 31))
    MembershipFactory(joined_on=date(2026, 11, 1))
    for concluded in (None, date(2026, 10, 15), date(2026, 9, 15)):
        LearningCycle.objects.create(locality=grays, question="Q", created_by=lac,
                                     concluded_on=concluded, status="learned")  # fmt: skip
    LearningCycle.objects.filter(concluded_on__isnull=False).update(created_at=at(date(2026, 6, 1)))
    LearningCycle.objects.filter(concluded_on__isnull=True).update(created_at=at(date(2026, 10, 2)))


def by_place(rows):
    return {row.slug: row for row in rows}


def test_each_measure_per_locality_and_for_the_borough(october):
    rows = by_place(metrics.figures(OCTOBER))
    assert len(rows) == 5  # the four localities, then the borough
    assert list(rows)[-1] == "borough"
    grays, tilbury, borough = rows["grays"], rows["tilbury-chadwell"], rows["borough"]
    value = lambda figures, name: figures.values[name].value  # noqa: E731
    expected_grays = {
        "introductions": 6, "conversations": 7, "drop_in_sessions": 2, "drop_in_headcount": 7,
        "connections_made": 3, "connections_kept": 3, "wellbeing_people": 5, "new_members": 2,
        "learning_started": 1, "learning_concluded": 1,
    }  # fmt: skip
    assert {name: value(grays, name) for name in expected_grays} == expected_grays
    assert value(tilbury, "introductions") == 2
    assert value(tilbury, "drop_in_headcount") == 2
    assert value(borough, "introductions") == 8
    assert value(borough, "drop_in_sessions") == 3
    assert value(borough, "drop_in_headcount") == 9
    assert {label: c.value for label, c in grays.introductions_by_source.items()} == {
        "Themselves": 2, "A GP practice": 3, "The police": 1,
    }  # fmt: skip
    assert borough.introductions_by_source["Themselves"].value == 4
    worthwhile = grays.wellbeing_change["worthwhile"]
    assert (worthwhile.value, worthwhile.people) == (2.0, 5)
    assert worthwhile.shown() == "+2.0"
    satisfied = grays.wellbeing_change["life_satisfaction"]
    assert (satisfied.value, satisfied.people) == (2.0, 4)
    assert satisfied.shown() == "too few people to say (fewer than 5)"


def test_small_numbers_of_people_are_suppressed_where_shown(october):
    rows = by_place(metrics.figures(OCTOBER))
    tilbury = rows["tilbury-chadwell"]
    assert tilbury.values["introductions"].shown() == "fewer than 5"  # 2 people
    assert tilbury.values["drop_in_headcount"].shown() == "2"  # sessions' headcounts: nobody
    assert tilbury.values["conversations"].shown() == "0"  # none is not a small number
    assert rows["grays"].values["introductions"].shown() == "6"
    assert rows["grays"].introductions_by_source["The police"].shown() == "fewer than 5"


def test_the_threshold_is_a_setting(october, settings):
    settings.SMALL_NUMBERS_THRESHOLD = 10
    grays = by_place(metrics.figures(OCTOBER))["grays"]
    assert grays.values["introductions"].shown() == "fewer than 10"
    assert grays.wellbeing_change["worthwhile"].shown().startswith("too few people")


def test_periods():
    assert (OCTOBER.start, OCTOBER.end, OCTOBER.label) == (
        date(2026, 10, 1), date(2026, 10, 31), "October 2026",
    )  # fmt: skip
    assert OCTOBER.previous() == Period.month(date(2026, 9, 1))
    assert Period.quarter(date(2026, 11, 24)).label == "October to December 2026"
    assert Period.year(2026).previous() == Period.year(2025)
    custom = Period.dates(date(2026, 4, 1), date(2027, 3, 31))
    assert custom.previous() == Period.dates(date(2025, 4, 1), date(2026, 3, 31))
    # Half-open in London time: 00:30 on 1 October BST is in, 00:00 on 1 November GMT is out.
    assert OCTOBER.since().isoformat() == "2026-10-01T00:00:00+01:00"
    assert OCTOBER.until().isoformat() == "2026-11-01T00:00:00+00:00"


def test_the_dashboard_shows_the_figures_and_the_csv_holds_them(client, october, grays):
    from tests.conftest import make_persona
    from thurrock_care.accounts.models import Role

    client.force_login(make_persona(Role.MANAGER, grays))
    page = client.get("/reports/", {"period": "m:2026-10"})
    assert page.status_code == 200
    text = page.text
    assert "Figures: October 2026" in text
    assert text.count("fewer than 5") >= 2
    assert "data:image/svg+xml;base64," in text
    csv = client.get("/reports/figures.csv", {"period": "m:2026-10"})
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == '"Period","Place","Figure","Value"'
    assert '"October 2026","Grays","Introductions to Local Area Coordination",6' in lines
    tilbury = '"October 2026","Tilbury and Chadwell","Introductions to Local Area Coordination"'
    assert tilbury + ',"fewer than 5"' in lines


def test_mdt_figures_per_locality_and_for_the_borough(grays, coordinator):
    """Six urgent MDTs asked for in Grays this month, met after 10, 12, 20, 30, 40 and 100
    hours (deadline 48): median 25, 90th percentile 70, 5 of 6 by their deadline; one more
    not yet met and inside its deadline (neither on time nor late). Tilbury: none."""
    from datetime import timedelta

    from mdt.models import Mdt, Slot
    from mdt.services import confirm_slot
    from tests.mdt.factories import request, scene, with_slots

    s = scene(grays, coordinator)
    for hours in (10, 12, 20, 30, 40, 100):
        mdt = request(s)
        [slot] = with_slots(s, mdt, 1)
        confirm_slot(mdt=mdt, slot=slot, by=coordinator)
        Slot.objects.filter(pk=slot.pk).update(
            starts_at=mdt.requested_at + timedelta(hours=hours),
            ends_at=mdt.requested_at + timedelta(hours=hours + 1),
        )
        Mdt.objects.filter(pk=mdt.pk).update(deadline=mdt.requested_at + timedelta(hours=48))
    request(s)
    rows = by_place(metrics.figures(Period.month(timezone.localdate())))
    grays_figures, borough = rows["grays"].values, rows["borough"].values
    assert grays_figures["mdts_convened"].shown() == "6"
    assert grays_figures["mdt_hours_median"].shown() == "25.0 hours"
    assert grays_figures["mdt_hours_p90"].shown() == "70.0 hours"
    assert grays_figures["urgent_by_deadline"].shown() == "83%"
    assert borough["urgent_by_deadline"].value == pytest.approx(500 / 6)
    tilbury = rows["tilbury-chadwell"].values
    assert tilbury["mdts_convened"].shown() == "0"
    assert tilbury["mdt_hours_median"].shown() == "no data"


def test_wellbeing_team_figures_per_locality(grays, settings):
    """October 2026 in Grays, two teams. Team A's worker: two one-hour visits (one on time,
    one 30 minutes late) and 40 minutes' travel; team B's: one on-time hour and 80 minutes'
    admin; one visit missed. Direct contact 180 of 300 minutes = 60%; started within 15
    minutes 2 of 3 = 67%; each person saw one worker in the 28 days (median 1). Health: A's
    person joined on 1 July (3 GP appointments in the year before, 1 since), B's on 1 October
    (none): before, 3 in 730 days = 3 / 23.98 person-months = 0.13; since, 1 in 154 days
    (123 + 31) = 1 / 5.06 = 0.20."""
    from datetime import date as day

    from tests.factories import UserFactory as People
    from tests.wellbeing_teams.factories import (
        PersonSupportedFactory,
        TeamFactory,
        TeamMemberFactory,
        TimeEntryFactory,
        VisitFactory,
    )
    from wellbeing_teams.models import HealthEvent, Visit

    settings.SMALL_NUMBERS_THRESHOLD = 1  # these figures rest on two workers: show them
    a, b = TeamFactory(locality=grays), TeamFactory(locality=grays)
    w1, w2 = People(), People()
    p1 = PersonSupportedFactory(team=a, started_on=day(2026, 7, 1))
    p2 = PersonSupportedFactory(team=b, started_on=day(2026, 10, 1))

    TeamMemberFactory(team=a, user=w1)
    TeamMemberFactory(team=b, user=w2)

    def visit(person, worker, on, late_minutes=0, status=Visit.Status.COMPLETED):
        planned = at(on)
        arrived = planned.replace(minute=late_minutes)
        done = status == Visit.Status.COMPLETED
        VisitFactory(person=person, workers=[worker], planned_start=planned, status=status,
                     arrived_at=arrived if done else None,
                     left_at=arrived.replace(hour=11) if done else None)  # fmt: skip

    visit(p1, w1, day(2026, 10, 10))
    visit(p1, w1, day(2026, 10, 20), late_minutes=30)
    visit(p2, w2, day(2026, 10, 21))
    visit(p2, w2, day(2026, 10, 22), status=Visit.Status.MISSED)
    TimeEntryFactory(team=a, worker=w1, on=day(2026, 10, 11), minutes=40)
    TimeEntryFactory(team=b, worker=w2, on=day(2026, 10, 12), minutes=80, category="admin")
    for on in (day(2026, 3, 1), day(2026, 5, 1), day(2026, 6, 1), day(2026, 8, 15)):
        HealthEvent.objects.create(resident=p1.resident, kind="gp_appointment", occurred_on=on,
                                   recorded_by=People())  # fmt: skip
    rows = by_place(metrics.figures(OCTOBER))
    figures = rows["grays"].values
    assert figures["wt_direct_contact"].shown() == "60%"
    assert figures["wt_punctuality"].shown() == "67%"
    assert figures["wt_missed"].shown() == "1"
    assert figures["wt_continuity"].shown() == "1.0"
    assert figures["wt_continuity_flagged"].shown() == "0"
    [gp] = [rate for rate in rows["grays"].health_rates if rate.label == "GP appointment"]
    assert (gp.before.shown(), gp.after.shown()) == ("0.13", "0.20")
    assert (gp.before_months, gp.after_months) == (24.0, 5.1)
    assert rows["borough"].values["wt_direct_contact"].shown() == "60%"
    assert rows["tilbury-chadwell"].values["wt_direct_contact"].shown() == "no data"


def test_a_locality_s_figures_alone_are_its_figures_among_all(october, grays):
    """The digest asks for one locality's figures without the borough's (borough=False: the
    other localities' Wellbeing Teams are not counted at all): they are exactly what the
    borough-wide call gives for that locality."""
    from datetime import date as day

    from tests.wellbeing_teams.factories import PersonSupportedFactory, TeamFactory, VisitFactory
    from wellbeing_teams.models import HealthEvent

    tilbury = Locality.objects.get(slug="tilbury-chadwell")
    for locality, hour in ((grays, 10), (tilbury, 12), (tilbury, 14)):
        person = PersonSupportedFactory(team=TeamFactory(locality=locality),
                                        started_on=day(2026, 7, 1))  # fmt: skip
        worker = UserFactory()
        planned = at(day(2026, 10, 10), hour)
        VisitFactory(person=person, workers=[worker], planned_start=planned,
                     arrived_at=planned, left_at=planned.replace(minute=45))  # fmt: skip
        HealthEvent.objects.create(resident=person.resident, kind="gp_appointment",
                                   occurred_on=day(2026, 5, 1), recorded_by=worker)  # fmt: skip
    every = by_place(metrics.figures(OCTOBER))
    for place in (grays, tilbury):
        assert metrics.figures(OCTOBER, [place], borough=False) == [every[place.slug]]
    assert every["tilbury-chadwell"] != every["grays"]


def test_a_trend_s_counts_alone_are_those_of_the_full_figures(october, django_assert_num_queries):
    """The dashboard's and the scrutiny report's trends read only their counts for the earlier
    periods: the same numbers, per place and for the borough, as the full figures hold."""
    names = ["introductions", "conversations", "connections_made"]
    with django_assert_num_queries(1 + len(names)):  # the localities, then a query a count
        trend = metrics.trend_figures(OCTOBER, None, names)
    full = metrics.figures(OCTOBER)
    assert [(f.place, f.slug) for f in trend] == [(f.place, f.slug) for f in full]
    for counted, every in zip(trend, full, strict=True):
        assert counted.values == {name: every.values[name] for name in names}
    assert by_place(trend)["grays"].values["conversations"].value == 7
    assert by_place(trend)["borough"].values["introductions"].value == 8
    tilbury = Locality.objects.filter(slug="tilbury-chadwell")
    assert [f.values for f in metrics.trend_figures(OCTOBER, tilbury, ["introductions"])] == [
        {"introductions": metrics.Count(2, identifying=True)},
        {"introductions": metrics.Count(8, identifying=True)},
    ]
