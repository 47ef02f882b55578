"""Finding a resident fast: names with typos, dates of birth, postcodes, NHS numbers."""

import datetime
import importlib
import uuid

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from localities import queries, search
from localities.models import Neighbourhood, PossibleDuplicate, Resident
from tests.factories import ResidentFactory, valid_nhs_number

pytestmark = pytest.mark.django_db


def full_width(text: str) -> str:
    """Text as a Chinese or Japanese keyboard types it: "RM17" in full-width letters and digits."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) for c in text)


def arabic_indic(text: str) -> str:
    """Digits as an Arabic keyboard types them: "1948" as "١٩٤٨"."""
    return "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in text)


@pytest.fixture
def siobhan(practitioner):
    return ResidentFactory(
        full_name="Siobhan O'Leary",
        date_of_birth=datetime.date(1948, 3, 2),
        postcode="RM18 7AB",
        nhs_number=valid_nhs_number(0),
        neighbourhood=Neighbourhood.objects.get(name="Grays"),
    )


@pytest.mark.parametrize(
    "query",
    ["siobhan oleary", "o leary", "O'Leary", "RM187AB", "rm18 7ab", "02/03/1948", "1948-03-02",
     "2 March 1948", "siobahn olary", "Siobhan", "999 000 0018",
     arabic_indic("999 000 0018"), full_width("9990000018"), arabic_indic("02/03/1948"),
     full_width("RM18 7AB"), full_width("rm187ab"), "Siobh\u00e1n", "SIOBHAN O\u2019LEARY"],
)  # fmt: skip
def test_siobhan_is_found_by_what_people_type(client, practitioner, siobhan, query):
    ResidentFactory(full_name="Sean O'Brien", date_of_birth=datetime.date(1950, 1, 1))
    client.force_login(practitioner)
    response = client.get(reverse("residents:search"), {"q": query})
    assert response.status_code == 200
    assert [r.pk for r in response.context["results"]] == [siobhan.pk]
    assert escape("Siobhan O'Leary") in response.text
    assert "RM18 7" in response.text
    assert "RM18 7AB" not in response.text
    assert f'data-label="Age">{siobhan.age}</td>' in response.text  # her age


def test_results_tell_two_people_with_one_name_apart(client, practitioner):
    ResidentFactory(full_name="John Smith", date_of_birth=datetime.date(1940, 5, 1),
                    neighbourhood=Neighbourhood.objects.get(name="Blackshots"))  # fmt: skip
    ResidentFactory(full_name="John Smith", date_of_birth=datetime.date(1990, 5, 1),
                    neighbourhood=Neighbourhood.objects.get(name="West Thurrock"))  # fmt: skip
    client.force_login(practitioner)
    text = client.get(reverse("residents:search"), {"q": "john smith"}).text
    assert "Blackshots" in text
    assert "West Thurrock" in text
    assert "2 results" in text


def test_only_residents_the_user_may_see_appear(client, practitioner):
    ResidentFactory(full_name="Grays Resident")
    ResidentFactory(
        full_name="Aveley Resident", neighbourhood=Neighbourhood.objects.get(name="Aveley")
    )
    client.force_login(practitioner)
    results = client.get(reverse("residents:search"), {"q": "resident"}).context["results"]
    assert [r.full_name for r in results] == ["Grays Resident"]


def test_people_who_moved_away_leave_the_working_list_unless_asked_for(client, practitioner):
    ResidentFactory(full_name="Mary Moved", status=Resident.Status.MOVED_AWAY)
    client.force_login(practitioner)
    assert client.get(reverse("residents:search"), {"q": "mary moved"}).context["results"] == []
    response = client.get(
        reverse("residents:search"), {"q": "mary moved", "include_inactive": "on"}
    )
    assert [r.full_name for r in response.context["results"]] == ["Mary Moved"]
    assert "Moved away" in response.text


def test_query_parsing():
    assert search.parse("999 000 0018").nhs_number == "9990000018"
    assert search.parse("02/03/1948").date_of_birth == datetime.date(1948, 3, 2)
    parsed = search.parse("Siobhan RM18 7AB")
    assert (parsed.name, parsed.postcode) == ("siobhan", "RM18 7AB")
    parsed = search.parse("smith rm18")
    assert (parsed.name, parsed.outward_code) == ("smith", "RM18")
    assert search.normalise_name("Siobh\u00e1n  O\u2019Leary-Jones") == "siobhan oleary jones"
    assert search.parse("   ").is_empty


# --- Names in any script, digits in any script -------------------------------------------------

NAMES = ["محمد علي", "李小龙", "Наталья Иванова", "अनिल कुमार", "Łukasz Wójcik", "Zofia Wiśniewska"]


@pytest.mark.parametrize(
    ("name", "query"),
    [("محمد علي", "محمد علي"), ("محمد علي", "علي محمد"), ("محمد علي", "مُحَمَّد عَلِي"),
     ("李小龙", "李小龙"), ("李小龙", "小龙"),
     ("Наталья Иванова", "наталья иванова"), ("Наталья Иванова", "Наталья Иванава"),
     ("Наталья Иванова", "Натальа"),
     ("अनिल कुमार", "अनिल कुमार"), ("अनिल कुमार", "कुमार"),
     ("Łukasz Wójcik", "Łukasz Wójcik"), ("Łukasz Wójcik", "lukasz wojcik"),
     ("Łukasz Wójcik", "ŁUKASZ"), ("Zofia Wiśniewska", "zofia wisniewska"),
     ("Zofia Wiśniewska", "Wiśniewska"), ("Zofia Wiśniewska", "zofia wisnewska")],
)  # fmt: skip
def test_names_in_any_script_are_found_on_the_page_and_by_the_api(
    client, practitioner, name, query
):
    residents = {each: ResidentFactory(full_name=each) for each in NAMES}
    client.force_login(practitioner)
    page = client.get(reverse("residents:search"), {"q": query})
    assert [r.pk for r in page.context["results"]] == [residents[name].pk]
    assert f"{name}</a>" in page.text
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=practitioner).key}")
    results = api.get(reverse("api:resident-list"), {"q": query}).json()["results"]
    assert [(r["id"], r["name"]) for r in results] == [(residents[name].pk, name)]


def test_names_in_any_script_keep_their_letters():
    assert search.normalise_name("محمد علي") == "محمد علي"
    assert search.normalise_name("مُحَمَّد") == "محمد"  # vowel points are optional in writing
    assert search.normalise_name("李小龙") == "李小龙"
    assert search.normalise_name("Наталья Иванова") == "наталья иванова"
    assert search.normalise_name("Ёлкин") == "елкин"
    # Devanagari's vowel signs and virama are parts of its letters, not accents.
    assert search.normalise_name("अनिल कुमार") == "अनिल कुमार"
    assert search.normalise_name("लक्ष्मी") == "लक्ष्मी"
    assert search.normalise_name("김민준") == "김민준"  # Hangul syllables, not jamo
    assert search.normalise_name("Łukasz Wójcik") == "lukasz wojcik"
    assert search.normalise_name("Zofia Wiśniewska") == "zofia wisniewska"
    assert search.normalise_name("Søren Strauß") == "soren strauss"
    assert search.normalise_name(full_width("Siobhan")) == "siobhan"
    assert search.normalise_name("...") == ""


def test_digits_and_postcodes_in_any_script_or_width_are_understood():
    assert search.parse(arabic_indic("943 476 5919")).nhs_number == "9434765919"
    assert search.parse(full_width("9434765919")).nhs_number == "9434765919"
    assert search.parse("९४३ ४७६ ५९१९").nhs_number == "9434765919"  # Devanagari digits
    assert search.parse(arabic_indic("02/03/1948")).date_of_birth == datetime.date(1948, 3, 2)
    assert search.parse(full_width("RM17 6SL")).postcode == "RM17 6SL"
    parsed = search.parse(f"محمد {arabic_indic('02/03/1948')}")
    assert (parsed.name, parsed.date_of_birth) == ("محمد", datetime.date(1948, 3, 2))


def new_resident(**overrides) -> dict:
    return {
        "submission_key": str(uuid.uuid4()),
        "full_name": "Siobhan O'Leary",
        "postcode": "RM17 6SL",
        "neighbourhood": str(Neighbourhood.objects.get(name="Grays").pk),
        **overrides,
    }


def test_two_different_arabic_names_at_one_postcode_are_not_likely_duplicates(client, practitioner):
    ResidentFactory(full_name="محمد علي", postcode="RM17 6SL")
    client.force_login(practitioner)
    response = client.post(
        reverse("residents:create"), new_resident(full_name="فاطمة حسن", postcode="RM17 6SL")
    )
    assert response.status_code == 302
    assert "This may be someone we already know" not in response.text
    assert Resident.objects.get(full_name="فاطمة حسن").search_name == "فاطمه حسن"


def test_the_same_chinese_name_and_date_of_birth_is_a_likely_duplicate(client, practitioner):
    born = datetime.date(1940, 11, 27)
    same = ResidentFactory(full_name="李小龙", date_of_birth=born, postcode="RM16 2AA")
    other = ResidentFactory(full_name="王芳", date_of_birth=born, postcode="RM16 2AA")
    client.force_login(practitioner)
    data = new_resident(full_name="李小龙", date_of_birth="27/11/1940", postcode="")
    response = client.post(reverse("residents:create"), data)
    assert response.status_code == 200
    assert "This may be someone we already know" in response.text
    assert [r.pk for r in response.context["duplicates"]] == [same.pk]
    assert reverse("residents:detail", args=[other.pk]) not in response.text
    assert Resident.objects.count() == 2


# (a name, another person's name in the same script, the first name as someone may type it:
# in lower case; on a keyboard without Polish letters, where "ł" must count as "l", not vanish)
SCRIPTS = {
    "cyrillic": ("Наталья Иванова", "Ольга Смирнова", "наталья иванова"),
    "devanagari": ("अनिल कुमार", "सुनीता शर्मा", "अनिल कुमार"),
    "polish": ("Paweł Łoś", "Zofia Wiśniewska", "Pawel Los"),
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_same_name_and_date_of_birth_in_any_script_is_a_likely_duplicate(
    client, practitioner, script
):
    name, other_name, typed = SCRIPTS[script]
    born = datetime.date(1940, 11, 27)
    same = ResidentFactory(full_name=name, date_of_birth=born, postcode="RM16 2AA")
    other = ResidentFactory(full_name=other_name, date_of_birth=born, postcode="RM16 2AA")
    client.force_login(practitioner)
    data = new_resident(full_name=typed, date_of_birth="27/11/1940", postcode="")
    response = client.post(reverse("residents:create"), data)
    assert response.status_code == 200
    assert "This may be someone we already know" in response.text
    assert [r.pk for r in response.context["duplicates"]] == [same.pk]
    assert f"{escape(name)}</a>" in response.text
    assert reverse("residents:detail", args=[other.pk]) not in response.text
    assert Resident.objects.count() == 2


@pytest.mark.parametrize("script", SCRIPTS)
def test_two_different_names_in_any_script_at_one_postcode_are_not_likely_duplicates(
    client, practitioner, script
):
    """Regression: names in other scripts were stored with an empty search name, so any two
    of them at one postcode (or with one date of birth) looked like the same person."""
    name, other_name, _ = SCRIPTS[script]
    ResidentFactory(full_name=name, date_of_birth=datetime.date(1940, 11, 27), postcode="RM17 6SL")
    client.force_login(practitioner)
    data = new_resident(full_name=other_name, date_of_birth="27/11/1940", postcode="RM17 6SL")
    response = client.post(reverse("residents:create"), data)
    assert response.status_code == 302
    created = Resident.objects.get(full_name=other_name)
    assert response.url == reverse("residents:detail", args=[created.pk])
    assert created.search_name == search.normalise_name(other_name) != ""
    assert not PossibleDuplicate.objects.exists()


def test_a_name_without_letters_is_nobody_s_duplicate(client, practitioner):
    ResidentFactory(full_name="?", postcode="RM17 6SL")
    client.force_login(practitioner)
    response = client.post(reverse("residents:create"), new_resident(full_name="..."))
    assert response.status_code == 400  # refused: a name without letters can never be found
    assert "Enter their full name, in letters" in response.text
    assert not search.likely_duplicates(
        full_name="-", date_of_birth=None, postcode="RM17 6SL", nhs_number=""
    )


def test_a_full_width_postcode_is_stored_as_written_in_england(client, practitioner):
    client.force_login(practitioner)
    response = client.post(
        reverse("residents:create"),
        new_resident(postcode=full_width("rm17 6sl"), nhs_number=arabic_indic("943 476 5919")),
    )
    assert response.status_code == 302
    resident = Resident.objects.get()
    assert (resident.postcode, resident.nhs_number) == ("RM17 6SL", "9434765919")


def test_the_migration_gives_every_resident_the_new_search_name():
    migration = importlib.import_module("localities.migrations.0006_search_names_in_any_script")
    arabic, latin = ResidentFactory(full_name="محمد علي"), ResidentFactory(full_name="Jan Kowalski")
    Resident.objects.filter(pk=arabic.pk).update(search_name="")  # what the old function stored
    with connection.schema_editor() as editor:
        migration.recompute_search_names(apps, editor)
    assert Resident.objects.get(pk=arabic.pk).search_name == "محمد علي"
    assert Resident.objects.get(pk=latin.pk).search_name == "jan kowalski"


def test_every_word_typed_must_be_like_a_word_of_the_name(client, practitioner):
    """A rare surname after a common first name finds that person (typos forgiven), not every
    Harry in the borough."""
    grays = Neighbourhood.objects.get(name="Grays")
    harry = ResidentFactory(full_name="Harry Keldon", neighbourhood=grays)
    for name in ["Harry Smith", "Harry Jones", "Harriet Brown", "Kelly Smith"]:
        ResidentFactory(full_name=name, neighbourhood=grays)
    client.force_login(practitioner)
    for query in ["harry keldon", "hary keldon", "Harry Kedlon", "harry keldn"]:
        response = client.get(reverse("residents:search"), {"q": query})
        assert [r.pk for r in response.context["results"]] == [harry.pk], query
    response = client.get(reverse("residents:search"), {"q": "keldon"})  # one word: like it
    assert [r.full_name for r in response.context["results"]] == ["Harry Keldon", "Kelly Smith"]


def test_a_name_many_share_lists_the_first_page_of_them_by_name_through_the_gate(
    practitioner, django_assert_num_queries
):
    """A word as common as "smith" is looked up exactly: the first 50 people the
    user may see with exactly that word in their name, in name order. People they may not see,
    and records no longer in working lists, never slip in."""
    grays = Neighbourhood.objects.get(name="Grays")
    exact = [
        ResidentFactory(
            full_name=f"{'BAC'[n % 3]}{n:02} Smith",
            postcode="RM16 2AA" if n < 10 else "RM17 6SL",
            neighbourhood=grays,
        )
        for n in range(30)
    ]
    ResidentFactory(full_name="A Smith", neighbourhood=Neighbourhood.objects.get(name="Aveley"))
    ResidentFactory(full_name="A Smith", neighbourhood=grays, status=Resident.Status.MOVED_AWAY)
    exact.sort(key=lambda r: (r.full_name, r.pk))

    found = queries.search_results(practitioner, "SMITH")  # fewer than a page: names like it too
    assert [r.pk for r in found[:30]] == [r.pk for r in exact]
    assert "A Smith" not in {r.full_name for r in found}

    exact += [ResidentFactory(full_name=f"Z{n:02} Smith", neighbourhood=grays) for n in range(25)]
    with django_assert_num_queries(2):  # their ids through the gate; those people by id
        found = queries.search_results(practitioner, "smith")
        assert {r.neighbourhood.locality.name for r in found} == {"Grays"}  # read with them
    assert [r.pk for r in found] == [r.pk for r in exact[: search.MAX_RESULTS]]

    district = queries.search_results(practitioner, "smith rm16")  # narrowed before the lookup
    assert {r.pk for r in district} == {r.pk for r in exact if r.postcode.startswith("RM16")}
