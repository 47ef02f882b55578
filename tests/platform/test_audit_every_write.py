"""Nothing written unrecorded: every write service leaves its audit entry, naming the actor.

The services modules are walked by introspection, so a write service added later without a row
in WRITES fails `test_every_write_service_is_in_the_table`.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from introductions.models import Introduction
from introductions.services import conversations as lac_conversations
from introductions.services import drop_ins as lac_drop_ins
from introductions.services import introductions as lac_introductions
from introductions.services import wellbeing as lac_wellbeing
from localities.models import (
    ActionItem,
    BreakGlassGrant,
    Connection,
    Consent,
    Locality,
    Membership,
    Neighbourhood,
    Organisation,
    PossibleDuplicate,
    Resident,
    StorySection,
)
from localities.services import ilt, places, residents
from tests.conftest import make_persona
from tests.factories import (
    CommunityAssetFactory,
    JoinRequestFactory,
    LearningCycleFactory,
    MeetingFactory,
    OrganisationFactory,
    ResidentFactory,
    UserFactory,
)
from thurrock_care.accounts import services as account_services
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Action, Event
from thurrock_care.reports import services as reports
from thurrock_care.reports.periods import Period

pytestmark = pytest.mark.django_db

LAC = [lac_introductions, lac_conversations, lac_drop_ins, lac_wellbeing]
MODULES = [places, ilt, residents, account_services, *LAC, reports]

# Functions in those modules that write nothing (reads that help a write).
READS = {"find_for_break_glass"}


@dataclass
class Write:
    call: Callable  # (by, grays) -> None: prepares what it needs, then calls the service once
    actions: list[Action]  # the entries it leaves, in any order
    actor: str = "by"  # "by", "public" (no account: a public form) or "self" (the user it acts on)


def resident() -> Resident:
    return ResidentFactory()


def merged_pair(by):
    survivor, duplicate = ResidentFactory(), ResidentFactory()
    return residents.merge_residents(survivor=survivor, duplicate=duplicate, by=by)


def introduction(by, grays) -> Introduction:
    return lac_introductions.create_introduction(
        resident=resident(), by=by, holder=make_persona(Role.PRACTITIONER, grays), source="self"
    )


def drop_in(by, grays):
    start = timezone.now()
    return lac_drop_ins.create_drop_in(
        by=by, locality=grays, title="Drop-in", venue="Library", starts_at=start,
        ends_at=start + timedelta(hours=2),
    )  # fmt: skip


def approve(by, grays):
    join_request = JoinRequestFactory(organisation_name="Audit Befrienders")
    ilt.approve_join_request(join_request=join_request, by=by)


# Every write service of localities, by name, whichever module holds it.
S = SimpleNamespace(
    **{
        name: function
        for module in (places, ilt, residents, *LAC)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
    }
)
A = account_services
WRITES: dict[str, Write] = {
    "create_resident": Write(
        lambda by, grays: S.create_resident(
            by=by, full_name="Audit Person", neighbourhood=Neighbourhood.objects.get(name="Grays")
        ),
        [Action.CREATED],
    ),
    "update_resident": Write(
        lambda by, grays: S.update_resident(resident=resident(), by=by, version=1, phone="01"),
        [Action.CHANGED],
    ),
    "set_resident_status": Write(
        lambda by, grays: S.set_resident_status(
            resident=resident(), by=by, status=Resident.Status.MOVED_AWAY
        ),
        [Action.STATUS_CHANGED],
    ),
    "write_story": Write(
        lambda by, grays: S.write_story(
            resident=resident(), by=by, section=StorySection.ABOUT_ME, text="Hello"
        ),
        [Action.CHANGED],
    ),
    "add_connection": Write(
        lambda by, grays: S.add_connection(resident=resident(), by=by, kind="pet", name="Rex"),
        [Action.CHANGED],
    ),
    "remove_connection": Write(
        lambda by, grays: S.remove_connection(
            connection=Connection.objects.create(
                resident=resident(), kind="pet", name="Rex", added_by=UserFactory()
            ),
            by=by,
        ),
        [Action.CHANGED],
    ),
    "record_consent": Write(
        lambda by, grays: S.record_consent(
            resident=resident(),
            by=by,
            decision=Consent.Decision.DECLINED,
            decided_on=timezone.localdate(),
        ),
        [Action.CONSENT_RECORDED],
    ),
    "record_view": Write(
        lambda by, grays: S.record_view(resident=resident(), by=by), [Action.VIEWED]
    ),
    "record_export": Write(
        lambda by, grays: S.record_export(resident=resident(), by=by), [Action.EXPORTED]
    ),
    "break_glass": Write(
        lambda by, grays: S.break_glass(resident=resident(), by=by, reason="At the door"),
        [Action.BREAK_GLASS],
    ),
    "review_break_glass": Write(
        lambda by, grays: S.review_break_glass(
            grant=BreakGlassGrant.objects.create(
                resident=resident(),
                user=UserFactory(),
                reason="At the door",
                expires_at=timezone.now(),
            ),
            by=by,
        ),
        [Action.BREAK_GLASS_REVIEWED],
    ),
    "mark_different_people": Write(
        lambda by, grays: S.mark_different_people(
            flag=PossibleDuplicate.objects.create(resident=resident(), candidate=resident()),
            by=by,
        ),
        [Action.DUPLICATE_REVIEWED],
    ),
    "merge_residents": Write(
        lambda by, grays: merged_pair(by),
        [Action.MERGED, Action.MERGED],  # one per record
    ),
    "reverse_merge": Write(
        lambda by, grays: S.reverse_merge(merge=merged_pair(by), by=by),
        [Action.MERGED, Action.MERGED, Action.UNMERGED, Action.UNMERGED],
    ),
    "create_introduction": Write(
        lambda by, grays: S.create_introduction(
            resident=resident(),
            by=by,
            holder=make_persona(Role.PRACTITIONER, grays),
            source="self",
        ),
        [Action.CHANGED],
    ),
    "update_introduction": Write(
        lambda by, grays: S.update_introduction(
            introduction=introduction(by, grays), by=by, version=1, introduced_by="Dr Shah"
        ),
        [Action.CHANGED, Action.CHANGED],  # made, then changed
    ),
    "reassign_introductions": Write(
        lambda by, grays: S.reassign_introductions(
            introductions=[introduction(by, grays)],
            to=make_persona(Role.COORDINATOR, grays),
            by=by,
        ),
        [Action.CHANGED, Action.CHANGED],  # made, then reassigned
    ),
    "log_conversation": Write(
        lambda by, grays: S.log_conversation(
            resident=resident(), by=by, how_we_met="phone", what_matters="Her garden"
        ),
        [Action.CHANGED],
    ),
    "log_first_conversation": Write(
        lambda by, grays: S.log_first_conversation(
            by=by,
            resident_details={
                "full_name": "Audit New",
                "neighbourhood": Neighbourhood.objects.get(name="Grays"),
            },
            how_we_met="drop_in",
            what_matters="Company",
        ),
        [Action.CREATED, Action.CHANGED],
    ),
    "create_drop_in": Write(lambda by, grays: drop_in(by, grays), [Action.CHANGED]),
    "update_drop_in": Write(
        lambda by, grays: S.update_drop_in(
            session=drop_in(by, grays), by=by, version=1, title="Talking Shop"
        ),
        [Action.CHANGED, Action.CHANGED],
    ),
    "cancel_drop_in": Write(
        lambda by, grays: S.cancel_drop_in(
            session=drop_in(by, grays), by=by, version=1, reason="The venue is closed"
        ),
        [Action.CHANGED, Action.CHANGED],  # planned, then cancelled
    ),
    "start_drop_in": Write(
        lambda by, grays: S.start_drop_in(session=drop_in(by, grays), by=by),
        [Action.CHANGED, Action.CHANGED],
    ),
    "end_drop_in": Write(
        lambda by, grays: S.end_drop_in(session=drop_in(by, grays), by=by),
        [Action.CHANGED, Action.CHANGED],
    ),
    "add_to_headcount": Write(
        lambda by, grays: S.add_to_headcount(session=drop_in(by, grays), by=by),
        [Action.CHANGED, Action.CHANGED],
    ),
    "record_wellbeing": Write(
        lambda by, grays: S.record_wellbeing(resident=resident(), by=by, worthwhile=7),
        [Action.CHANGED],
    ),
    "create_organisation": Write(
        lambda by, grays: S.create_organisation(
            by=by, name="Audit Group", kind=Organisation.Kind.VOLUNTARY_GROUP
        ),
        [Action.ORGANISATION_CREATED],
    ),
    "update_organisation": Write(
        lambda by, grays: S.update_organisation(
            organisation=OrganisationFactory(), by=by, kind=Organisation.Kind.ADULT_SOCIAL_CARE
        ),
        [Action.ORGANISATION_CHANGED],
    ),
    "add_membership": Write(
        lambda by, grays: S.add_membership(
            organisation=OrganisationFactory(), locality=grays, by=by
        ),
        [Action.MEMBERSHIP_ADDED],
    ),
    "end_membership": Write(
        lambda by, grays: S.end_membership(
            membership=Membership.objects.create(
                organisation=OrganisationFactory(), locality=grays, joined_on=timezone.localdate()
            ),
            by=by,
        ),
        [Action.MEMBERSHIP_ENDED],
    ),
    "submit_join_request": Write(
        lambda by, grays: S.submit_join_request(
            locality=grays,
            submission_key=None,
            organisation_name="Audit Group",
            kind=Organisation.Kind.VOLUNTARY_GROUP,
            offer="Tea",
            contact_name="Sam",
            contact_email="sam@audit.test",
        ),
        [Action.JOIN_REQUESTED],
        actor="public",
    ),
    "approve_join_request": Write(
        approve,
        [
            Action.ORGANISATION_CREATED,
            Action.MEMBERSHIP_ADDED,
            Action.ACCOUNT_INVITED,
            Action.JOIN_APPROVED,
        ],
    ),
    "decline_join_request": Write(
        lambda by, grays: S.decline_join_request(
            join_request=JoinRequestFactory(), by=by, reason="Not in Thurrock"
        ),
        [Action.JOIN_DECLINED],
    ),
    "create_meeting": Write(
        lambda by, grays: S.create_meeting(locality=grays, by=by, starts_at=timezone.now()),
        [Action.MEETING_CREATED],
    ),
    "update_meeting": Write(
        lambda by, grays: S.update_meeting(
            meeting=MeetingFactory(),
            by=by,
            version=1,
            starts_at=timezone.now(),
            place="Hall",
            online_link="",
            attending=[],
            apologies=[],
            notes="Notes",
            decisions="",
        ),
        [Action.MEETING_CHANGED],
    ),
    "add_action_item": Write(
        lambda by, grays: S.add_action_item(meeting=MeetingFactory(), by=by, text="Call"),
        [Action.ACTION_ITEM_ADDED],
    ),
    "mark_action_item_done": Write(
        lambda by, grays: S.mark_action_item_done(
            item=ActionItem.objects.create(meeting=MeetingFactory(), text="Call"), by=by
        ),
        [Action.ACTION_ITEM_DONE],
    ),
    "create_learning_cycle": Write(
        lambda by, grays: S.create_learning_cycle(locality=grays, by=by, question="Why?"),
        [Action.LEARNING_CYCLE_CREATED],
    ),
    "update_learning_cycle": Write(
        lambda by, grays: S.update_learning_cycle(
            cycle=LearningCycleFactory(),
            by=by,
            version=1,
            locality=grays,
            question="Why not?",
            status="trying",
            tried="",
            learned="",
            next_steps="",
        ),
        [Action.LEARNING_CYCLE_CHANGED],
    ),
    "create_asset": Write(
        lambda by, grays: S.create_asset(
            by=by,
            neighbourhood=Neighbourhood.objects.get(name="Grays"),
            name="Audit Club",
            kind="group",
            offer="Tea",
        ),
        [Action.ASSET_CREATED],
    ),
    "update_asset": Write(
        lambda by, grays: S.update_asset(
            asset=CommunityAssetFactory(), by=by, version=1, cost="£1"
        ),
        [Action.ASSET_CHANGED],
    ),
    "invite_user": Write(
        lambda by, grays: A.invite_user(
            by=by, email="new@audit.test", full_name="New Person", role=Role.PARTNER
        ),
        [Action.ACCOUNT_INVITED],
    ),
    "send_invitation": Write(
        lambda by, grays: A.send_invitation(user=UserFactory(), by=by), [Action.INVITATION_SENT]
    ),
    "confirm_email_address": Write(
        lambda by, grays: A.confirm_email_address(user=by),
        [Action.EMAIL_CONFIRMED],
        actor="self",
    ),
    "record_sign_in_change": Write(
        lambda by, grays: A.record_sign_in_change(user=by, action=Action.PASSWORD_CHANGED),
        [Action.PASSWORD_CHANGED],
        actor="self",
    ),
    "update_account": Write(
        lambda by, grays: A.update_account(
            user=UserFactory(role=Role.PARTNER), by=by, role=Role.PRACTITIONER, localities=[grays]
        ),
        [Action.ACCOUNT_CHANGED],
    ),
    "reset_mfa": Write(
        lambda by, grays: A.reset_mfa(user=make_persona(Role.PARTNER, grays), by=by),
        [Action.MFA_RESET],
    ),
    "issue_api_token": Write(
        lambda by, grays: A.issue_api_token(user=UserFactory(), by=by), [Action.API_TOKEN_ISSUED]
    ),
    "revoke_api_token": Write(
        lambda by, grays: A.revoke_api_token(user=UserFactory(), by=by),
        [Action.API_TOKEN_REVOKED],
    ),
    "write_case_study": Write(
        lambda by, grays: case_study(by),
        [Action.CASE_STUDY_WRITTEN],
    ),
    "change_case_study": Write(
        lambda by, grays: reports.change_case_study(
            study=case_study(by), by=by, version=1, title="Home again", story="A good ending."
        ),
        [Action.CASE_STUDY_WRITTEN, Action.CASE_STUDY_WRITTEN],
    ),
    "publish_case_study": Write(
        lambda by, grays: reports.publish_case_study(study=case_study(by), by=by, version=1),
        [Action.CASE_STUDY_WRITTEN, Action.CASE_STUDY_PUBLISHED],
    ),
    "request_report": Write(
        lambda by, grays: reports.request_report(
            by=by, period=Period.month(timezone.localdate()), localities=[grays]
        ),
        [Action.REPORT_REQUESTED],
    ),
}


def case_study(by):
    return reports.write_case_study(
        by=by, resident=ResidentFactory(), title="Home", story="Home from hospital."
    )


def write_services() -> set[str]:
    return {
        name
        for module in MODULES
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    } - READS


def test_every_write_service_is_in_the_table():
    assert write_services() == set(WRITES)


def test_every_write_service_takes_by_except_the_public_form_and_the_account_holder_s_own():
    """A public form has nobody to name; the other two record what the account holder did."""
    missing = {
        name
        for module in MODULES
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if name in WRITES and "by" not in inspect.signature(function).parameters
    }
    assert missing == {"submit_join_request", "confirm_email_address", "record_sign_in_change"}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_write_service_leaves_its_entries_naming_the_actor(
    name, grays, django_capture_on_commit_callbacks
):
    write = WRITES[name]
    by = make_persona(Role.ADMINISTRATOR, None)  # may do anything, so every service runs
    before = set(Event.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        write.call(by, Locality.objects.get(slug="grays"))
    events = list(Event.objects.exclude(pk__in=before))
    assert sorted(event.action for event in events) == sorted(write.actions)
    for event in events:
        if write.actor == "public":
            assert (event.actor, event.actor_name) == (None, "Public form")
        else:
            assert event.actor == by
            assert event.actor_name == by.full_name
        assert event.resident_id or (event.object_type and event.object_id)


def test_a_write_that_fails_leaves_no_entry(grays):
    by = make_persona(Role.COORDINATOR, grays)
    join_request = JoinRequestFactory()
    OrganisationFactory(name=join_request.organisation_name)  # approving it as new is refused
    with pytest.raises(Exception, match="already an organisation"):
        ilt.approve_join_request(join_request=join_request, by=by)
    assert not Event.objects.exists()
    assert not Membership.objects.exists()


def test_entries_about_other_things_than_residents_can_be_found_by_their_subject(grays):
    by = make_persona(Role.ADMINISTRATOR, None)
    organisation = places.create_organisation(
        by=by, name="Findable", kind=Organisation.Kind.HOUSING
    )
    places.update_organisation(
        organisation=organisation, by=by, kind=Organisation.Kind.ADULT_SOCIAL_CARE
    )
    history = Event.objects.filter(object_type="localities.organisation", object_id=organisation.pk)
    assert [event.action for event in history.order_by("at", "id")] == [
        Action.ORGANISATION_CREATED,
        Action.ORGANISATION_CHANGED,
    ]
    # The change that makes an organisation core (its practitioners then see residents) says so.
    assert history.get(action=Action.ORGANISATION_CHANGED).details == {
        "kind": ["housing", "adult_social_care"],
        "core": [False, True],
    }
