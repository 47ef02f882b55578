"""What the API answers when a service refuses: a clear 400, in the shape of invalid input."""

import pytest
from django.core.exceptions import ValidationError

from thurrock_care.api.errors import exception_handler


@pytest.mark.parametrize(
    ("error", "body"),
    [
        (ValidationError({"neighbourhood": "Choose a neighbourhood where you work"}),
         {"neighbourhood": ["Choose a neighbourhood where you work"]}),
        (ValidationError("This access has already been reviewed."),
         {"non_field_errors": ["This access has already been reviewed."]}),
    ],
)  # fmt: skip
def test_a_rule_a_service_keeps_is_a_400_not_a_500(error, body):
    response = exception_handler(error, {})
    assert response.status_code == 400
    assert response.data == body
