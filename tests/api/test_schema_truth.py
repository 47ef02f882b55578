"""The OpenAPI schema tells the truth: what a client generated from it expects is what the API
answers, errors included. Each error status the API really gives is provoked here and the
answer validated against the schema (status documented for that operation, body matching the
documented schema), as a generated client would parse it.
"""

import uuid

import pytest
import schemathesis
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from localities.models import Locality
from tests.conftest import make_persona
from tests.factories import (
    CommunityAssetFactory,
    ConsentFactory,
    ResidentFactory,
    UserFactory,
)
from thurrock_care.accounts.models import Role
from thurrock_care.wsgi import application

CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def raw_schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(scope="module")
def schema(raw_schema):
    loaded = schemathesis.openapi.from_dict(raw_schema)
    loaded.app = application  # call the app in-process
    loaded.location = "/api/v1/schema/"
    return loaded


def token(user) -> dict:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def call(schema, path, method, expected, **case):
    """Call the operation as a generated client would and check the answer against the
    schema: its status must be documented for the operation, its body must match."""
    operation = schema[path][method]
    if "body" in case:
        case.setdefault("media_type", "application/json")
    made = operation.Case(**case)
    response = made.call()
    assert response.status_code == expected, (method, path, response.text)
    made.validate_response(response, checks=CHECKS)
    return response


