"""Resident search at borough scale, before and after the search indexes (docs/performance.md).

    make bench-search              # 176,000 residents, 8 clients, 20 s per measurement

Runs on DATABASE_URL's server (the launcher starts the embedded one) in a database of its own,
`<name>_bench`, built once (demo data plus synthetic residents) and kept for later runs. Prints:

1. PostgreSQL's time for each kind of search as the search page runs it for a practitioner (both
   queries for a name of one word), with the query and schema of before (migration 0006, the
   predicate as it was) and now.
2. Requests per second and 95th-percentile latency of the search page and of the Django admin's
   resident search, on the production server (gunicorn, as in docker-compose.yml), with
   concurrent clients, interleaved in one run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
# Sessions made here are read by the server: one key for both.
SECRET_KEY = "bench-only-" + "x" * 40
sys.path.insert(0, str(BASE_DIR))


def bench_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_bench"))


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        exists = "SELECT 1 FROM pg_database WHERE datname = %s"
        if not connection.execute(exists, [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ.setdefault("DEBUG", "true")  # this process only; the server runs as production
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thurrock_care.settings")
    import django

    django.setup()


def build(residents: int) -> None:
    from django.core.management import call_command

    from localities.models import Resident

    call_command("migrate", verbosity=0)
    have = Resident.objects.filter(created_by__email__endswith=".invalid").count()
    if have == residents:
        print(f"Reusing the bench database: {have:,} synthetic residents.")
        return
    if have:
        sys.exit(f"The bench database holds {have:,} synthetic residents, not {residents:,}: "
                 "drop it (DROP DATABASE …_bench) to build it again.")  # fmt: skip
    call_command("load_demo_data", verbosity=0)
    started = time.perf_counter()
    call_command("load_synthetic_residents", residents, seed=1)
    print(f"Loaded {residents:,} residents in {time.perf_counter() - started:.0f} s.")


def search_kinds() -> dict[str, str]:
    """One query of each kind, chosen from the data: the text a practitioner in Grays types."""
    from collections import Counter

    from localities.models import Resident
    from thurrock_care.accounts.models import User

    practitioner = User.objects.get(email="practitioner@thurrock-care.test")
    seen = Resident.objects.visible_to(practitioner).filter(created_by__email__endswith=".invalid")
    surnames = Counter(
        name.split()[-1] for name in Resident.objects.values_list("full_name", flat=True)
    )
    commonest = surnames.most_common(1)[0][0]
    rare = next(
        r for r in seen.exclude(nhs_number="").order_by("pk")[:5000]
        if surnames[(last := r.full_name.split()[-1])] <= 30 and len(r.full_name.split()) == 2
        and len(last) >= 5 and last[2] != last[3]
    )  # fmt: skip
    first, last = rare.full_name.split()
    return {
        "rare full name": rare.full_name,
        "commonest surname": commonest,
        "typo (two letters swapped)": f"{first} {last[:2]}{last[3]}{last[2]}{last[4:]}",
        "name without its space": f"{first}{last}",
        "postcode district": rare.postcode.split()[0],
        "full postcode": rare.postcode,
        "date of birth": rare.date_of_birth.strftime("%d/%m/%Y") if rare.date_of_birth else "",
        "NHS number": rare.nhs_number,
    }


def old_search(residents, query):
    """The search as it was before the indexes (localities/search.py at 0006): the predicate
    that no index could answer. Kept here only to measure against."""
    from django.contrib.postgres.search import TrigramWordSimilarity
    from django.db.models import F, Q, Value
    from django.db.models.functions import Replace

    if query.nhs_number:
        residents = residents.filter(nhs_number=query.nhs_number)
    if query.date_of_birth:
        residents = residents.filter(date_of_birth=query.date_of_birth)
    if query.postcode:
        residents = residents.filter(postcode=query.postcode)
    if query.outward_code:
        residents = residents.filter(postcode__startswith=f"{query.outward_code} ")
    if not query.name:
        return residents.order_by("full_name", "id")
    compact = query.name.replace(" ", "")
    return (
        residents.annotate(
            compact_name=Replace(F("search_name"), Value(" "), Value("")),
            score=TrigramWordSimilarity(query.name, "search_name"),
        )
        .filter(Q(score__gte=0.3) | Q(compact_name__contains=compact))
        .order_by("-score", "full_name", "id")
    )


def postgres_ms(queryset, runs: int = 7) -> tuple[float, int]:
    """The median of PostgreSQL's own execution time, and the rows found."""
    times = []
    for _ in range(runs):
        plan = queryset.explain(analyze=True)
        times.append(float(re.search(r"Execution Time: ([0-9.]+) ms", plan)[1]))  # type: ignore[index]
    return statistics.median(times[1:]), len(list(queryset))


