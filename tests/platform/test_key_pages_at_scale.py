"""The key pages of issue 13 (thurrock_care/synthetic/key_pages.py, the benchmark's pages) on a
generated borough, twice: at the small scale and at the medium scale (ten times the rows).

- Each page runs the same number of queries at both scales (a first request, on an empty
  cache, and a second one).
- At the medium scale no query of any page reads a table of more than 10,000 rows by a
  sequential scan (EXPLAIN of every SELECT, with the parameters it ran with); the exceptions
  are listed here with their reasons, and in docs/performance.md "Query plans of the key pages".
- The MDT board reads the need-to-know gate for its MDTs only, and its latest closed MDTs in
  index order.

Each scale is generated once for the module, in a transaction rolled back afterwards: the small
one first (its counts kept), then the medium one for the rest of the module (65 to 100 s
in all on a shared 2-core machine)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

from localities.models import Locality
from mdt import queries as mdt_queries
from mdt.models import Mdt
from tests.conftest import ensure_reference_data
from tests.factories import enrol_totp
from thurrock_care.accounts.models import Role, User
from thurrock_care.synthetic import key_pages
from thurrock_care.synthetic.build import default_now, generate
from thurrock_care.synthetic.key_pages import KeyPage, Subjects

pytestmark = pytest.mark.django_db
NOW = default_now()
BIG_TABLE = 10_000  # rows: a sequential scan of more than this is a finding

# (page, table) → why a sequential scan of that table is right for that page (and in
# docs/performance.md, "Query plans of the key pages").
SEQ_SCANS_JUSTIFIED: dict[tuple[str, str], str] = {
    # Computed on a first view only (then cached until the data changes): a month's
    # conversations per locality. At medium scale hashing all 20,000 residents' neighbourhoods
    # is the planner's cheaper way to find the locality of a month's conversations; at full
    # scale (176,000 residents) it reads each conversation's resident by primary key instead.
    ("locality dashboard", "localities_resident"): "a borough-wide count, cheaper so at medium",
}

# (check, page) → the branch changing that page, where it fails that check today. Each test
# holds these pages to "still failing": when one passes, the test says so and its entry goes.
PENDING: dict[tuple[str, str], str] = {}


def pending(check: str) -> dict[str, str]:
    return {page: why for (kind, page), why in PENDING.items() if kind == check}


class Recorder:
    """Every statement the connection runs while installed, with its parameters (what
    CaptureQueriesContext shows has its parameters interpolated for display only)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, None if many else params))
        return execute(sql, params, many, context)


@dataclass
class Answer:
    status: int
    statements: list[tuple[str, Any]]
    body: str

    @property
    def queries(self) -> int:
        return len(self.statements)


def clear_cache() -> None:
    """Empty this test run's cache keys (tests/conftest.py gives them their own prefix)."""
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)


def clients(subjects: Subjects) -> dict[str, Client]:
    """One signed-in client per role of the key pages (each with an authenticator app)."""
    found = {}
    for role in ("practitioner", "coordinator", "manager", "worker"):
        user = getattr(subjects, role)
        if not user.authenticator_set.exists():
            enrol_totp(user)
        found[role] = Client()
        found[role].force_login(user)
    return found


def ask(client: Client, page: KeyPage) -> Answer:
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        if page.method == "POST":
            assert page.form is not None
            response = client.post(page.path, page.form())
        else:
            response = client.get(page.path)
    if response.status_code == 302:
        body = response["Location"]
    else:
        body = b"".join(response.streaming_content if response.streaming else [response.content])
        body = body.decode()
    assert page.expect in body, f"{page.name}: {page.expect!r} not in the answer"
    return Answer(response.status_code, recorder.statements, body)


def count_queries(subjects: Subjects) -> dict[str, tuple[int, int]]:
    """Each key page's queries: the first request on an empty cache, then a second one."""
    clear_cache()
    signed_in = clients(subjects)
    counts = {}
    for page in key_pages.pages(subjects):
        first = ask(signed_in[page.role], page)
        second = ask(signed_in[page.role], page)
        counts[page.name] = (first.queries, second.queries)
    clear_cache()
    return counts


@dataclass
class Borough:
    subjects: Subjects
    small_counts: dict[str, tuple[int, int]]
    medium_counts: dict[str, tuple[int, int]]
    big_tables: dict[str, int]


def setting_up(scale: str, seed: int) -> Subjects:
    generate(scale=scale, seed=seed, now=NOW)
    subjects = key_pages.choose()
    key_pages.prepare(subjects, now=NOW)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return subjects


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker) -> Iterator[Borough]:
    """The small scale's counts (generated, measured, rolled back), then the medium scale,
    kept for the module's tests and rolled back after them."""
    with django_db_blocker.unblock():
        ensure_reference_data()
        with transaction.atomic():
            small_counts = count_queries(setting_up("small", seed=7))
            transaction.set_rollback(True)
        with transaction.atomic():
            subjects = setting_up("medium", seed=3)
            medium_counts = count_queries(subjects)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' "
                    "AND relnamespace = 'public'::regnamespace AND reltuples > %s",
                    [BIG_TABLE],
                )
                big_tables = {name: int(rows) for name, rows in cursor.fetchall()}
            yield Borough(subjects, small_counts, medium_counts, big_tables)
            transaction.set_rollback(True)
        clear_cache()
        with connection.cursor() as cursor:
            # ANALYZE's row counts are not rolled back: count the tables' rows again, so the
            # planner does not take the emptied tables for big ones in later tests.
            cursor.execute("ANALYZE")


