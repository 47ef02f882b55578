import pytest

from tests.mdt.factories import scene


@pytest.fixture
def s(grays, coordinator):
    return scene(grays, coordinator)
