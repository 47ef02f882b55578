"""Logging a conversation on the web: from the resident's page and for someone new; nothing
typed is lost (validation, a double click, an expired session); the story one tap away."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from introductions.models import Conversation, FollowUp
from introductions.services import conversations
from localities.models import Resident, StoryEntry
from tests.conftest import make_persona
from tests.factories import CommunityAssetFactory, ResidentFactory
from thurrock_care import drafts
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Event

pytestmark = pytest.mark.django_db


def form_url(resident, **query):
    url = reverse("introductions:conversation_create", args=[resident.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_form_asks_four_things_and_shows_their_story(client, practitioner):
    resident = ResidentFactory(full_name="Siobhan O'Leary")
    StoryEntry.objects.create(resident=resident, section="about_me",
                              text="I was a school cook.", written_by=practitioner)  # fmt: skip
    client.force_login(practitioner)
    response = client.get(form_url(resident))
    assert response.status_code == 200
    text = response.text
    assert "Their story, in their own words (tell us once)" in text
    assert "I was a school cook." in text
    form = response.context["form"]
    assert [f.name for f in form.required_fields()] == ["how_we_met", "what_matters", "held_at"]
    # With the resident, four required things: at most five.
    required = {name for name, field in form.fields.items() if field.required}
    assert required == {"how_we_met", "what_matters", "held_at"}
    event = Event.objects.filter(resident_id=resident.pk).latest("id")
    assert event.details == {"page": "lac:conversation_create"}


def test_saving_goes_to_the_timeline_and_tells_the_browser_to_drop_the_draft(client, practitioner):
    resident = ResidentFactory()
    client.force_login(practitioner)
    key = str(uuid.uuid4())
    response = client.post(form_url(resident), {
        "submission_key": key, "how_we_met": "home_visit", "held_at": "01/03/2026 10:30",
        "what_matters": "Her garden, and getting to church on Sundays.",
    })  # fmt: skip
    assert response.status_code == 302
    assert response.url == reverse("residents:detail", args=[resident.pk]) + "#history"
    assert response.cookies["tc_saved_submission"].value == key
    page = client.get(response.url).text
    assert "Your conversation with" in page
    assert "Conversation: Home visit" in page
    assert "getting to church on Sundays" in page


def test_a_validation_error_keeps_everything_typed(client, practitioner):
    resident = ResidentFactory()
    asset = CommunityAssetFactory(name="Grays Library Drop-in")
    client.force_login(practitioner)
    response = client.post(form_url(resident), {
        "how_we_met": "", "what_matters": "Lonely since Dennis died", "held_at": "31/02/2026",
        "venue": "The Ship pub", "connect_asset": asset.pk, "next_steps": "Lunch club",
    })  # fmt: skip
    assert response.status_code == 400
    text = response.text
    assert "Choose how you met" in text
    assert "Enter a real date and time" in text
    for typed in ["Lonely since Dennis died", "The Ship pub", "Lunch club", "31/02/2026"]:
        assert typed in text
    assert f'<option value="{asset.pk}" selected>' in text
    assert Conversation.objects.count() == 0


def test_the_same_post_twice_with_one_key_is_one_conversation(client, practitioner):
    resident = ResidentFactory()
    client.force_login(practitioner)
    data = {"submission_key": str(uuid.uuid4()), "how_we_met": "phone",
            "held_at": "01/03/2026 10:30", "what_matters": "Money worries"}  # fmt: skip
    first, second = client.post(form_url(resident), data), client.post(form_url(resident), data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert Conversation.objects.count() == 1


def test_an_expired_session_keeps_the_post_through_signing_in_for_its_author_only(
    client, practitioner, grays
):
    resident = ResidentFactory()
    typed = {"submission_key": str(uuid.uuid4()), "how_we_met": "drop_in",
             "held_at": "01/03/2026 10:30", "what_matters": "A warm home this winter",
             "draft_author": drafts.author_token(practitioner)}  # fmt: skip
    response = client.post(form_url(resident), typed)  # signed out: the session ran out
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert Conversation.objects.count() == 0
    client.force_login(practitioner)  # as signing in does: the session's data is kept
    back = client.get(form_url(resident))
    assert back.status_code == 200
    assert "You were signed out before this was saved" in back.text
    assert "A warm home this winter" in back.text
    assert typed["submission_key"] in back.text  # the same key: saving makes one conversation
    client.post(form_url(resident), typed)
    client.post(form_url(resident), typed)
    assert Conversation.objects.count() == 1
    # Shown once; and never to someone else who signs in on the same browser.
    assert "A warm home this winter" not in client.get(form_url(resident)).text
    client.logout()
    client.post(form_url(resident), typed)
    other = make_persona(Role.PRACTITIONER, grays)
    client.force_login(other)
    assert "A warm home this winter" not in client.get(form_url(resident)).text
    # Nor can anyone signed out leave a form "typed" by someone else: the author is signed.
    client.logout()
    client.post(form_url(resident), {**typed, "draft_author": str(other.pk),
                                     "what_matters": "Forged"})  # fmt: skip
    client.force_login(other)
    assert "Forged" not in client.get(form_url(resident)).text


def test_a_follow_up_set_and_then_done(client, practitioner):
    resident = ResidentFactory()
    client.force_login(practitioner)
    base = {"how_we_met": "phone", "held_at": "01/03/2026 10:30", "what_matters": "x"}
    due = timezone.localdate() + timedelta(days=14)
    client.post(form_url(resident), {**base, "stay_in_touch_by": f"{due:%d/%m/%Y}"})
    assert FollowUp.objects.open().get().owner == practitioner
    # A conversation about earlier, logged late, is not the follow-up; nor is a partner's.
    client.post(form_url(resident), base)
    assert FollowUp.objects.open().exists()
    conversations.log_conversation(resident=resident, by=make_persona(Role.PRACTITIONER, None),
                                   how_we_met="phone", what_matters="Housing visit")  # fmt: skip
    assert FollowUp.objects.open().exists()
    client.post(form_url(resident), {**base, "held_at": f"{timezone.localtime():%d/%m/%Y %H:%M}"})
    assert not FollowUp.objects.open().exists()


def test_someone_new_in_one_page_and_one_record_even_if_sent_twice(client, practitioner, grays):
    client.force_login(practitioner)
    url = reverse("introductions:conversation_quick")
    found = client.get(url, {"q": "Rosa Klebb"})
    assert found.status_code == 200
    assert 'value="Rosa Klebb"' in found.text  # the name typed in the search, carried over
    neighbourhood = grays.neighbourhoods.get(name="Grays")
    data = {"submission_key": str(uuid.uuid4()), "full_name": "Rosa Klebb",
            "neighbourhood": neighbourhood.pk, "how_we_met": "drop_in",
            "what_matters": "Someone to talk to", "held_at": "01/03/2026 10:30"}  # fmt: skip
    first = client.post(url + "?q=Rosa+Klebb", data)
    second = client.post(url + "?q=Rosa+Klebb", data)
    resident = Resident.objects.get(full_name="Rosa Klebb")
    assert first.url == second.url == reverse("residents:detail", args=[resident.pk]) + "#history"
    assert Conversation.objects.get().resident == resident


def test_someone_who_may_be_known_is_offered_first_and_nothing_typed_is_lost(
    client, practitioner, grays
):
    known = ResidentFactory(full_name="Arthur Dent", postcode="RM16 2XT")
    client.force_login(practitioner)
    url = reverse("introductions:conversation_quick")
    data = {"submission_key": str(uuid.uuid4()), "full_name": "Arthur Dent",
            "date_of_birth": known.date_of_birth.strftime("%d/%m/%Y"),
            "neighbourhood": grays.neighbourhoods.get(name="Grays").pk, "how_we_met": "phone",
            "what_matters": "Keeping his dog", "held_at": "01/03/2026 10:30"}  # fmt: skip
    offered = client.post(url, data)
    assert offered.status_code == 200
    assert "This may be someone we already know" in offered.text
    assert "Keeping his dog" in offered.text
    chosen = client.post(url, {**data, "use_resident": known.pk})
    assert chosen.status_code == 302
    assert Resident.objects.filter(full_name="Arthur Dent").count() == 1
    assert Conversation.objects.get().resident == known


def test_a_manager_and_outsiders_find_nothing_here(client, manager, grays):
    from localities.models import Locality

    resident = ResidentFactory()
    elsewhere = make_persona(Role.PRACTITIONER, Locality.objects.get(slug="asop"))
    for user in (manager, elsewhere):
        client.force_login(user)
        assert client.get(form_url(resident)).status_code == 404
        assert client.post(form_url(resident), {}).status_code == 404
    client.force_login(manager)
    assert client.get(reverse("introductions:conversation_quick")).status_code == 404


def test_the_drafts_script_asks_whether_it_is_still_signed_in(client, practitioner):
    url = reverse("signed_in")
    assert client.get(url).json() == {"signed_in": False}  # no redirect to sign in
    client.force_login(practitioner)
    assert client.get(url).json() == {"signed_in": True}
