"""The person's own notifications in the app: the list with unread ones marked, the count in
every page's header, opening one (read, then where it points), mark all read, and the e-mail
settings. Plain forms and links: everything works without JavaScript. Nobody sees another's."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mdt.notifications import KINDS as MDT_KINDS
from tests.conftest import make_persona
from tests.notifications.conftest import send
from thurrock_care.accounts.models import Role
from thurrock_care.notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
SETTINGS = reverse("notifications:settings")


def header_count(html: str) -> str | None:
    """What the header's Notifications link says after its name, e.g. '3' (None: nothing)."""
    link = re.search(r'<a class="govuk-service-navigation__link" href="/notifications/"[^>]*>(.*?)</a>', html, re.S)  # fmt: skip  # noqa: E501
    assert link, "no Notifications link in the header"
    count = re.search(r"\((\d+)<span class=\"govuk-visually-hidden\"> unread</span>\)", link[1])
    return count[1] if count else None


def ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


def test_the_list_shows_ones_own_newest_first_with_unread_marked(client, coordinator, kinds):
    old = send(
        coordinator, subject="Old news", body="First line\n<b>second</b> line", due_at=ago(60)
    )
    new = send(coordinator, subject="New news", due_at=ago(1))
    Notification.objects.filter(pk=old.pk).update(read_at=timezone.now())
    send(make_persona(Role.COORDINATOR, None), subject="Someone else's news")
    send(coordinator, subject="Not due yet", due_at=timezone.now() + timedelta(hours=1))
    client.force_login(coordinator)
    response = client.get(LIST)
    assert response.status_code == 200
    text = response.text
    assert text.index("New news") < text.index("Old news")
    assert "Someone else's news" not in text
    assert "Not due yet" not in text
    assert text.count(">Unread</strong>") == 1
    assert re.search(r"Unread</strong> <a [^>]*>New news</a>", text)
    assert f'href="{reverse("notifications:open", args=[new.pk])}"' in text
    assert "First line<br>&lt;b&gt;second&lt;/b&gt; line" in text  # escaped, lines kept
    assert header_count(text) == "1"
    assert "Mark all as read" in text


