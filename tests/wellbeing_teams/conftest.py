"""Wellbeing Teams personas: a team in Grays with an independence support worker, a planning
support worker (trusted assessor) and a coordinator; a person on its caseload; and another
team (in the same locality) whose worker must not see that person."""

import threading
import time
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection, transaction

from tests.conftest import make_persona
from tests.wellbeing_teams.factories import PersonSupportedFactory, TeamFactory, TeamMemberFactory
from thurrock_care.accounts.models import Role
from wellbeing_teams.models import TeamMember


def member(team, role=TeamMember.Role.INDEPENDENCE, locality=None, **fields):
    user = make_persona(Role.WELLBEING_WORKER, locality or team.locality, **fields)
    TeamMemberFactory(team=team, user=user, role=role, contracted_hours=Decimal("37.5"))
    return user


@pytest.fixture
def team(grays):
    return TeamFactory(name="Grays Riverside", locality=grays)


@pytest.fixture
def worker(team):
    return member(team)


@pytest.fixture
def planner(team):
    return member(team, TeamMember.Role.PLANNING)


@pytest.fixture
def team_coordinator(team):
    return member(team, TeamMember.Role.COORDINATOR)


@pytest.fixture
def person(team):
    return PersonSupportedFactory(team=team)


@pytest.fixture
def other_team(grays):
    return TeamFactory(name="Grays Hill", locality=grays)


@pytest.fixture
def other_worker(other_team):
    return member(other_team)


@contextmanager
def committed_meanwhile(make, hold: float = 2):
    """Another request's insert, made in its own transaction and committed `hold` seconds
    after the body starts: the body's check does not see it yet, and its own insert then
    waits for it and meets the unique constraint (a race, made to happen every time). Use
    with django_db(transaction=True)."""
    started = threading.Event()

    def other() -> None:
        try:
            with transaction.atomic():
                make()
                started.set()
                time.sleep(hold)
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    assert started.wait(10)
    try:
        yield
    finally:
        thread.join()
