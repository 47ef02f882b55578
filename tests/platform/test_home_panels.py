"""The home page's panels (thurrock_care/panels.py): the page knows no app; each app registers
what it shows, for whom, and each role's page runs a fixed number of queries."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localities.models import Locality, PossibleDuplicate
from localities.services import residents as services
from tests.conftest import make_persona
from tests.factories import (
    JoinRequestFactory,
    MembershipFactory,
    ResidentFactory,
)
from thurrock_care import panels
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FEATURE_APPS = ("localities", "introductions", "mdt", "wellbeing_teams")


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize(
    "module",
    [
        "thurrock_care/views.py",
        "thurrock_care/panels.py",
        "thurrock_care/timeline.py",
        "thurrock_care/templatetags/panels.py",
        "thurrock_care/templatetags/pages.py",
    ],
)
def test_the_home_page_and_the_registries_import_no_app(module):
    modules = imported_modules(ROOT / module)
    assert modules  # the file was read
    assert [m for m in modules if m.split(".")[0] in FEATURE_APPS] == []


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


def a_lot_to_review(outsider) -> None:
    """Requests to join, break-glass access and possible duplicates in every locality."""
    for locality in Locality.objects.all():
        JoinRequestFactory.create_batch(2, locality=locality)
        MembershipFactory.create_batch(2, locality=locality)
        neighbourhood = locality.neighbourhoods.first()
        first, second = (ResidentFactory(neighbourhood=neighbourhood) for _ in range(2))
        PossibleDuplicate.objects.create(resident=first, candidate=second)
        services.break_glass(resident=first, by=outsider, reason="Unwell at the drop-in")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_home_page_runs_the_same_queries_however_much_there_is(client, grays, role):
    user = make_persona(role, grays)
    client.force_login(user)
    JoinRequestFactory(locality=grays)
    few = count_queries(client)
    user.localities.set(Locality.objects.all())
    a_lot_to_review(make_persona(Role.PARTNER, None))
    many = count_queries(client)
    assert few == many
    text = client.get(reverse("home")).text
    if role in (Role.COORDINATOR, Role.ADMINISTRATOR):
        assert "3 requests to join the Grays ILT waiting for a decision" in text
        assert "possible duplicates to review" in text
        assert "break-glass accesses to review" in text
    assert "Tilbury and Chadwell" in text  # their localities, now every one


def test_each_role_sees_its_panels_in_order(client, personas):
    expected = {
        Role.PRACTITIONER: ["resident_search", "follow_ups", "mdt_actions", "localities"],
        Role.WELLBEING_WORKER: [
            "resident_search",
            "follow_ups",
            "mdt_actions",
            "visits_today",
            "localities",
        ],
        Role.PARTNER: ["resident_search", "follow_ups", "mdt_actions", "localities"],
        Role.MANAGER: ["localities"],
        Role.COORDINATOR: [
            "resident_search",
            "follow_ups",
            "mdt_actions",
            "reviews",
            "mdts_waiting",
            "localities",
        ],
        Role.ADMINISTRATOR: [
            "resident_search",
            "follow_ups",
            "mdt_actions",
            "administration",
            "reviews",
            "mdts_waiting",
            "accounts_by_role",
            "localities",
        ],
    }
    for role, names in expected.items():
        assert [shown.name for shown in panels.panels_for(personas[role])] == names
        client.force_login(personas[role])
        assert [p.name for p in client.get(reverse("home")).context["panels"]] == names


@pytest.fixture
def a_feature_panel():
    """A panel as a feature app would register it, taken away after the test."""
    panels.register_panel(
        "feature",
        template="accounts/_home_accounts_by_role.html",
        roles={Role.PARTNER, Role.WELLBEING_WORKER},
        context=lambda user: {"accounts_by_role": [("Visits this week", len(user.email))]},
        order=15,
    )
    yield
    panels.unregister_panel("feature")


@pytest.mark.usefixtures("a_feature_panel")
def test_a_feature_app_panel_is_shown_to_its_roles_in_its_place(client, personas):
    partner = personas[Role.PARTNER]
    client.force_login(partner)
    text = client.get(reverse("home")).text
    assert text.index("Find a resident") < text.index("Visits this week") < text.index("Grays")
    assert f'<dd class="govuk-summary-list__value">{len(partner.email)}</dd>' in text
    client.force_login(personas[Role.PRACTITIONER])
    assert "Visits this week" not in client.get(reverse("home")).text


@pytest.mark.usefixtures("a_feature_panel")
def test_a_panel_context_stays_in_its_panel(client, personas):
    """Each panel's context is its own: the next panel does not see it."""
    panels.register_panel(
        "another", template="accounts/_home_accounts_by_role.html", roles={Role.PARTNER}, order=16
    )
    try:
        client.force_login(personas[Role.PARTNER])
        text = client.get(reverse("home")).text
    finally:
        panels.unregister_panel("another")
    assert text.count("Active accounts") == 2  # both panels are there…
    assert text.count("Visits this week") == 1  # …and only the first had this to show


def test_a_panel_is_registered_once_with_one_audience():
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        panels.register_panel("localities", template="home/other.html")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        panels.register_panel(
            "both", template="x.html", roles={Role.PARTNER}, shown_to=lambda user: True
        )


def test_inactive_users_see_no_role_panel(personas):
    partner = personas[Role.PARTNER]
    partner.is_active = False
    assert panels.panels_for(partner) == []
