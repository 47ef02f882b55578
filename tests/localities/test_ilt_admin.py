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


def test_an_organisation_s_kind_changed_in_the_admin_is_audited(client, administrator):
    from localities.models import Organisation
    from tests.factories import OrganisationFactory
    from thurrock_care.audit.models import Action, Event

    organisation = OrganisationFactory(name="Grays Befrienders")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:localities_organisation_change", args=[organisation.pk]),
        {"name": "Grays Befrienders", "kind": "adult_social_care"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.kind == Organisation.Kind.ADULT_SOCIAL_CARE
    event = Event.objects.get(action=Action.ORGANISATION_CHANGED)
    assert event.actor == administrator
    assert event.details["core"] == [False, True]  # its practitioners now see residents
    delete = reverse("admin:localities_organisation_delete", args=[organisation.pk])
    assert client.get(delete).status_code == 403


def test_ilt_membership_is_added_and_ended_in_the_admin_audited(client, administrator, grays):
    from localities.models import Membership
    from tests.factories import OrganisationFactory
    from thurrock_care.audit.models import Action, Event

    organisation = OrganisationFactory()
    client.force_login(administrator)
    added = client.post(
        reverse("admin:localities_membership_add"),
        {"organisation": organisation.pk, "locality": grays.pk},
    )
    assert added.status_code == 302
    membership = Membership.objects.get(organisation=organisation)
    assert Event.objects.get(action=Action.MEMBERSHIP_ADDED).actor == administrator
    ended = client.post(
        reverse("admin:localities_membership_changelist"),
        {"action": "end_memberships", "_selected_action": [membership.pk]},
    )
    assert ended.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = Event.objects.get(action=Action.MEMBERSHIP_ENDED)
    assert (event.actor, event.object_id) == (administrator, membership.pk)


def test_localities_and_neighbourhoods_are_reference_data(client, administrator, grays):
    client.force_login(administrator)
    page = client.get(reverse("admin:localities_locality_change", args=[grays.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
