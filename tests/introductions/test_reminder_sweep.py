"""The reminder sweep at scale: one run sends every reminder due (in batches, each its own
transaction), in a fixed number of queries however many follow-ups and owners there are, and
still tells only owners who see the resident's record (the need-to-know gate, checked for all
of a batch at once)."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from introductions import notifications
from introductions.models import FollowUp
from localities.models import Locality, Neighbourhood, Organisation, Resident
from tests.conftest import make_persona
from tests.factories import ConsentFactory, OrganisationFactory, ResidentFactory
from thurrock_care.accounts.models import Role
from thurrock_care.notifications.delivery import UK
from thurrock_care.notifications.models import Notification

pytestmark = pytest.mark.django_db


def last_midday() -> datetime:
    """The latest 12:00 UK time that has passed (outside quiet hours: e-mailed at once)."""
    now = timezone.now().astimezone(UK)
    day = now.date() if now.time() >= time(12) else now.date() - timedelta(days=1)
    return datetime.combine(day, time(12), tzinfo=UK)


def due(owner, resident=None, days_ago=0) -> FollowUp:
    return FollowUp.objects.create(
        resident=resident or ResidentFactory(),
        owner=owner,
        due_on=last_midday().date() - timedelta(days=days_ago),
    )


def reminded(sent) -> set[str]:
    return {n.dedupe_key for n in sent}


def test_one_sweep_sends_every_reminder_due_not_one_batch(
    practitioner, grays, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(notifications, "BATCH", 3)
    colleague = make_persona(Role.PRACTITIONER, grays)
    elsewhere = ResidentFactory(neighbourhood=Neighbourhood.objects.get(name="Aveley"))
    # Oldest first: the follow-up whose owner does not see the record comes first, and
    # stays unsent without holding back those after it.
    unseen = due(colleague, elsewhere, days_ago=9)
    follow_ups = [due(practitioner, days_ago=n % 4) for n in range(7)]
    follow_ups += [due(colleague, days_ago=n) for n in range(3)]
    now = last_midday()
    with django_capture_on_commit_callbacks(execute=True):
        sent = notifications.remind_follow_ups(now=now)
    assert len(sent) == 10  # not 3, the batch
    assert reminded(sent) == {f.reminder_key for f in follow_ups}
    assert unseen.reminder_key not in reminded(sent)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f.owner.email for f in follow_ups)
    assert notifications.remind_follow_ups(now=now + timedelta(minutes=15)) == []
    assert Notification.objects.count() == 10


def test_each_owner_is_reminded_only_of_residents_they_see(grays):
    """The bulk check means exactly what Resident.objects.visible_to(owner) means, owner by
    owner: a practitioner of Grays sees Grays' residents, not Aveley's; one of ASOP the
    reverse; a partner only the resident whose consent names their organisation; a manager
    nobody. Crossed pairs in one batch: seeing someone's resident is not seeing every one."""
    asop = Locality.objects.get(slug="asop")
    grays_lac = make_persona(Role.PRACTITIONER, grays)
    asop_lac = make_persona(Role.PRACTITIONER, asop)
    named = OrganisationFactory(kind=Organisation.Kind.HOUSING)
    partner = make_persona(Role.PARTNER, grays, organisation=named)
    manager = make_persona(Role.MANAGER, grays)
    in_grays = ResidentFactory()
    in_aveley = ResidentFactory(neighbourhood=Neighbourhood.objects.get(name="Aveley"))
    ConsentFactory(resident=in_aveley, organisations=[named])
    follow_ups = {
        (owner.email, resident.pk): due(owner, resident)
        for owner in (grays_lac, asop_lac, partner, manager)
        for resident in (in_grays, in_aveley)
    }
    sent = notifications.remind_follow_ups(now=last_midday())
    expected = {
        follow_ups[grays_lac.email, in_grays.pk].reminder_key,
        follow_ups[asop_lac.email, in_aveley.pk].reminder_key,
        follow_ups[partner.email, in_aveley.pk].reminder_key,
    }
    assert reminded(sent) == expected
    # …which is what the gate says, follow-up by follow-up.
    assert expected == {
        f.reminder_key
        for f in follow_ups.values()
        if Resident.objects.visible_to(f.owner).filter(pk=f.resident_id).exists()
    }
    assert {(n.recipient, n.dedupe_key) for n in sent} == {
        (f.owner, f.reminder_key) for f in follow_ups.values() if f.reminder_key in expected
    }


@pytest.mark.parametrize("batch", [500, 7])
def test_a_sweep_takes_the_same_queries_for_10_or_100_follow_ups(grays, monkeypatch, batch):
    """Per batch, a fixed number of queries (the batch, the gate, the e-mail choices, the
    insert), whoever owns the follow-ups: no query per follow-up or per owner."""
    monkeypatch.setattr(notifications, "BATCH", batch)
    owners = [make_persona(Role.PRACTITIONER, grays) for _ in range(10)]

    def sweep(n: int) -> int:
        Notification.objects.all().delete()
        FollowUp.objects.all().delete()
        for i in range(n):
            due(owners[i % (n // 10)], days_ago=i % 3)  # 1 owner, then 10
        with CaptureQueriesContext(connection) as queries:
            assert len(notifications.remind_follow_ups(now=last_midday())) == n
        return len(queries)

    few, many = sweep(10), sweep(100)
    if batch == 500:
        assert few == many
    else:  # one more batch of queries per BATCH follow-ups, and nothing more
        batches = 100 // batch + 1 - (10 // batch + 1)
        assert (many - few) % batches == 0
        assert (many - few) // batches <= 8
