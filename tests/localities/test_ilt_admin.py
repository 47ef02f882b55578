"""The administration site shows the ILT records, read-only."""

import pytest
from django.urls import reverse

from tests.factories import (
    ActionItemFactory,
    CommunityAssetFactory,
    JoinRequestFactory,
    LearningCycleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "factory", "shown"),
    [
        ("joinrequest", JoinRequestFactory, "organisation_name"),
        ("meeting", lambda: ActionItemFactory(text="Visible action").meeting, "place"),
        ("learningcycle", LearningCycleFactory, "question"),
        ("communityasset", CommunityAssetFactory, "name"),
    ],
)
def test_administrators_see_ilt_records_but_change_them_on_the_ilt_pages(
    client, administrator, model, factory, shown
):
    record = factory()
    client.force_login(administrator)
    listing = client.get(reverse(f"admin:localities_{model}_changelist"))
    assert listing.status_code == 200
    assert str(getattr(record, shown)) in listing.text
    detail = client.get(reverse(f"admin:localities_{model}_change", args=[record.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.text  # view only
    assert client.get(reverse(f"admin:localities_{model}_add")).status_code == 403
    if model == "meeting":
        assert "Visible action" in detail.text
