"""API lists come by cursor: walking `next` gives every row the caller may see exactly once, in
the list's order (ties on the first key told apart by the id), with a fixed number of queries
however many rows there are, and no count. A cursor we did not give, or a page number, is a
400, never a 500."""

import datetime
from base64 import b64encode
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from introductions.models import Conversation
from localities.models import Locality, Resident
from tests.conftest import make_persona
from tests.factories import ResidentFactory
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db

CONVERSATIONS = "/api/v1/conversations/"
RESIDENTS = "/api/v1/residents/"
NOON = datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def walk(client: APIClient, url: str, **params) -> list[dict]:
    """Every page from the first, following `next`: each page's rows, in order."""
    pages, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        assert "count" not in body
        pages.append(body["results"])
        if body["next"] is None:
            return pages
        response = client.get(body["next"])


def cursor_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["cursor"][0]


def talk(resident: Resident, held_by, held_at: datetime.datetime) -> Conversation:
    return Conversation(resident=resident, held_by=held_by, held_at=held_at,
                        how_we_met="drop_in", what_matters="Getting out more")  # fmt: skip


@pytest.fixture
def asop() -> Locality:
    return Locality.objects.get(slug="asop")


def conversations(practitioner, asop, count: int) -> list[Conversation]:
    """`count` conversations about Grays residents, ten at each moment (ties on `held_at`), and
    ten about a resident of another locality the practitioner may not see."""
    grays_residents = ResidentFactory.create_batch(3)
    made = Conversation.objects.bulk_create(
        talk(grays_residents[n % 3], practitioner, NOON - datetime.timedelta(hours=n // 10))
        for n in range(count)
    )
    elsewhere = ResidentFactory(neighbourhood=asop.neighbourhoods.first())
    Conversation.objects.bulk_create(talk(elsewhere, practitioner, NOON) for _ in range(10))
    return made


def test_walking_next_gives_each_visible_conversation_once_newest_first(practitioner, asop):
    made = conversations(practitioner, asop, 130)
    client = api(practitioner)

    pages = walk(client, CONVERSATIONS)

    assert [len(page) for page in pages] == [50, 50, 30]
    seen = [row["id"] for page in pages for row in page]
    newest_first = sorted(made, key=lambda c: (c.held_at, c.pk), reverse=True)
    assert seen == [c.pk for c in newest_first]  # each once, ties by id, none from elsewhere


def test_previous_walks_back_over_the_same_pages(practitioner, asop):
    conversations(practitioner, asop, 130)
    client = api(practitioner)
    forward = walk(client, CONVERSATIONS)
    last = client.get(CONVERSATIONS).json()
    while last["next"]:
        last = client.get(last["next"]).json()

    backward, body = [], last
    while body["previous"]:
        body = client.get(body["previous"]).json()
        backward.append([row["id"] for row in body["results"]])

    assert backward == [[row["id"] for row in page] for page in forward[-2::-1]]


def test_residents_by_name_each_once_with_many_sharing_a_name(practitioner, asop):
    names = ["Ann Able", "Bea Brown", "Cal Clark", "Dee Dunn"]
    residents = [ResidentFactory(full_name=names[n % 4]) for n in range(110)]
    ResidentFactory.create_batch(5, full_name="Ann Able", neighbourhood=asop.neighbourhoods.first())

    pages = walk(api(practitioner), RESIDENTS)

    seen = [row["id"] for page in pages for row in page]
    assert seen == [r.pk for r in sorted(residents, key=lambda r: (r.full_name, r.pk))]


def test_an_outsiders_lists_are_empty(practitioner, grays, asop):
    conversations(practitioner, asop, 60)
    outsider = make_persona(Role.PARTNER, grays)  # no consent, no MDT: no need to know

    for url in (CONVERSATIONS, RESIDENTS, "/api/v1/introductions/", "/api/v1/connections/"):
        body = api(outsider).get(url).json()
        assert body == {"next": None, "previous": None, "results": []}, url


@pytest.mark.parametrize("url", [CONVERSATIONS, RESIDENTS])
def test_a_page_costs_the_same_queries_for_60_rows_as_for_200(practitioner, asop, url):
    def queries_for_first_and_second_page() -> list[int]:
        client = api(practitioner)
        with CaptureQueriesContext(connection) as first:
            body = client.get(url).json()
        with CaptureQueriesContext(connection) as second:
            assert client.get(body["next"]).status_code == 200
        assert not [q for q in first.captured_queries + second.captured_queries
                    if "COUNT(" in q["sql"]]  # fmt: skip
        return [len(first), len(second)]

    conversations(practitioner, asop, 60)
    ResidentFactory.create_batch(60)
    small = queries_for_first_and_second_page()
    conversations(practitioner, asop, 140)
    ResidentFactory.create_batch(140)
    assert queries_for_first_and_second_page() == small


def test_a_resident_search_is_one_page(practitioner):
    ResidentFactory.create_batch(3, full_name="Mary Smith")
    body = api(practitioner).get(RESIDENTS, {"q": "Mary Smith"}).json()
    assert (len(body["results"]), body["next"], body["previous"]) == (3, None, None)


def encoded(token: str) -> str:
    return b64encode(token.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "tampered",  # the real one, one character changed
        "truncated",  # the real one, cut short
        "A" * 20_000,  # huge (and decodes to NUL bytes)
        "cD0yMDI0LTA1LTAxIDEyOjAw\u00e9",  # not ASCII
        encoded("p=not a time"),  # a position the order's field cannot hold
        encoded("p=Ann Able"),  # a residents' cursor given to conversations
        encoded("p=2024-05-01+12%3A00%3A00%2B00%3A00%00"),  # a NUL in the position
        encoded("p=99999-01-01+00%3A00%3A00"),  # a year the field cannot hold
        encoded("o=5000"),  # an offset past DRF's cut-off (it would clip it to 1000)
        encoded("o=-3"),
        encoded("r=x"),
        encoded("o=1&p=2024-05-01&junk=1"),
    ],
)
def test_a_cursor_we_did_not_give_is_a_400(practitioner, asop, cursor):
    conversations(practitioner, asop, 60)
    client = api(practitioner)
    real = cursor_of(client.get(CONVERSATIONS).json()["next"])
    cursor = {"tampered": real[:-3] + ("x" if real[-3] != "x" else "y") + real[-2:],
              "truncated": real[:-5]}.get(cursor, cursor)  # fmt: skip

    response = client.get(CONVERSATIONS, {"cursor": cursor})

    assert response.status_code == 400, response.content
    assert response.json() == {
        "cursor": [
            "This cursor is not one we gave: follow the `next` and `previous` links as they are."
        ]
    }


@pytest.mark.parametrize("url", [CONVERSATIONS, RESIDENTS, "/api/v1/mdt-actions/"])
@pytest.mark.parametrize("page", ["1", "2", "0", "x"])
def test_a_page_number_is_a_400_that_says_to_follow_next(practitioner, url, page):
    response = api(practitioner).get(url, {"page": page})
    assert response.status_code == 400
    assert response.json() == {
        "page": [
            "Lists have no page numbers: follow the `next` link (its `cursor`) to the following "
            "page."
        ]
    }


def test_a_cursor_survives_a_row_added_before_it(practitioner, asop):
    """A row logged while a client walks the list moves nothing it has yet to read."""
    made = conversations(practitioner, asop, 60)
    client = api(practitioner)
    first = client.get(CONVERSATIONS).json()
    Conversation.objects.bulk_create([talk(made[0].resident, practitioner, timezone.now())])
    second = client.get(first["next"]).json()
    seen = [row["id"] for row in first["results"] + second["results"]]
    assert seen == [c.pk for c in sorted(made, key=lambda c: (c.held_at, c.pk), reverse=True)]
