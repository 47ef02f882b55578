"""The MDT board at a generated medium scale (20,000 residents): the need-to-know gate is
checked for the locality's MDTs in hand, never by listing every resident the coordinator may
see (a sequential scan of the residents), and the latest closed MDTs are read in index order
(docs/performance.md)."""

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from localities.models import Locality
from mdt import queries
from mdt.models import Mdt
from thurrock_care.accounts.models import Role, User
from thurrock_care.synthetic.build import generate

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generate(scale="medium", seed=3, now=NOW)
        yield
        transaction.set_rollback(True)


def plans(sqls: list[str]) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for sql in sqls:
            cursor.execute("EXPLAIN " + sql)
            found.append("\n".join(row[0] for row in cursor.fetchall()))
    return found


@pytest.mark.django_db
def test_the_board_reads_the_gate_for_its_mdts_only(borough):
    coordinator = (
        User.objects.filter(role=Role.COORDINATOR, localities__isnull=False).order_by("pk").first()
    )
    locality = Locality.objects.worked_in_by(coordinator).order_by("name").first()
    with CaptureQueriesContext(connection) as ctx:
        board = queries.board(locality, coordinator, now=NOW)
    mdt_queries = [q["sql"] for q in ctx.captured_queries if "mdt_" in q["sql"]]
    assert len(mdt_queries) == 4
    for plan in plans(mdt_queries):
        assert "Seq Scan on localities_resident" not in plan, plan
    closed = plans(mdt_queries[1:2])[0]
    assert "mdt_board_closed" in closed, closed
    # And it shows what it did: the open MDTs, the latest closed ones.
    shown = [card.mdt.pk for _, _, cards in board["columns"] for card in cards]
    open_ones = Mdt.objects.visible_to(coordinator).filter(locality=locality).open()
    assert set(open_ones.values_list("pk", flat=True)) <= set(shown)
    assert len(board["columns"][-1][2]) == queries.CLOSED_SHOWN
