import pytest

from localities.models import Locality
from tests.conftest import make_persona
from thurrock_care.accounts.models import Role


@pytest.fixture
def asop(db) -> Locality:
    return Locality.objects.get(slug="asop")


@pytest.fixture
def asop_coordinator(asop):
    """A coordinator, but of another locality: an outsider to Grays' ILT business."""
    return make_persona(Role.COORDINATOR, asop)


@pytest.fixture
def grays_coordinator(personas):
    return personas[Role.COORDINATOR]


@pytest.fixture
def administrator(personas):
    return personas[Role.ADMINISTRATOR]