def test_the_schema_says_what_a_client_must_send(raw_schema):
    paths, components = raw_schema["paths"], raw_schema["components"]["schemas"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
            if "{" in path:
                assert "404" in operation["responses"], (method, path)
            if "requestBody" in operation and method == "patch":
                assert operation["requestBody"]["required"] is True, path
    # PATCH bodies: `version` is required, the rest optional.
    for name in ("ResidentChanges", "CommunityAssetUpdate"):
        assert components[name]["required"] == ["version"], name
    # Strings the API refuses empty say so.
    assert components["NewResident"]["properties"]["full_name"]["minLength"] == 1
    assert components["NewConsent"]["properties"]["decision"]  # a choice, not free text
    # Key safety information: never written through the record's response shape, and absent
    # from it for roles that may not see it.
    resident = components["Resident"]
    assert resident["properties"]["key_safety_information"]["readOnly"] is True
    assert "key_safety_information" not in resident["required"]
    # Lists are read by cursor, with no page numbers and no count.
    for path in ("/api/v1/residents/", "/api/v1/conversations/", "/api/v1/mdt-actions/"):
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert "cursor" in names, path
        assert "page" not in names, path
    listed = components["PaginatedConversationList"]
    assert listed["required"] == ["next", "previous", "results"]
    assert "count" not in listed["properties"]
    assert "There is no count" in listed["description"]


@pytest.mark.django_db(transaction=True)
def test_every_documented_error_is_real_and_matches_the_schema(schema, grays):
    coordinator = make_persona(Role.COORDINATOR, grays)
    partner = make_persona(Role.PARTNER, grays)
    manager = make_persona(Role.MANAGER, None)
    no_mfa = UserFactory(role=Role.PRACTITIONER, localities=[grays])  # no authenticator yet
    resident = ResidentFactory(full_name="Schema Person", key_safety_information="Dog")
    ConsentFactory(resident=resident, organisations=[partner.organisation])
    elsewhere = ResidentFactory(
        neighbourhood=Locality.objects.get(slug="asop").neighbourhoods.first()
    )
    asset = CommunityAssetFactory()
    one = {"id": resident.pk}

    # 401: not signed in, on reads and writes alike.
    call(schema, "/api/v1/residents/", "GET", 401)
    call(schema, "/api/v1/residents/{id}/", "PATCH", 401, path_parameters=one,
         body={"version": 1})  # fmt: skip
    call(schema, "/api/v1/community-assets/", "POST", 401, body={})
    # 403: signed in without two-factor; a role that may not do this; a reader changing.
    call(schema, "/api/v1/residents/", "GET", 403, headers=token(no_mfa))
    call(schema, "/api/v1/community-assets/", "POST", 403, headers=token(manager), body={})
    call(schema, "/api/v1/residents/{id}/", "PATCH", 403, headers=token(partner),
         path_parameters=one, body={"version": 1, "phone": "01375 000000"})  # fmt: skip
    call(schema, "/api/v1/residents/{id}/consents/", "POST", 403, headers=token(partner),
         path_parameters=one,
         body={"decision": "declined", "decided_on": str(timezone.localdate())})  # fmt: skip
    # 200 for the partner, without the sensitive field the schema says may be absent.
    read = call(schema, "/api/v1/residents/{id}/", "GET", 200, headers=token(partner),
                path_parameters=one)  # fmt: skip
    assert "key_safety_information" not in read.json()
    # 404: a record the caller may not see.
    call(schema, "/api/v1/residents/{id}/", "GET", 404, headers=token(coordinator),
         path_parameters={"id": elsewhere.pk})  # fmt: skip
    # 400: a cursor we never gave, and other bad input.
    bad_cursor = call(schema, "/api/v1/meetings/", "GET", 400, headers=token(coordinator),
                      query={"cursor": "not-ours"})  # fmt: skip
    assert "cursor" in bad_cursor.json()
    call(schema, "/api/v1/residents/", "POST", 400, headers=token(coordinator),
         body={"full_name": "", "neighbourhood": "Grays"})  # fmt: skip
    call(schema, "/api/v1/residents/{id}/", "PATCH", 400, headers=token(coordinator),
         path_parameters=one, body={"version": 1, "postcode": "nowhere"})  # fmt: skip
    # 409: an edit conflict, with the current version; likely duplicates.
    conflict = call(schema, "/api/v1/residents/{id}/", "PATCH", 409, headers=token(coordinator),
                    path_parameters=one, body={"version": 2147483647})  # fmt: skip
    assert conflict.json()["current_version"] == 1
    call(schema, "/api/v1/community-assets/{id}/", "PATCH", 409, headers=token(coordinator),
         path_parameters={"id": asset.pk}, body={"version": 7})  # fmt: skip
    again = {"full_name": "Schema Person", "neighbourhood": "Grays", "postcode": "RM17 6SL",
             "date_of_birth": str(resident.date_of_birth)}  # fmt: skip
    call(schema, "/api/v1/residents/", "POST", 409, headers=token(coordinator), body=again)
    # 422: a submission key used before for something else.
    key = str(uuid.uuid4())
    first = {"full_name": "Key Person", "neighbourhood": "Grays", "submission_key": key}
    call(schema, "/api/v1/residents/", "POST", 201, headers=token(coordinator), body=first)
    call(schema, "/api/v1/residents/", "POST", 422, headers=token(coordinator),
         body={**first, "full_name": "Someone Else"})  # fmt: skip
    # 415: a body that is not JSON; 406: asking for something other than JSON.
    call(schema, "/api/v1/residents/", "POST", 415, headers=token(coordinator),
         body={"full_name": "Form Person", "neighbourhood": "Grays"},
         media_type="application/x-www-form-urlencoded")  # fmt: skip
    call(schema, "/api/v1/residents/", "GET", 406,
         headers={**token(coordinator), "Accept": "application/xml"})  # fmt: skip
    # A key safety note from a role that may not write it is refused, not silently dropped.
    admin = make_persona(Role.ADMINISTRATOR, None)
    refused = call(schema, "/api/v1/residents/{id}/", "PATCH", 400, headers=token(admin),
                   path_parameters=one,
                   body={"version": 1, "key_safety_information": ""})  # fmt: skip
    assert "key_safety_information" in refused.json()


def test_an_address_that_is_no_endpoint_is_a_json_404(practitioner):
    api = APIClient()
    api.force_authenticate(practitioner)
    for url in ["/api/v1/nothing/", "/api/v1/residents/abc/", "/api/v1/residents/1.5.6/",
                "/api/v1/residents/99999999999999999999/", "/api/v1/meetings/%F0%98E%0A%0F/",
                "/api/v1/community-assets/a%0Ab/", "/api/v1/%0A"]:  # fmt: skip
        response = api.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert "detail" in response.json(), url


@pytest.mark.django_db
def test_the_schema_and_its_documentation_are_for_signed_in_staff(client, practitioner):
    schema_url, docs_url = reverse("api:schema"), reverse("api:docs")
    assert APIClient().get(schema_url).status_code == 401
    docs = client.get(docs_url)
    assert docs.status_code == 302
    assert docs.url.startswith(reverse("account_login"))
    client.force_login(practitioner)
    assert client.get(schema_url, HTTP_ACCEPT="application/vnd.oai.openapi+json").status_code == 200
    assert client.get(docs_url).status_code == 200
    # Signed in but without two-factor authentication: not yet.
    client.force_login(UserFactory(role=Role.PRACTITIONER))
    assert client.get(schema_url).status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/residents.json"),
        ("get", "/api/v1/residents/1.json"),
        ("get", "/api/v1/residents/1/consents.json"),
        ("post", "/api/v1/residents.json"),
        ("get", "/api/v1/meetings.json"),
    ],
)
def test_a_format_suffix_is_no_endpoint(practitioner, method, url):
    """Regression: `/api/v1/residents.json` reached the resident views with a `format`
    argument they do not take (a 500, for every role)."""
    api = APIClient()
    api.force_authenticate(practitioner)
    response = getattr(api, method)(url, {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("url", ["/api/v1/residents/", "/api/v1/community-assets/"])
def test_a_body_nested_too_deeply_is_a_400(practitioner, url):
    """Regression: `[` a thousand times raised RecursionError (a 500)."""
    api = APIClient()
    api.force_authenticate(practitioner)
    response = api.post(url, "[" * 1000, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/community-assets/", {"name": "Form Club", "kind": "group", "offer": "Tea"}),
        ("/api/v1/meetings/", {"locality": "grays", "starts_at": "2027-01-14T10:00"}),
    ],
)
def test_every_endpoint_reads_json_only_and_answers_json_only(coordinator, url, body):
    """Regression: community assets and meetings took form bodies (201) where residents
    answered 415; and `Accept: text/html` gave the browsable API's HTML page."""
    api = APIClient()
    api.force_authenticate(coordinator)
    assert api.post(url, body).status_code == 415  # a form-encoded body
    assert api.post(url, body, format="multipart").status_code == 415
    html = api.get(url, HTTP_ACCEPT="text/html")
    assert html.status_code == 406
    assert html["Content-Type"] == "application/json"


def test_a_get_documents_no_422(raw_schema):
    for path, operations in raw_schema["paths"].items():
        assert "422" not in operations.get("get", {}).get("responses", {}), path
