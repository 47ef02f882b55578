"""Every operation in the OpenAPI schema, fuzzed: no input may cause a server error.

New endpoints join automatically: the schema is generated from the URL configuration.
"""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from thurrock_care.wsgi import application

raw_schema = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(raw_schema)
schema.app = application  # call the app in-process, as schemathesis.openapi.from_wsgi does
schema.location = "/api/v1/schema/"


@pytest.fixture
def token(personas):
    from thurrock_care.accounts.models import Role

    return Token.objects.create(user=personas[Role.COORDINATOR]).key


def test_the_schema_has_operations():
    assert len(list(schema.get_all_operations())) >= 2


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_api_operation_fails_with_a_server_error(case, token):
    # No server error; every status the API answers is documented for the operation, and
    # every response matches its documented schema.
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
