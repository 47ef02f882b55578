"""The demo data has a Wellbeing Team in Tilbury and Chadwell whose demo worker has visits
today, and loading it twice adds nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from wellbeing_teams.models import HealthEvent, PersonSupported, Team, Visit

pytestmark = pytest.mark.django_db


def test_the_demo_team_has_todays_visits_for_the_demo_worker(settings, grays):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=None)
    call_command("load_demo_data", stdout=None)
    team = Team.objects.get(name="Tilbury Wellbeing Team")
    assert team.locality.slug == "tilbury-chadwell"
    person = PersonSupported.objects.get(team=team)
    assert person.resident.full_name == "Grace Adeyemi"
    today = Visit.objects.filter(team=team, planned_on=timezone.localdate())
    assert today.count() == 2
    assert {w.email for v in today for w in v.workers.all()} == {"wellbeing@thurrock-care.test"}
    assert person.outcomes.count() == 2
    assert HealthEvent.objects.filter(resident=person.resident).count() == 4
