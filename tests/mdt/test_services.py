"""The MDT's life through its services: requested (once per submission), times proposed and
answered, a time confirmed with calendar invitations (moved: same UID, higher SEQUENCE;
called off: METHOD:CANCEL), two coordinators confirming at once (one wins), the meeting
recorded with actions, actions updated without overwriting, closed and reopened."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from mdt import services
from mdt.models import Invitation, Mdt, MdtAction, Response
from tests.mdt.factories import meeting_started, request, with_slots
from thurrock_care.audit.models import Event
from thurrock_care.versions import EditConflict

pytestmark = pytest.mark.django_db


def calendars(outbox) -> list[Calendar]:
    found = []
    for message in outbox:
        for attachment in message.attachments:
            name, content, mimetype = attachment
            assert name == "invite.ics"
            assert mimetype.startswith("text/calendar")
            found.append(Calendar.from_ical(content))
    return found


def test_request_sets_the_deadline_invites_and_audits(s):
    mdt = request(s)
    assert mdt.status == Mdt.Status.REQUESTED
    assert mdt.locality == s.resident.locality
    assert mdt.deadline > mdt.requested_at + timedelta(days=1)
    invitations = {i.organisation: i.required for i in mdt.invitations.all()}
    assert invitations == {s.housing: True, s.fire: True, s.nhs: False}
    assert Event.objects.filter(resident_id=s.resident.pk, details__mdt="requested").count() == 1


def test_a_double_submitted_request_makes_one_mdt(s):
    key = uuid.uuid4()
    kwargs = dict(resident=s.resident, by=s.coordinator, urgency="urgent", concern="c",
                  residents_voice="v", organisations=s.organisations, required=[],
                  consent_given=True, submission_key=key)  # fmt: skip
    first = services.request_mdt(**kwargs)
    second = services.request_mdt(**kwargs)
    assert first.pk == second.pk
    assert Mdt.objects.count() == 1


def test_without_consent_a_lawful_basis_is_needed(s):
    with pytest.raises(ValidationError, match="lawful basis"):
        services.request_mdt(resident=s.resident, by=s.coordinator, urgency="urgent",
                             concern="c", residents_voice="v", organisations=s.organisations,
                             required=[], consent_given=False)  # fmt: skip
    mdt = services.request_mdt(
        resident=s.resident,
        by=s.coordinator,
        urgency="urgent",
        concern="c",
        residents_voice="v",
        organisations=s.organisations,
        required=[],
        consent_given=False,
        lawful_basis="safeguarding",
    )
    assert mdt.lawful_basis == "safeguarding"


def test_proposing_times_asks_every_member_with_an_urgent_notification(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    mdt = request(s)
    with django_capture_on_commit_callbacks(execute=True):
        with_slots(s, mdt, 3, 5)
    mdt.refresh_from_db()
    assert mdt.status == Mdt.Status.FINDING
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [s.housing_partner.email, s.fire_partner.email, s.nhs_partner.email]
    )
    body = mailoutbox[0].body
    assert "/mdt/availability/" in body
    assert s.resident.full_name not in body + mailoutbox[0].subject


def _answer(s, mdt, org, answers):
    invitation = Invitation.objects.get(mdt=mdt, organisation=org)
    return services.answer_slots(
        invitation=invitation, by=None,
        answers=[services.Answer(slot=slot, answer=a) for slot, a in answers],
    )  # fmt: skip


def test_answers_are_kept_and_the_latest_counts(s):
    from mdt import queries

    mdt = request(s)
    first, second = with_slots(s, mdt, 3, 5)
    _answer(s, mdt, s.housing, [(first, "cannot"), (second, "can")])
    _answer(s, mdt, s.fire, [(first, "can"), (second, "delegate")])
    table = queries.slot_table(mdt, list(mdt.invitations.all()))
    assert table["recommendation"].slot_id == second.pk
    _answer(s, mdt, s.housing, [(first, "can")])  # changed their mind
    assert Response.objects.filter(slot=first).count() == 3
    table = queries.slot_table(mdt, list(mdt.invitations.all()))
    assert table["recommendation"].slot_id == first.pk


def test_confirming_sends_ical_requests_and_moving_keeps_the_uid(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    mdt = request(s)
    first, second = with_slots(s, mdt, 3, 5)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_slot(mdt=mdt, slot=first, by=s.coordinator)
    confirmed = calendars(mailoutbox)
    assert len(confirmed) == 4  # three partners and the coordinator who requested it
    event = confirmed[0].walk("VEVENT")[0]
    assert str(confirmed[0]["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == first.starts_at
    uid, sequence = str(event["UID"]), int(event["SEQUENCE"])
    assert s.resident.full_name not in confirmed[0].to_ical().decode()

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule(mdt=mdt, slot=second, by=s.coordinator)
    moved = calendars(mailoutbox)
    event = moved[0].walk("VEVENT")[0]
    assert str(moved[0]["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) > sequence
    assert event.decoded("DTSTART") == second.starts_at

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(mdt=mdt, by=s.coordinator)
    cancelled = calendars(mailoutbox)
    assert str(cancelled[0]["METHOD"]) == "CANCEL"
    assert str(cancelled[0].walk("VEVENT")[0]["UID"]) == uid
    mdt.refresh_from_db()
    assert mdt.status == Mdt.Status.FINDING
    assert mdt.confirmed_slot is None
    cancel_sequence = int(cancelled[0].walk("VEVENT")[0]["SEQUENCE"])

    # Confirmed again after the cancellation: a REQUEST newer than the CANCEL.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_slot(mdt=mdt, slot=first, by=s.coordinator)
    again = calendars(mailoutbox)
    assert len(again) == 4
    assert str(again[0]["METHOD"]) == "REQUEST"
    assert str(again[0].walk("VEVENT")[0]["UID"]) == uid
    assert int(again[0].walk("VEVENT")[0]["SEQUENCE"]) > cancel_sequence


def test_a_second_confirmation_is_refused(s):
    mdt = request(s)
    first, second = with_slots(s, mdt, 3, 5)
    services.confirm_slot(mdt=mdt, slot=first, by=s.coordinator)
    with pytest.raises(services.AlreadyConfirmed, match="already confirmed"):
        services.confirm_slot(mdt=mdt, slot=second, by=s.coordinator)
    mdt.refresh_from_db()
    assert mdt.confirmed_slot == first


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_confirming_at_once_one_wins(grays, coordinator):
    """Two real transactions on PostgreSQL: the first holds the MDT's row lock while the
    second waits; the second then sees the confirmation and is told."""
    from tests.mdt.factories import scene

    s = scene(grays, coordinator)
    mdt = request(s)
    first, second = with_slots(s, mdt, 3, 5)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def confirm(name, slot):
        try:
            barrier.wait(5)
            results[name] = services.confirm_slot(
                mdt=mdt, slot=slot, by=s.coordinator
            ).confirmed_slot_id
        except services.AlreadyConfirmed as error:
            results[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(n, slot))
               for n, slot in (("a", first), ("b", second))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    winners = [v for v in results.values() if isinstance(v, int)]
    losers = [v for v in results.values() if isinstance(v, services.AlreadyConfirmed)]
    assert len(winners) == 1
    assert len(losers) == 1
    mdt.refresh_from_db()
    assert mdt.confirmed_slot_id == winners[0]
    assert losers[0].slot.pk == winners[0]
    assert Event.objects.filter(details__mdt="confirmed").count() == 1


def _scheduled(s):
    mdt = request(s)
    [slot] = with_slots(s, mdt, 3)
    return services.confirm_slot(mdt=mdt, slot=slot, by=s.coordinator)


def test_record_actions_update_close_and_reopen(s):
    mdt = _scheduled(s)
    meeting_started(mdt)
    services.record_meeting(mdt=mdt, by=s.coordinator, attended=[s.housing, s.fire],
                            apologies=[s.nhs], discussion="d", residents_voice="v",
                            decisions="Damp survey")  # fmt: skip
    mdt.refresh_from_db()
    assert mdt.status == Mdt.Status.ACTIONS
    action = services.add_action(mdt=mdt, by=s.coordinator, what="Damp survey",
                                 owner_organisation=s.housing, owner_person=s.housing_partner,
                                 due_on=timezone.localdate() + timedelta(days=3))  # fmt: skip
    with pytest.raises(ValidationError, match="still open"):
        services.close_mdt(mdt=mdt, by=s.coordinator, outcome="Done", version=mdt.version)
    services.update_action(action=action, by=s.housing_partner, status="done", note="Booked",
                           version=action.version)  # fmt: skip
    with pytest.raises(EditConflict):  # someone else's stale form
        services.update_action(action=action, by=s.coordinator, status="open", note="",
                               version=1)  # fmt: skip
    action.refresh_from_db()
    assert action.status == MdtAction.Status.DONE
    assert action.note == "Booked"
    services.close_mdt(mdt=mdt, by=s.coordinator, outcome="Band A", version=mdt.version)
    mdt.refresh_from_db()
    assert mdt.status == Mdt.Status.CLOSED
    assert mdt.closed_at is not None
    services.reopen_mdt(mdt=mdt, by=s.coordinator, reason="New concern", version=mdt.version)
    mdt.refresh_from_db()
    assert mdt.status == Mdt.Status.ACTIONS
    assert mdt.closed_at is None


def test_cannot_be_done_needs_a_reason(s):
    mdt = _scheduled(s)
    action = services.add_action(mdt=mdt, by=s.coordinator, what="x", owner_organisation=s.fire,
                                 owner_person=None, due_on=timezone.localdate())  # fmt: skip
    with pytest.raises(ValidationError, match="why"):
        services.update_action(action=action, by=s.fire_partner, status="cannot", note=" ",
                               version=action.version)  # fmt: skip


def test_a_double_submitted_action_makes_one(s):
    mdt = _scheduled(s)
    key = uuid.uuid4()
    kwargs = dict(mdt=mdt, by=s.coordinator, what="x", owner_organisation=s.fire,
                  owner_person=None, due_on=timezone.localdate(), submission_key=key)  # fmt: skip
    assert services.add_action(**kwargs).pk == services.add_action(**kwargs).pk
    assert MdtAction.objects.count() == 1


def test_every_write_records_exactly_one_audit_entry(s):
    def one_entry(call):
        before = Event.objects.count()
        result = call()
        assert Event.objects.count() == before + 1, call
        return result

    mdt = one_entry(lambda: request(s))
    first, second = one_entry(lambda: with_slots(s, mdt, 3, 5))
    invitation = Invitation.objects.get(mdt=mdt, organisation=s.housing)
    one_entry(
        lambda: services.answer_slots(
            invitation=invitation,
            by=None,
            via_link=True,
            answers=[services.Answer(slot=first, answer="can")],
        )
    )
    one_entry(lambda: services.confirm_slot(mdt=mdt, slot=first, by=s.coordinator))
    one_entry(lambda: services.reschedule(mdt=mdt, slot=second, by=s.coordinator))
    one_entry(lambda: services.cancel_meeting(mdt=mdt, by=s.coordinator))
    one_entry(lambda: services.confirm_slot(mdt=mdt, slot=first, by=s.coordinator))
    meeting_started(mdt)
    one_entry(
        lambda: services.record_meeting(
            mdt=mdt,
            by=s.coordinator,
            attended=[],
            apologies=[],
            discussion="",
            residents_voice="",
            decisions="",
        )
    )
    action = one_entry(
        lambda: services.add_action(
            mdt=mdt,
            by=s.coordinator,
            what="x",
            owner_organisation=s.fire,
            owner_person=None,
            due_on=timezone.localdate(),
        )
    )
    one_entry(
        lambda: services.update_action(
            action=action, by=s.coordinator, status="done", note="", version=1
        )
    )
    mdt.refresh_from_db()
    one_entry(
        lambda: services.close_mdt(mdt=mdt, by=s.coordinator, outcome="o", version=mdt.version)
    )
    mdt.refresh_from_db()
    one_entry(
        lambda: services.reopen_mdt(mdt=mdt, by=s.coordinator, reason="r", version=mdt.version)
    )
    link_answer = Event.objects.filter(details__mdt="answered").get()
    assert link_answer.actor is None
    assert link_answer.resident_id == s.resident.pk


def test_an_organisation_nobody_here_works_for_gets_the_link_at_its_contact_address(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import MembershipFactory, OrganisationFactory

    ramps = OrganisationFactory(name="Ramps CIC", contact_email="office@ramps.test")
    MembershipFactory(locality=s.resident.locality, organisation=ramps)
    s.housing.contact_email = "shared@housing.test"  # has members with accounts: notified
    s.housing.save(update_fields=["contact_email"])
    mdt = services.request_mdt(resident=s.resident, by=s.coordinator, urgency="urgent",
                               concern="c", residents_voice="v",
                               organisations=[s.housing, ramps], required=[],
                               consent_given=True)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        with_slots(s, mdt, 3)
    [email] = [m for m in mailoutbox if m.to == ["office@ramps.test"]]
    assert "/mdt/availability/" in email.body
    assert s.resident.full_name not in email.subject + email.body
    assert "urgent MDT in Grays" in email.subject
    assert not [m for m in mailoutbox if m.to == ["shared@housing.test"]]
    # The link in it works without an account.
    from django.conf import settings
    from django.test import Client

    path = email.body.split(settings.SITE_URL, 1)[1].split()[0]
    assert Client().get(path).status_code == 200


def _closed_with_done_action(s):
    mdt = _scheduled(s)
    meeting_started(mdt)
    services.record_meeting(mdt=mdt, by=s.coordinator, attended=[s.housing], apologies=[],
                            discussion="d", residents_voice="v", decisions="x")  # fmt: skip
    action = services.add_action(mdt=mdt, by=s.coordinator, what="Ramp",
                                 owner_organisation=s.housing, owner_person=None,
                                 due_on=timezone.localdate() + timedelta(days=3))  # fmt: skip
    services.update_action(action=action, by=s.housing_partner, status="done", note="",
                           version=1)  # fmt: skip
    mdt.refresh_from_db()
    services.close_mdt(mdt=mdt, by=s.coordinator, outcome="ok", version=mdt.version)
    action.refresh_from_db()
    return Mdt.objects.get(pk=mdt.pk), action


def test_an_action_of_a_closed_mdt_cannot_be_changed(s, client):
    """Neither its owner nor the coordinator can reopen (or otherwise change) an action once
    its MDT is closed: by the service, the page or the API."""
    from django.urls import reverse
    from rest_framework.test import APIClient

    mdt, action = _closed_with_done_action(s)
    for who in (s.housing_partner, s.coordinator):
        with pytest.raises(
            ValidationError, match="is closed, so its actions can no longer be changed"
        ):
            services.update_action(action=action, by=who, status="open", note="",
                                   version=action.version)  # fmt: skip
    client.force_login(s.housing_partner)
    typed = {"status": "open", "note": "reopened", "version": action.version}
    page = client.post(reverse("mdt:action", args=[action.pk]), typed)
    assert page.status_code == 400
    assert "is closed, so its actions can no longer be changed" in page.text
    assert "reopened" in page.text  # what was typed is kept
    api = APIClient()
    api.force_authenticate(s.housing_partner)
    answer = api.patch(f"/api/v1/mdt-actions/{action.pk}/",
                       {"status": "open", "version": action.version}, format="json")  # fmt: skip
    assert answer.status_code == 400
    assert "is closed, so its actions can no longer be changed" in str(answer.json())
    action.refresh_from_db()
    assert action.status == MdtAction.Status.DONE
    assert action.version == 2
    assert Mdt.objects.get(pk=mdt.pk).status == Mdt.Status.CLOSED


@pytest.mark.django_db(transaction=True)
def test_an_action_added_while_the_mdt_closes_is_refused(grays, coordinator):
    """Two real transactions on PostgreSQL: one coordinator closes the MDT (holding its row
    lock, not yet committed) while another adds an action. The add waits for the lock, then
    sees the MDT closed and is refused: never a closed MDT with an open action."""
    from django.db import transaction

    from tests.mdt.factories import scene

    s = scene(grays, coordinator)
    mdt = _scheduled(s)
    meeting_started(mdt)
    services.record_meeting(mdt=mdt, by=s.coordinator, attended=[], apologies=[],
                            discussion="", residents_voice="", decisions="")  # fmt: skip
    mdt.refresh_from_db()
    closed, go = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def close():
        try:
            with transaction.atomic():
                services.close_mdt(mdt=mdt, by=s.coordinator, outcome="done", version=mdt.version)
                closed.set()
                go.wait(10)
        finally:
            connection.close()

    def add():
        try:
            results["add"] = services.add_action(
                mdt=mdt, by=s.coordinator, what="Late action", owner_organisation=s.housing,
                owner_person=None, due_on=timezone.localdate() + timedelta(days=2),
            )  # fmt: skip
        except ValidationError as error:
            results["add"] = error
        finally:
            connection.close()

    closer = threading.Thread(target=close)
    closer.start()
    assert closed.wait(10)
    adder = threading.Thread(target=add)
    adder.start()
    adder.join(1)  # without the lock it has long finished; with it, it waits for the close
    go.set()
    closer.join(30)
    adder.join(30)
    assert isinstance(results["add"], ValidationError)
    assert "closed" in str(results["add"])
    assert Mdt.objects.get(pk=mdt.pk).status == Mdt.Status.CLOSED
    assert not MdtAction.objects.filter(mdt=mdt).exists()


def test_a_past_time_or_one_a_required_organisation_cannot_make_is_not_confirmed(s, client):
    """Refused with a clear message by the service, the page (400) and the API (400); moving
    the meeting to such a time too."""
    from django.urls import reverse
    from rest_framework.test import APIClient

    from mdt.models import Slot

    api = APIClient()
    api.force_authenticate(s.coordinator)
    client.force_login(s.coordinator)
    mdt = request(s)
    past, cannot, fine = with_slots(s, mdt, 3, 5, 7)
    gone = timezone.now() - timedelta(days=2)
    Slot.objects.filter(pk=past.pk).update(starts_at=gone, ends_at=gone + timedelta(hours=1))
    past.refresh_from_db()
    housing = Invitation.objects.get(mdt=mdt, organisation=s.housing)
    services.answer_slots(invitation=housing, by=s.housing_partner,
                          answers=[services.Answer(slot=cannot, answer="cannot")])  # fmt: skip
    for slot, message in [
        (past, "That time has passed; choose a time still to come"),
        (cannot, "Thurrock Housing cannot make this time; propose more times or choose another"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.confirm_slot(mdt=mdt, slot=slot, by=s.coordinator)
        page = client.post(reverse("mdt:confirm", args=[mdt.pk]), {"slot": slot.pk})
        assert page.status_code == 400
        assert message in page.text
        answer = api.post(f"/api/v1/mdts/{mdt.pk}/confirm/", {"slot": slot.pk}, format="json")
        assert answer.status_code == 400
        assert message in str(answer.json())
    mdt.refresh_from_db()
    assert mdt.status == Mdt.Status.FINDING
    assert mdt.confirmed_slot is None
    services.confirm_slot(mdt=mdt, slot=fine, by=s.coordinator)
    with pytest.raises(ValidationError, match="Thurrock Housing cannot make this time"):
        services.reschedule(mdt=mdt, slot=cannot, by=s.coordinator)
    with pytest.raises(ValidationError, match="That time has passed"):
        services.reschedule(mdt=mdt, slot=past, by=s.coordinator)
    mdt.refresh_from_db()
    assert mdt.confirmed_slot == fine


def test_the_meeting_is_recorded_only_once_it_has_begun(s, client):
    """Before the confirmed time, recording is refused (service, page 400, API 400) and the
    meeting can still be moved; from its start it is recorded."""
    from django.urls import reverse
    from rest_framework.test import APIClient

    from mdt.models import MeetingRecord

    mdt = _scheduled(s)
    message = "record it once it has begun"
    with pytest.raises(ValidationError, match=message):
        services.record_meeting(mdt=mdt, by=s.coordinator, attended=[], apologies=[],
                                discussion="", residents_voice="", decisions="")  # fmt: skip
    client.force_login(s.coordinator)
    page = client.post(reverse("mdt:meeting", args=[mdt.pk]), {"discussion": "typed too early"})
    assert page.status_code == 400
    assert message in page.text
    assert "typed too early" in page.text
    api = APIClient()
    api.force_authenticate(s.coordinator)
    answer = api.post(f"/api/v1/mdts/{mdt.pk}/meeting/", {"discussion": "x"}, format="json")
    assert answer.status_code == 400
    assert message in str(answer.json())
    assert not MeetingRecord.objects.exists()
    assert Mdt.objects.get(pk=mdt.pk).status == Mdt.Status.SCHEDULED
    meeting_started(mdt)
    services.record_meeting(mdt=mdt, by=s.coordinator, attended=[], apologies=[],
                            discussion="d", residents_voice="", decisions="")  # fmt: skip
    assert Mdt.objects.get(pk=mdt.pk).status == Mdt.Status.ACTIONS
