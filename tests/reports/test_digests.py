"""The monthly ILT digest: one per locality and month however often it is built (even at
once), readable by the locality's members, rebuilt by its coordinators (replaced, audited)."""

import subprocess
import threading
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from localities.models import LearningCycle, Locality
from tests.conftest import make_persona
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.introductions.factories import IntroductionFactory
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Event
from thurrock_care.reports import digests
from thurrock_care.reports.models import Digest

OCTOBER = date(2026, 10, 1)


@pytest.fixture
def october(grays):
    for _ in range(7):
        IntroductionFactory(introduced_on=date(2026, 10, 12))
    for _ in range(5):
        IntroductionFactory(introduced_on=date(2026, 9, 12))
    MembershipFactory(organisation=OrganisationFactory(name="Grays Foodbank"),
                      joined_on=date(2026, 10, 3))  # fmt: skip
    LearningCycle.objects.create(locality=grays, question="Do drop-ins at the pub work?",
                                 status="learned", concluded_on=date(2026, 10, 20),
                                 created_by=UserFactory())  # fmt: skip


@pytest.mark.django_db
def test_a_digest_holds_the_month_the_change_and_what_changed(client, grays, october, tmp_path):
    digest = digests.build_digest(locality=grays, month=OCTOBER)
    introductions = next(f for f in digest.figures if f["name"] == "introductions")
    assert (introductions["shown"], introductions["change"], introductions["delta"]) == (
        "7", "up", 2,
    )  # fmt: skip
    assert digest.changes["new_members"] == ["Grays Foodbank"]
    assert digest.changes["learning_concluded"] == ["Do drop-ins at the pub work?"]
    client.force_login(make_persona(Role.PRACTITIONER, grays))
    page = client.get(reverse("reports:digest", args=[digest.pk])).text
    assert "Grays ILT: October 2026" in page
    assert "Grays Foodbank joined the ILT." in page
    assert "Build it again" not in page  # for coordinators
    pdf = tmp_path / "digest.pdf"
    pdf.write_bytes(client.get(reverse("reports:digest_pdf", args=[digest.pk])).content)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())  # fmt: skip
    assert "Grays ILT: October 2026" in text
    assert "Introductions to Local Area Coordination 7 Up 2" in text


@pytest.mark.django_db
def test_built_twice_it_is_one_digest_and_a_rebuild_replaces_it(client, grays, october):
    first = digests.build_digest(locality=grays, month=OCTOBER)
    IntroductionFactory(introduced_on=date(2026, 10, 30))  # recorded late
    coordinator = make_persona(Role.COORDINATOR, grays)
    client.force_login(coordinator)
    client.post(reverse("reports:digest_rebuild", args=[first.pk]))
    again = Digest.objects.get()
    assert again.pk == first.pk
    assert next(f for f in again.figures if f["name"] == "introductions")["shown"] == "8"
    assert again.built_by == coordinator
    entries = Event.objects.filter(action="digest_built", object_id=first.pk)
    assert [(e.actor, e.details["rebuilt"]) for e in entries.order_by("pk")] == [
        (None, False), (coordinator, True),
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_builds_at_the_same_moment_leave_one_digest(grays, october):
    errors = []

    def build():
        try:
            digests.build_digest(locality=grays, month=OCTOBER)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Digest.objects.filter(locality=grays, month=OCTOBER).count() == 1


@pytest.mark.django_db
def test_who_reads_and_rebuilds_a_digest(client, grays, october):
    digest = digests.build_digest(locality=grays, month=OCTOBER)
    asop = Locality.objects.get(slug="asop")
    urls = [reverse("reports:digest", args=[digest.pk]),
            reverse("reports:digest_pdf", args=[digest.pk])]  # fmt: skip
    for role, locality, status in [
        (Role.PRACTITIONER, grays, 200), (Role.PARTNER, grays, 200),
        (Role.COORDINATOR, grays, 200), (Role.MANAGER, asop, 200),
        (Role.PRACTITIONER, asop, 404), (Role.COORDINATOR, asop, 404),
        (Role.PARTNER, asop, 404),
    ]:  # fmt: skip
        client.force_login(make_persona(role, locality))
        for url in urls:
            assert client.get(url).status_code == status, (role, locality.slug, url)
        listed = client.get(reverse("reports:digests")).text
        assert ("October 2026" in listed) == (status == 200)
    for role, locality in [(Role.PRACTITIONER, grays), (Role.MANAGER, grays),
                           (Role.COORDINATOR, asop)]:  # fmt: skip
        client.force_login(make_persona(role, locality))
        response = client.post(reverse("reports:digest_rebuild", args=[digest.pk]))
        assert response.status_code == 404, role
    assert Event.objects.filter(action="digest_built").count() == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_monthly_task_run_twice_leaves_one_digest_each_and_one_e_mail_each(
    worker_outbox, grays
):
    """Beat's task, run by a real worker twice for October: four digests, not eight; the
    member who chose the digest by e-mail gets one (HTML, with the PDF), once; the member who
    did not, none."""
    from thurrock_care.notifications.models import Notification, Preference
    from thurrock_care.reports.tasks import build_monthly_digests

    IntroductionFactory(introduced_on=date(2026, 10, 12))
    wants = make_persona(Role.PRACTITIONER, grays)
    Preference.objects.create(user=wants, kind="monthly_digest", email=True)
    make_persona(Role.PRACTITIONER, grays)  # did not choose it
    elsewhere = make_persona(Role.PRACTITIONER, Locality.objects.get(slug="asop"))
    Preference.objects.create(user=elsewhere, kind="monthly_digest", email=True)
    from tests.introductions.test_worker import last_midday

    now = last_midday().isoformat()  # outside quiet hours, whenever the test runs
    for _ in range(2):
        assert build_monthly_digests.delay(month="2026-10-01", now=now).get(timeout=120) == 4
    assert Digest.objects.filter(month=OCTOBER).count() == 4
    messages = worker_outbox.wait_for_messages(2)
    worker_outbox.wait_until_idle()
    assert len(worker_outbox.messages) == 2  # one each, not two
    mine = next(m for m in messages if m["to"] == [wants.email])
    assert mine["subject"] == "Grays ILT digest: October 2026"
    assert "Grays ILT: October 2026" in mine["html"]
    assert mine["attachments"] == [
        {"name": "ilt-digest-grays-2026-10.pdf", "type": "application/pdf", "starts": "%PDF-1.7"}
    ]
    assert Notification.objects.filter(kind="monthly_digest").count() == 2