def test_the_header_counts_unread_in_one_query_however_many(client, coordinator, kinds):
    client.force_login(coordinator)
    url = reverse("localities:list")
    send(coordinator, due_at=ago(1))
    with CaptureQueriesContext(connection) as one:
        assert header_count(client.get(url).text) == "1"
    for _ in range(30):
        send(coordinator, due_at=ago(1))
    with CaptureQueriesContext(connection) as many:
        assert header_count(client.get(url).text) == "31"
    assert len(many.captured_queries) == len(one.captured_queries)
    counts = [q["sql"] for q in many.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1
    Notification.objects.update(read_at=timezone.now())
    assert header_count(client.get(url).text) is None  # "Notifications", no number


def test_the_list_takes_the_same_queries_for_one_or_fifty(client, coordinator, kinds):
    client.force_login(coordinator)
    send(coordinator, due_at=ago(1))
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for _ in range(60):
        send(coordinator, due_at=ago(1))
    with CaptureQueriesContext(connection) as many:
        page = client.get(LIST).text
    assert len(many.captured_queries) == len(one.captured_queries)
    assert page.count(">Unread</strong>") == 50
    assert "Page 1 of 2" in page
    assert client.get(LIST, {"page": 2}).text.count(">Unread</strong>") == 11


def test_opening_one_marks_it_read_and_goes_where_it_points(client, coordinator, kinds):
    notification = send(coordinator, link="/residents/break-glass/", due_at=ago(1))
    other = send(coordinator, due_at=ago(1))
    client.force_login(coordinator)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == "/residents/break-glass/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    first_read = notification.read_at
    # Again: still read, when first read.
    client.get(reverse("notifications:open", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first_read
    assert Notification.objects.get(pk=other.pk).read_at is None
    # Without a link, back to the list.
    assert client.get(reverse("notifications:open", args=[other.pk])).url == LIST


def test_a_link_that_is_not_a_path_here_is_not_followed(client, coordinator, kinds):
    notification = send(coordinator, due_at=ago(1))
    Notification.objects.filter(pk=notification.pk).update(link="//elsewhere.example/x")
    client.force_login(coordinator)
    assert client.get(reverse("notifications:open", args=[notification.pk])).url == LIST


def test_nobody_opens_or_reads_another_s_notification(client, coordinator, kinds):
    notification = send(coordinator, subject="Private", due_at=ago(1))
    outsider = make_persona(Role.COORDINATOR, None)
    client.force_login(outsider)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 404
    assert "Private" not in response.text
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.get().read_at is None
    assert "Private" not in client.get(LIST).text


def test_a_notification_not_due_yet_cannot_be_opened(client, coordinator, kinds):
    later = send(coordinator, due_at=timezone.now() + timedelta(hours=1))
    client.force_login(coordinator)
    assert client.get(reverse("notifications:open", args=[later.pk])).status_code == 404


def test_mark_all_as_read_is_a_plain_form(client, coordinator, kinds):
    for _ in range(3):
        send(coordinator, due_at=ago(1))
    client.force_login(coordinator)
    page = client.get(LIST).text
    form = re.search(r'<form method="post" action="([^"]+)">.*?Mark all as read', page, re.S)
    assert form
    assert form[1] == reverse("notifications:read_all")
    response = client.post(form[1], follow=True)
    assert "Marked 3 notifications as read." in response.text
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "Mark all as read" not in response.text
    assert header_count(response.text) is None
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_the_list_needs_signing_in(client):
    for url in (LIST, SETTINGS, reverse("notifications:open", args=[1])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_a_coordinator_chooses_e_mail_per_kind(client, coordinator):
    client.force_login(coordinator)
    page = client.get(SETTINGS).text
    # Both kinds a coordinator gets, on by default; urgent ones say so.
    assert re.search(r'value="break_glass"[^>]*checked', page)
    assert re.search(r'value="possible_duplicate"[^>]*checked', page)
    assert "in your locality (urgent: e-mailed at any hour)" in page
    assert "nothing is e-mailed between 8pm and 7am" in page
    response = client.post(SETTINGS, {"email": ["break_glass"]}, follow=True)
    assert "Your choices are saved." in response.text
    assert dict(Preference.objects.filter(user=coordinator).values_list("kind", "email")) == {
        "break_glass": True,
        "possible_duplicate": False,
        "follow_up_due": False,  # Local Area Coordination's reminder reaches them too
        **{kind.name: False for kind in MDT_KINDS},  # and the MDT app's
        "monthly_digest": False,  # and their ILT's digest (off unless chosen)
    }
    assert re.search(r'value="break_glass"[^>]*checked', response.text)
    assert not re.search(r'value="possible_duplicate"[^>]*checked', response.text)
    # Nothing ticked: no e-mail at all.
    client.post(SETTINGS, {})
    assert not Preference.objects.filter(user=coordinator, email=True).exists()


def test_a_kind_one_does_not_get_cannot_be_chosen(client, practitioner, coordinator):
    client.force_login(coordinator)
    response = client.post(SETTINGS, {"email": ["break_glass", "nonsense"]})
    assert response.status_code == 400
    assert "Select a valid choice. nonsense is not one of the available choices." in response.text
    assert re.search(r'value="break_glass"[^>]*checked', response.text)  # kept
    assert not Preference.objects.exists()
    client.force_login(practitioner)
    page = client.get(SETTINGS).text
    # A practitioner gets stay-in-touch reminders, not break-glass alerts.
    assert 'value="follow_up_due"' in page
    assert 'value="break_glass"' not in page
    assert client.post(SETTINGS, {"email": ["break_glass"]}).status_code == 400
    assert not Preference.objects.exists()
