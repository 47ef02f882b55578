"""Local Area Coordination's writes: introductions (one open at a time, ended only with a
reason, reassigned with their history), conversations (once per key, doing follow-ups, making
and checking connections), drop-ins, wellbeing answers; and who becomes involved."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from introductions import queries
from introductions.models import (
    ConnectionMade,
    Conversation,
    DropInSession,
    FollowUp,
    Introduction,
    WellbeingAnswer,
)
from introductions.services import conversations, drop_ins, introductions, wellbeing
from introductions.services.conversations import NewConnection
from localities.models import Locality, Organisation, Resident
from tests.conftest import make_persona
from tests.factories import (
    CommunityAssetFactory,
    ConsentFactory,
    OrganisationFactory,
    ResidentFactory,
)
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Event
from thurrock_care.versions import EditConflict

pytestmark = pytest.mark.django_db


def introduce(resident, by, holder=None, **fields):
    fields.setdefault("source", Introduction.Source.GP_PRACTICE)
    return introductions.create_introduction(
        resident=resident, by=by, holder=holder or by, **fields
    )


def test_an_introduction_from_anyone_records_who_holds_it_and_is_audited(practitioner):
    resident = ResidentFactory()
    introduction = introduce(
        resident, practitioner, source=Introduction.Source.OTHER, source_other="The pharmacist"
    )
    assert introduction.status == Introduction.Status.GETTING_TO_KNOW
    assert introduction.source_label == "The pharmacist"
    assert [h.holder for h in introduction.holders.all()] == [practitioner]
    event = Event.objects.get(object_type="introductions.introduction")
    assert (event.resident_id, event.actor, event.details["introduction"]) == (
        resident.pk, practitioner, "created"
    )  # fmt: skip


def test_other_needs_saying_who_and_ending_needs_a_reason(practitioner):
    resident = ResidentFactory()
    with pytest.raises(ValidationError, match="Say who introduced them"):
        introduce(resident, practitioner, source=Introduction.Source.OTHER)
    introduction = introduce(resident, practitioner)
    with pytest.raises(ValidationError, match="Say why it ended"):
        introductions.update_introduction(
            introduction=introduction, by=practitioner, version=1, status="ended"
        )
    ended = introductions.update_introduction(
        introduction=introduction, by=practitioner, version=1, status="ended",
        ended_reason="Goes to the lunch club every week; happy to call if needed.",
    )  # fmt: skip
    assert ended.ended_on == timezone.localdate()
    assert Introduction.objects.get().is_ended


def test_one_open_introduction_at_a_time_and_the_same_submission_gives_the_first(practitioner):
    resident = ResidentFactory()
    key = uuid.uuid4()
    first = introduce(resident, practitioner, submission_key=key)
    assert introduce(resident, practitioner, submission_key=key) == first
    with pytest.raises(ValidationError, match="already has an open introduction"):
        introduce(resident, practitioner)
    assert Introduction.objects.count() == 1


def test_the_holder_must_work_in_the_resident_s_locality(practitioner):
    elsewhere = make_persona(Role.PRACTITIONER, Locality.objects.get(slug="asop"))
    with pytest.raises(ValidationError, match="works in their locality"):
        introduce(ResidentFactory(), practitioner, holder=elsewhere)


def test_two_edits_of_one_version_the_second_is_refused(practitioner):
    introduction = introduce(ResidentFactory(), practitioner)
    introductions.update_introduction(
        introduction=introduction, by=practitioner, version=1, status="walking_alongside"
    )
    with pytest.raises(EditConflict) as conflict:
        introductions.update_introduction(
            introduction=Introduction.objects.get(), by=practitioner, version=1,
            introduced_by="Dr Shah",
        )  # fmt: skip
    assert conflict.value.current_version == 2
    assert Introduction.objects.get().introduced_by == ""


def test_reassigning_in_bulk_keeps_the_history_and_moves_the_follow_ups(grays, coordinator):
    leaving, taking_over = (make_persona(Role.PRACTITIONER, grays) for _ in range(2))
    held = [
        introduce(ResidentFactory(), coordinator, holder=leaving,
                  stay_in_touch_by=timezone.localdate() + timedelta(days=7))
        for _ in range(3)
    ]  # fmt: skip
    moved = introductions.reassign_introductions(
        introductions=held, to=taking_over, by=coordinator, reason="Leaving the team"
    )
    assert len(moved) == 3
    for introduction in Introduction.objects.all():
        assert introduction.holder == taking_over
        assert introduction.version == 2
        history = list(introduction.holders.all())
        assert [h.holder for h in history] == [leaving, taking_over]
        assert [h.held_until is None for h in history] == [False, True]
        assert history[1].reason == "Leaving the team"
    assert set(FollowUp.objects.values_list("owner", flat=True)) == {taking_over.pk}
    assert Event.objects.filter(details__introduction="reassigned").count() == 3


def test_the_lac_holding_an_open_introduction_sees_the_resident(grays, coordinator):
    volunteer_lac = make_persona(
        Role.PRACTITIONER, grays,
        organisation=OrganisationFactory(kind=Organisation.Kind.VOLUNTARY_GROUP),
    )  # fmt: skip
    resident = ResidentFactory()
    assert not Resident.objects.visible_to(volunteer_lac).filter(pk=resident.pk).exists()
    introduction = introduce(resident, coordinator, holder=volunteer_lac)
    assert Resident.objects.visible_to(volunteer_lac).filter(pk=resident.pk).exists()
    introductions.update_introduction(
        introduction=introduction, by=coordinator, version=1, status="ended",
        ended_reason="Moved to her daughter's",
    )  # fmt: skip
    assert not Resident.objects.visible_to(volunteer_lac).filter(pk=resident.pk).exists()


def log(resident, by, **fields):
    fields.setdefault("how_we_met", Conversation.HowWeMet.DROP_IN)
    fields.setdefault("what_matters", "Getting out of the flat more.")
    return conversations.log_conversation(resident=resident, by=by, **fields)


def test_the_same_conversation_sent_twice_with_one_key_is_one_conversation(practitioner):
    resident = ResidentFactory()
    key = uuid.uuid4()
    first = log(resident, practitioner, submission_key=key)
    assert log(resident, practitioner, submission_key=key) == first
    assert Conversation.objects.count() == 1
    assert Event.objects.filter(details__conversation="logged").count() == 1


def test_a_later_conversation_does_the_follow_ups_and_sets_its_own(practitioner):
    resident = ResidentFactory()
    soon = timezone.localdate() + timedelta(days=3)
    first = log(resident, practitioner, stay_in_touch_by=soon)
    follow_up = FollowUp.objects.get()
    assert (follow_up.conversation, follow_up.owner, follow_up.due_on) == (
        first, practitioner, soon
    )  # fmt: skip
    second = log(resident, practitioner, stay_in_touch_by=soon + timedelta(days=14))
    follow_up.refresh_from_db()
    assert (follow_up.done_by, follow_up.done_at is not None) == (second, True)
    assert FollowUp.objects.open().get().due_on == soon + timedelta(days=14)


def test_connections_made_and_later_checked(practitioner):
    resident = ResidentFactory()
    club = CommunityAssetFactory(name="Purfleet Lunch Club")
    log(resident, practitioner, connections=[
        NewConnection(asset=club), NewConnection(person="Jean, a neighbour"), NewConnection()
    ])  # fmt: skip
    made = {c.name: c for c in ConnectionMade.objects.all()}
    assert set(made) == {"Purfleet Lunch Club", "Jean, a neighbour"}
    later = log(resident, practitioner, checked={
        made["Purfleet Lunch Club"].pk: "kept", made["Jean, a neighbour"].pk: "not_kept"
    })  # fmt: skip
    outcomes = {c.name: (c.outcome, c.checked_in) for c in ConnectionMade.objects.all()}
    assert outcomes == {
        "Purfleet Lunch Club": ("kept", later),
        "Jean, a neighbour": ("not_kept", later),
    }
    other = ResidentFactory()
    with pytest.raises(ValidationError, match="Only connections made with this resident"):
        log(other, practitioner, checked={made["Purfleet Lunch Club"].pk: "kept"})


def test_a_sensitive_conversation_is_shown_only_to_roles_that_see_key_safety_information(
    grays, practitioner
):
    named = OrganisationFactory()
    partner = make_persona(Role.PARTNER, grays, organisation=named)
    resident = ResidentFactory()
    ConsentFactory(resident=resident, organisations=[named])
    log(resident, practitioner, what_matters="Everyday", sensitive=False)
    log(resident, practitioner, what_matters="Disclosed abuse", sensitive=True)
    seen = lambda user: set(  # noqa: E731
        Conversation.objects.visible_to(user).values_list("what_matters", flat=True)
    )
    assert seen(practitioner) == {"Everyday", "Disclosed abuse"}
    assert seen(partner) == {"Everyday"}
    log(resident, partner, what_matters="Partner's own, sensitive", sensitive=True)
    assert seen(partner) == {"Everyday", "Partner's own, sensitive"}


def test_a_first_conversation_with_someone_new_makes_one_record_and_one_conversation(
    practitioner, grays
):
    key = uuid.uuid4()
    details = {"full_name": "Rosa Klebb", "neighbourhood": grays.neighbourhoods.first()}
    for _ in range(2):
        conversation = conversations.log_first_conversation(
            by=practitioner, resident_details=details, submission_key=key,
            how_we_met="drop_in", what_matters="A warm home this winter",
        )  # fmt: skip
    assert Resident.objects.filter(full_name="Rosa Klebb").count() == 1
    assert Conversation.objects.get() == conversation


def test_drop_in_sessions_are_planned_where_the_author_works(practitioner, grays):
    asop = Locality.objects.get(slug="asop")
    start = timezone.now() + timedelta(days=2)
    plan = dict(title="Community Tuesday", starts_at=start, ends_at=start + timedelta(hours=3),
                venue="Morrisons, Grays")  # fmt: skip
    with pytest.raises(ValidationError, match="where you work"):
        drop_ins.create_drop_in(by=practitioner, locality=asop, **plan)
    with pytest.raises(ValidationError, match="after the start"):
        drop_ins.create_drop_in(by=practitioner, locality=grays, **{**plan, "ends_at": start})
    session = drop_ins.create_drop_in(by=practitioner, locality=grays, **plan)
    drop_ins.start_drop_in(session=session, by=practitioner)
    key = uuid.uuid4()
    for _ in range(2):
        drop_ins.add_to_headcount(session=session, by=practitioner, submission_key=key)
    drop_ins.add_to_headcount(session=session, by=practitioner, people=2)
    ended = drop_ins.end_drop_in(session=session, by=practitioner)
    assert (ended.headcount, ended.is_running, ended.ended_at is not None) == (3, False, True)
    steps = Event.objects.filter(object_type="introductions.dropinsession").order_by("id")
    assert [e.details["drop_in"] for e in steps] == [
        "planned", "started", "headcount", "headcount", "ended"
    ]  # fmt: skip
    assert DropInSession.objects.run_by(practitioner).count() == 1
    assert DropInSession.objects.run_by(make_persona(Role.MANAGER, grays)).count() == 0


def test_wellbeing_answers_are_optional_and_at_most_once_a_quarter(practitioner):
    resident = ResidentFactory()
    with pytest.raises(ValidationError, match="answered none"):
        wellbeing.record_wellbeing(resident=resident, by=practitioner)
    with pytest.raises(ValidationError, match="from 0 to 10"):
        wellbeing.record_wellbeing(resident=resident, by=practitioner, worthwhile=11)
    long_ago = timezone.localdate() - timedelta(days=120)
    wellbeing.record_wellbeing(
        resident=resident, by=practitioner, answered_on=long_ago, life_satisfaction=3
    )
    assert queries.next_offer_on(resident) is None
    answer = wellbeing.record_wellbeing(
        resident=resident, by=practitioner, life_satisfaction=6, anxious_yesterday=4
    )
    assert (answer.worthwhile, answer.anxious_yesterday) == (None, 4)
    assert queries.next_offer_on(resident) == timezone.localdate() + timedelta(days=91)
    with pytest.raises(ValidationError, match="no more than once a quarter"):
        wellbeing.record_wellbeing(resident=resident, by=practitioner, happy_yesterday=8)
    assert WellbeingAnswer.objects.count() == 2
