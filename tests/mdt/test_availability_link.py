"""The availability link: answers without an account, shows only initials, locality and the
times; a tampered, expired, replaced or other-MDT token, and a used one, reveal nothing."""

import re

import pytest
from django.core import signing
from django.urls import reverse

from mdt import tokens
from mdt.models import Invitation, Response
from tests.mdt.factories import request, with_slots

pytestmark = pytest.mark.django_db


def link_for(mdt, org) -> str:
    return tokens.link(Invitation.objects.get(mdt=mdt, organisation=org))


def test_the_page_shows_initials_locality_and_times_only(client, s):
    mdt = request(s)
    first, second = with_slots(s, mdt, 3, 5)
    page = client.get(link_for(mdt, s.fire))
    assert page.status_code == 200
    text = page.text
    assert "MED" in text  # Margaret Ellen Doyle
    assert "Grays" in text
    assert str(first) in text
    assert str(second) in text
    for secret in ("Margaret", "Doyle", s.resident.reference, "Damp flat", "my daughter",
                   s.resident.postcode):  # fmt: skip
        assert secret not in text


@pytest.mark.parametrize(
    ("full_name", "preferred", "initials"),
    [("Margaret Ellen Doyle", "Peggy", "MED"), ("Seán O'Brien-Kelly", "Sean (Shaun)", "SO"),
     ("Zoë   de la Cruz", "", "ZDLC")],
)  # fmt: skip
def test_initials_are_the_full_names_letters_never_the_preferred_name(
    client, s, full_name, preferred, initials
):
    s.resident.full_name, s.resident.preferred_name = full_name, preferred
    s.resident.save()
    mdt = request(s)
    with_slots(s, mdt, 3)
    text = client.get(link_for(mdt, s.fire)).text
    shown = re.search(r"Resident's initials</dt>\s*<dd[^>]*>\s*([^<]*)<", text)
    assert shown
    assert shown.group(1).strip() == initials
    if preferred:
        assert preferred not in text


def test_answering_through_the_link_records_one_answer_per_slot(client, s):
    mdt = request(s)
    first, second = with_slots(s, mdt, 3, 5)
    url = link_for(mdt, s.fire)
    data = {f"slot_{first.pk}": "can", f"slot_{second.pk}": "delegate", "delegate": "A. Officer"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Your answers are saved" in response.text
    answers = Response.objects.filter(invitation__organisation=s.fire)
    assert {(a.slot_id, a.answer, a.via_link) for a in answers} == {
        (first.pk, "can", True), (second.pk, "delegate", True)
    }  # fmt: skip
    assert answers.get(slot=second).delegate == "A. Officer"
    # Used again (a double submit, or someone with the e-mail): nothing more is recorded.
    again = client.post(url, {f"slot_{first.pk}": "cannot"})
    assert again.status_code == 400
    assert Response.objects.filter(invitation__organisation=s.fire).count() == 2
    assert "Every time has been answered" in client.get(url).text


def test_new_times_need_the_new_link(client, s):
    mdt = request(s)
    with_slots(s, mdt, 3)
    old = link_for(mdt, s.fire)
    with_slots(s, mdt, 7)
    assert client.get(old).status_code == 404
    assert client.get(link_for(mdt, s.fire)).status_code == 200


def same_as_missing(client, url) -> None:
    missing = client.get(reverse("mdt:availability", args=["nothing-here"]))
    response = client.get(url)
    assert response.status_code == missing.status_code == 404
    nonce = re.compile(r'nonce="[^"]*"')
    assert nonce.sub("", response.text) == nonce.sub("", missing.text)


def test_a_tampered_token_is_the_same_as_a_missing_one(client, s):
    mdt = request(s)
    with_slots(s, mdt, 3)
    token = tokens.make(Invitation.objects.get(mdt=mdt, organisation=s.fire))
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    same_as_missing(client, reverse("mdt:availability", args=[tampered]))
    # A guesser's payload, signed with another key.
    forged = signing.TimestampSigner(key="guess", salt=tokens.SALT).sign_object({"m": mdt.pk})
    same_as_missing(client, reverse("mdt:availability", args=[forged]))
    assert client.post(reverse("mdt:availability", args=[tampered]), {}).status_code == 404


def test_an_expired_token_is_refused(client, s, settings):
    mdt = request(s)
    with_slots(s, mdt, 3)
    url = link_for(mdt, s.fire)
    settings.MDT_LINK_MAX_AGE = -1
    same_as_missing(client, url)


def test_a_token_for_another_mdt_is_refused(client, s):
    first_mdt = request(s)
    other_mdt = request(s)
    with_slots(s, first_mdt, 3)
    with_slots(s, other_mdt, 4)
    invitation = Invitation.objects.get(mdt=first_mdt, organisation=s.fire)
    other = Invitation.objects.get(mdt=other_mdt, organisation=s.fire)
    # A genuine signature over a mismatched MDT and invitation (as if the ids were swapped).
    payload = {"m": other_mdt.pk, "i": invitation.pk, "n": invitation.link_nonce.hex}
    token = signing.TimestampSigner(salt=tokens.SALT).sign_object(payload, compress=True)
    same_as_missing(client, reverse("mdt:availability", args=[token]))
    # And the other invitation's nonce does not open this one.
    payload = {"m": first_mdt.pk, "i": invitation.pk, "n": other.link_nonce.hex}
    token = signing.TimestampSigner(salt=tokens.SALT).sign_object(payload, compress=True)
    same_as_missing(client, reverse("mdt:availability", args=[token]))


def test_the_link_stops_once_the_time_is_confirmed(client, s):
    from mdt import services

    mdt = request(s)
    [slot] = with_slots(s, mdt, 3)
    url = link_for(mdt, s.fire)
    services.confirm_slot(mdt=mdt, slot=slot, by=s.coordinator)
    same_as_missing(client, url)


def test_a_huge_or_odd_token_is_a_404(client, db):
    for token in ("x" * 5000, "٣٤٥", "a:b:c", "%00"):
        assert client.get(f"/mdt/availability/{token}/").status_code == 404


def test_bad_answers_are_a_clear_message_not_a_500(client, s):
    mdt = request(s)
    [slot] = with_slots(s, mdt, 3)
    url = link_for(mdt, s.fire)
    response = client.post(url, {f"slot_{slot.pk}": "maybe"})
    assert response.status_code == 400
    assert "Choose an answer from the list" in response.text
    response = client.post(url, {f"slot_{slot.pk}": "delegate"})
    assert "Say who will come instead" in response.text
    assert not Response.objects.exists()


def test_too_many_attempts_from_one_address_are_refused_whatever_the_token(client, s, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "mdt_availability": "3/h/ip"}
    mdt = request(s)
    with_slots(s, mdt, 3)
    good = link_for(mdt, s.fire)
    for _ in range(3):
        client.get("/mdt/availability/guess/")
    assert client.get(good).status_code == 429
    assert client.get("/mdt/availability/guess/").status_code == 429