def measure_postgres(kinds: dict[str, str]) -> dict[str, dict[str, tuple[float, int]]]:
    from django.core.management import call_command

    from localities import search
    from localities.models import Resident
    from thurrock_care.accounts.models import User

    practitioner = User.objects.get(email="practitioner@thurrock-care.test")
    gate = Resident.objects.visible_to(practitioner).working()
    results: dict[str, dict[str, tuple[float, int]]] = {kind: {} for kind in kinds}
    print("Migrating back to 0006 (before the search indexes) …")
    call_command("migrate", "localities", "0006", verbosity=0)
    for kind, text in kinds.items():
        found = old_search(gate, search.parse(text))[: search.MAX_RESULTS]
        results[kind]["before"] = postgres_ms(found)
    print("Migrating forward (the search indexes) …")
    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE localities_resident")
    for kind, text in kinds.items():
        query = search.parse(text)
        found = search.search(gate, query)[: search.MAX_RESULTS]
        ms, count = postgres_ms(found)
        if (exact := search.exact_word(gate, query)) is not None:
            ms += postgres_ms(exact.values_list("pk", flat=True)[: search.MAX_RESULTS])[0]
        results[kind]["after"] = (ms, count)
    return results


def session_cookie(email: str) -> str:
    from django.conf import settings
    from django.test import Client

    from thurrock_care.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class Server:
    """gunicorn as docker-compose.yml runs it, in production settings."""

    def __init__(self, url: str, port: int) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "false",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "HTTPS_ONLY": "false",
        }
        self.port = port
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
        subprocess.run(collect, env=env, cwd=BASE_DIR, check=True)  # as the Dockerfile does
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "thurrock_care.wsgi",
             "--bind", f"127.0.0.1:{port}", "--workers", "3", "--log-level", "warning"],
            env=env, cwd=BASE_DIR, start_new_session=True,
        )  # fmt: skip

    def wait(self) -> None:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        sys.exit("gunicorn did not start")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def drive(port: int, paths: list[str], cookie: str, check: str, seconds: float, clients: int):
    """`clients` threads request the paths in turn for `seconds`; requests/s and p95 (ms)."""
    latencies: list[float] = []
    failures: list[str] = []
    stop_at = time.perf_counter() + seconds

    def client(offset: int) -> None:
        n = offset
        while time.perf_counter() < stop_at:
            path = paths[n % len(paths)]
            n += 1
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = connection.getresponse()
            body = response.read().decode()
            if response.status != 200 or check not in body:
                failures.append(f"{path}: {response.status}")
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        sys.exit(f"Requests failed: {failures[:5]}")
    return len(latencies) / elapsed, statistics.quantiles(latencies, n=20)[-1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=176_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    url = bench_database_url()
    ensure_database(url)
    setup_django(url)
    build(args.residents)
    kinds = search_kinds()
    timings = measure_postgres(kinds)
    print(f"\n### PostgreSQL time per search, {args.residents:,} residents (median of 6)\n")
    print("| search | typed | before (ms) | now (ms) | faster | found (now) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for kind, text in kinds.items():
        (before, _), (after, found) = timings[kind]["before"], timings[kind]["after"]
        ratio = before / after
        print(f"| {kind} | `{text}` | {before:.1f} | {after:.2f} | {ratio:.0f}× | {found} |")

    names = [kinds["rare full name"], kinds["commonest surname"],
             kinds["typo (two letters swapped)"], kinds["postcode district"]]  # fmt: skip
    search_paths = [f"/residents/?{urlencode({'q': q})}" for q in names]
    admin_paths = [f"/admin/localities/resident/?{urlencode({'q': q})}" for q in names]
    results = "Residents matching your search"  # on the page only when someone was found
    changelist = 'id="changelist"'  # the admin's list, with or without results
    practitioner = session_cookie("practitioner@thurrock-care.test")
    administrator = session_cookie("admin@thurrock-care.test")
    server = Server(url, args.port)
    try:
        server.wait()
        drive(args.port, search_paths[:1], practitioner, results, 2, 2)  # warm up
        measured: dict[str, list[tuple[float, float]]] = {"search page": [], "admin search": []}
        for _ in range(args.rounds):
            measured["search page"].append(
                drive(args.port, search_paths, practitioner, results, args.seconds, args.clients)
            )
            measured["admin search"].append(
                drive(args.port, admin_paths, administrator, changelist, args.seconds, args.clients)
            )
    finally:
        server.stop()
    print(f"\n### Throughput, gunicorn (3 workers), {args.clients} clients, "
          f"{args.rounds} × {args.seconds:.0f} s each, interleaved\n")  # fmt: skip
    print("| page | requests/s | p95 (ms) |")
    print("| --- | ---: | ---: |")
    rates = {}
    for page, runs in measured.items():
        rates[page] = statistics.mean(r for r, _ in runs)
        print(f"| {page} | {rates[page]:.1f} | {max(p for _, p in runs):.0f} |")
    print(f"\nThe search page serves {rates['search page'] / rates['admin search']:.0f}× "
          "the admin search's requests per second.")  # fmt: skip


if __name__ == "__main__":
    main()
