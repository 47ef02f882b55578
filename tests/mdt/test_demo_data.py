"""The demo data has one urgent MDT in Grays, finding a time, with a recommended time."""

import pytest
from django.core.management import call_command

from mdt import queries
from mdt.models import Mdt, Response

pytestmark = pytest.mark.django_db


def test_demo_data_includes_one_urgent_mdt_in_progress_once(capsys, grays):
    call_command("load_demo_data", force=True)
    call_command("load_demo_data", force=True)
    mdt = Mdt.objects.get()
    assert mdt.is_urgent
    assert mdt.locality.slug == "grays"
    assert mdt.status == Mdt.Status.FINDING
    assert mdt.requested_by.email == "coordinator@thurrock-care.test"
    assert Response.objects.count() == 4
    table = queries.slot_table(mdt, list(mdt.invitations.all()))
    assert table["recommendation"].slot_id == mdt.slots.order_by("starts_at").last().pk