def shown(count: tuple[int, int] | None) -> str:
    return f"{count[0]}/{count[1]}" if count else "-"


def table(counts: dict[str, tuple[int, int]], other: dict[str, tuple[int, int]]) -> str:
    """Queries per key page: the first request / the second one, at each scale."""
    lines = [f"{'page':<45} {'small':>9} {'medium':>9}"]
    for name, small in counts.items():
        medium = other.get(name)
        mark = "" if small == medium else "   <-- differs"
        lines.append(f"{name:<45} {shown(small):>9} {shown(medium):>9}{mark}")
    return "\n".join(lines)


def test_each_key_page_runs_the_same_queries_at_ten_times_the_rows(borough):
    small, medium = borough.small_counts, borough.medium_counts
    assert list(small) == list(medium)
    assert len(small) == len(key_pages.pages(borough.subjects)) >= 15
    differs = {name for name in small if small[name] != medium[name]}
    assert differs - set(pending("queries")) == set(), (
        "pages whose query count grows with the data:\n" + table(small, medium)
    )
    assert set(pending("queries")) - differs == set(), (
        "the same at both scales now: remove from PENDING\n" + table(small, medium)
    )


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def explain(sql: str, params: Any) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        found = cursor.fetchone()[0]
    return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]


def is_select(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def test_no_key_page_reads_a_big_table_by_a_sequential_scan(borough):
    assert {"localities_resident", "introductions_conversation", "wellbeing_teams_visit"} <= set(
        borough.big_tables
    ), borough.big_tables
    signed_in = clients(borough.subjects)
    found: dict[str, list[str]] = {}
    justified: set[tuple[str, str]] = set()
    for page in key_pages.pages(borough.subjects):
        clear_cache()  # every query the page can run, not its cached answers
        answer = ask(signed_in[page.role], page)
        selects = [(sql, params) for sql, params in answer.statements if is_select(sql)]
        assert selects, page.name
        for sql, params in selects:
            for node in plan_nodes(explain(sql, params)):
                table_name = node.get("Relation Name")
                if node["Node Type"] != "Seq Scan" or table_name not in borough.big_tables:
                    continue
                if (page.name, table_name) in SEQ_SCANS_JUSTIFIED:
                    justified.add((page.name, table_name))
                    continue
                found.setdefault(page.name, []).append(
                    f"{page.name}: Seq Scan on {table_name} "
                    f"({borough.big_tables[table_name]:,} rows) in\n    {sql[:600]}"
                )
    failing = {name: scans for name, scans in found.items() if name not in pending("plans")}
    assert failing == {}, "\n".join(scan for scans in failing.values() for scan in scans)
    assert set(pending("plans")) - set(found) == set(), "no sequential scan: remove from PENDING"
    assert justified == set(SEQ_SCANS_JUSTIFIED)  # no exception outlives its reason


def test_the_board_reads_the_gate_for_its_mdts_only(borough):
    """The need-to-know gate is checked for the locality's MDTs in hand, never by listing every
    resident the coordinator may see; the open MDTs and the latest closed ones are read in
    index order."""
    coordinator = (
        User.objects.filter(role=Role.COORDINATOR, localities__isnull=False).order_by("pk").first()
    )
    locality = Locality.objects.worked_in_by(coordinator).order_by("name").first()
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        board = mdt_queries.board(locality, coordinator, now=NOW)
    mdt_statements = [(sql, p) for sql, p in recorder.statements if "mdt_" in sql]
    assert len(mdt_statements) == 4
    plans = [explain(sql, params) for sql, params in mdt_statements]
    for plan in plans:
        scans = {n.get("Relation Name") for n in plan_nodes(plan) if n["Node Type"] == "Seq Scan"}
        assert "localities_resident" not in scans, plan
    opened = {n.get("Index Name") for n in plan_nodes(plans[0])}
    assert "mdt_board_open" in opened, plans[0]
    closed = {n.get("Index Name") for n in plan_nodes(plans[1])}
    assert "mdt_board_closed" in closed, plans[1]
    # And it shows what it did: the open MDTs, the latest closed ones.
    shown = [card.mdt.pk for _, _, cards in board["columns"] for card in cards]
    open_ones = Mdt.objects.visible_to(coordinator).filter(locality=locality).open()
    assert set(open_ones.values_list("pk", flat=True)) <= set(shown)
    assert len(board["columns"][-1][2]) == mdt_queries.CLOSED_SHOWN
