"""The benchmark of issue 13: every key page against the two references, on a generated borough.

    make bench                      # full scale, 8 clients, 2 rounds of 4 s per measurement
    make bench BENCH_ARGS="--scale medium --rounds 1 --seconds 2"   # a quick try

1. The borough: `generate_thurrock --scale full` into `<database>_bench_full` once; it is kept,
   with a fingerprint of the generator, as the template of every run (a changed generator
   builds it again; new migrations are applied to it). Each run works in a fresh copy of it.
2. `bench.prepare` chooses the key pages' subjects (thurrock_care/synthetic/key_pages.py) and
   lets five people sign in.
3. gunicorn as docker-compose.yml runs it (3 workers, production settings) serves the product
   and the two references (bench/urls.py): the ceiling, a small fixed page, and the one-query
   reference, 25 rows of one table by one indexed query in the base template.
4. Each person signs in (password, then an authenticator code). For each key page, in each
   round: the ceiling, the one-query reference and the page, one after the other, each driven by
   `wrk` with 8 connections for the same time; every answer is checked. The Django admin's
   resident search is measured the same way, as a peer of resident search.
5. The web workers' memory; then the background work, each in a process of its own
   (bench/batch.py): the digests, the year's scrutiny PDF, a reminder sweep of 10,000.
6. bench/results.json and bench/results.md: each figure, its target, met or missed.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
SECRET_KEY = "bench-" + secrets.token_urlsafe(40)

# The targets of issue 13.
PAGE_THROUGHPUT = 0.75  # times the one-query reference's requests/s, at least
PAGE_P95 = 1.5  # times the one-query reference's p95, at most
SEARCH_VERSUS_ADMIN = 10  # times the admin's resident search, at least
BATCH_SECONDS = {"digests": 15, "scrutiny": 30, "reminders": 30}
SCRUTINY_MB = 1024
WORKER_MB = 300


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- The database --------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def fingerprint(scale: str, seed: int) -> str:
    """Changes when the generator does (a new migration is applied to the kept borough)."""
    digest = hashlib.sha256(f"{scale}:{seed}".encode())
    generator = sorted((BASE_DIR / "thurrock_care" / "synthetic").glob("*.py"))
    sources = [path for path in generator if path.name != "key_pages.py"]
    for path in [*sources, BASE_DIR / "localities" / "synthetic.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def manage(url: str, *arguments: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    subprocess.run([sys.executable, "manage.py", *arguments], env=env, cwd=BASE_DIR, check=True)


def borough(server: str, scale: str, seed: int, regenerate: bool) -> str:
    """The name of the template database holding the generated borough, built if needed."""
    import psycopg

    base = urlsplit(server).path.strip("/") or "thurrock_care"
    template = f"{base}_bench_{scale}"
    wanted = fingerprint(scale, seed)
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [template],
        ).fetchone()
        reuse = row and row[0] == wanted and not regenerate
        if not reuse:
            connection.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{template}"')
    url = with_database(server, template)
    if reuse:
        log(f"Reusing the generated borough in {template} (migrating it)")
        manage(url, "migrate", "--verbosity", "0")
        return template
    log(f"Generating the {scale} scale into {template} (minutes; kept for later runs)")
    manage(url, "migrate", "--verbosity", "0")
    manage(url, "generate_thurrock", "--scale", scale, "--seed", str(seed))
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as connection:
        connection.execute(f"COMMENT ON DATABASE \"{template}\" IS '{wanted}'")
    return template


def fresh_copy(server: str, template: str) -> str:
    import psycopg

    run = f"{template}_run"
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{run}" TEMPLATE "{template}"')
    return with_database(server, run)


def python_json(url: str, module: str, *arguments: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    done = subprocess.run(
        [sys.executable, "-m", module, *arguments],
        env=env, cwd=BASE_DIR, check=True, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# --- The server -----------------------------------------------------------------------------


class Server:
    """gunicorn as docker-compose.yml runs it, in production settings, with the references."""

    def __init__(self, url: str, port: int, workers: int) -> None:
        self.port = port
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": url,
            "DEBUG": "false",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            # TLS ends in front of gunicorn in production; here the clients speak plain HTTP.
            "HTTPS_ONLY": "false",
        }
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
        subprocess.run(collect, env=env, cwd=BASE_DIR, check=True)  # as the Dockerfile does
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "thurrock_care.wsgi",
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--access-logfile", str(RESULTS / "access.log"), "--log-level", "warning"],
            env=env, cwd=BASE_DIR, start_new_session=True,
        )  # fmt: skip
        for _ in range(150):
            try:
                status, _, _ = request(port, "GET", "/accounts/login/")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit("gunicorn did not start")

    def worker_mb(self) -> list[float]:
        """The resident memory of each web worker (gunicorn's children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) / 1024)  # type: ignore[index]
        return sizes

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)


def request(
    port: int, method: str, path: str, cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:  # fmt: skip
    """One request; the status, the headers (Set-Cookie merged into the cookies) and the body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": "127.0.0.1"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    if cookies is not None:
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]
    return response.status, dict(response.getheaders()), text


def sign_in(port: int, person: dict[str, str]) -> dict[str, str]:
    """As a person does: the password, then the code their authenticator shows."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    def token(page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]  # type: ignore[index]

    cookies: dict[str, str] = {}
    _, _, page = request(port, "GET", "/accounts/login/", cookies)
    form = {"login": person["email"], "password": person["password"]}
    status, headers, _ = request(
        port, "POST", "/accounts/login/", cookies, {**form, "csrfmiddlewaretoken": token(page)}
    )
    if status != 302 or "2fa" not in headers.get("Location", ""):
        sys.exit(f"Signing in as {person['email']} failed: {status}")
    _, _, page = request(port, "GET", headers["Location"], cookies)
    code = format_hotp_value(hotp_value(person["totp"], int(time.time() // 30)))
    status, _, _ = request(
        port, "POST", headers["Location"], cookies,
        {"code": code, "csrfmiddlewaretoken": token(page)},
    )  # fmt: skip
    _, _, home = request(port, "GET", "/", cookies)
    if status != 302 or "Hello," not in home:
        sys.exit(f"The authenticator code for {person['email']} was refused")
    return cookies


# --- Measuring ------------------------------------------------------------------------------


@dataclass
class Run:
    requests_per_s: float  # good answers only
    p95_ms: float
    failed: int = 0


def drive(port: int, target: dict[str, Any], cookies: dict[str, str], seconds: float,
          clients: int) -> Run:  # fmt: skip
    """`wrk` with `clients` connections for `seconds` on one page; every answer checked."""
    env = {
        **os.environ,
        "BENCH_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "BENCH_EXPECT": target["expect"],
        "BENCH_METHOD": target.get("method", "GET"),
        "BENCH_FORM": target.get("form") or "",
        "BENCH_CSRF": cookies.get("csrftoken", ""),
    }
    command = [
        "wrk", "-t2", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "60s",
        "-s", str(BASE_DIR / "bench" / "load.lua"), f"http://127.0.0.1:{port}{target['path']}",
    ]  # fmt: skip
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    failed = figures["bad"] + figures["errors"]
    if failed and target in (CEILING, ONE_QUERY):
        sys.exit(
            f"{target['name']}: {figures['bad']} of {figures['requests']} answers were wrong "
            f"(first: {figures['first_bad']}), {figures['errors']} failed: see "
            f"{RESULTS / 'access.log'}"
        )
    if failed:  # a key page that fails under load: counted, and a target missed
        log(f"{target['name']}: {failed} answers wrong or failed (first: {figures['first_bad']})")
    if not figures["requests"]:  # not one answer within the time: slower than that
        if target in (CEILING, ONE_QUERY):
            sys.exit(f"The {target['name']} answered nothing in {seconds} s: is the machine busy?")
        return Run(0.0, seconds * 1000, failed)
    good = figures["requests"] - figures["bad"]
    return Run(good / figures["seconds"], figures["p95_ms"], failed)


def warm(port: int, target: dict[str, Any], cookies: dict[str, str]) -> None:
    """One request, checked (a POST's form is sent once, with a key of its own)."""
    if target.get("method", "GET") == "POST":
        form = dict(parse_qsl(target["form"].replace("__KEY__", str(uuid.uuid4()))))
        form["csrfmiddlewaretoken"] = cookies["csrftoken"]
        status, headers, _ = request(port, "POST", target["path"], dict(cookies), form)
        good = status == 302 and target["expect"] in headers.get("Location", "")
    else:
        status, _, body = request(port, "GET", target["path"], dict(cookies))
        good = status == 200 and target["expect"] in body
    if not good:
        sys.exit(f"{target['name']}: {target['path']} answered {status}, not the page expected")


CEILING = {"name": "ceiling", "path": "/bench/ceiling/", "expect": "Ceiling", "role": ""}
ONE_QUERY = {
    "name": "one-query reference", "path": "/bench/one-query/", "expect": "The newest 25",
    "role": "",
}  # fmt: skip


def measure(port: int, targets: list[dict[str, Any]], sessions: dict[str, dict[str, str]],
            rounds: int, seconds: float, clients: int) -> dict[str, dict[str, Any]]:  # fmt: skip
    """For each target, in each round: the ceiling, the one-query reference, the target."""
    runs: dict[str, dict[str, list[Run]]] = {
        t["name"]: {"page": [], "ceiling": [], "reference": []} for t in targets
    }
    log("Warming up")
    for target in targets:
        session = sessions[target["role"]]
        for each in (CEILING, ONE_QUERY, target):
            for _ in range(3):
                warm(port, each, session)
    for number in range(1, rounds + 1):
        for target in targets:
            session = sessions[target["role"]]
            runs[target["name"]]["ceiling"].append(drive(port, CEILING, session, seconds, clients))
            runs[target["name"]]["reference"].append(
                drive(port, ONE_QUERY, session, seconds, clients)
            )
            page = drive(port, target, session, seconds, clients)
            runs[target["name"]]["page"].append(page)
            beside = runs[target["name"]]["reference"][-1]
            log(f"round {number}: {target['name']}: {page.requests_per_s:.0f}/s "
                f"(reference {beside.requests_per_s:.0f}/s), p95 {page.p95_ms:.1f} ms "
                f"(reference {beside.p95_ms:.1f} ms)")  # fmt: skip
    summary: dict[str, dict[str, Any]] = {}
    for name, kinds in runs.items():
        figures: dict[str, Any] = {
            kind: {
                "requests_per_s": statistics.mean(r.requests_per_s for r in measured),
                "p95_ms": statistics.median(r.p95_ms for r in measured),
                "failed": sum(r.failed for r in measured),
            }
            for kind, measured in kinds.items()
        }
        mine, ref, top = figures["page"], figures["reference"], figures["ceiling"]
        figures["throughput_ratio"] = mine["requests_per_s"] / max(ref["requests_per_s"], 1e-9)
        figures["p95_ratio"] = mine["p95_ms"] / max(ref["p95_ms"], 1e-9)
        figures["throughput_of_ceiling"] = mine["requests_per_s"] / max(top["requests_per_s"], 1e-9)
        summary[name] = figures
    return summary


# --- Reporting ------------------------------------------------------------------------------


def machine() -> str:
    cores = os.cpu_count()
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])  # type: ignore[index]
    model = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    return f"{cores} cores ({model[1] if model else 'unknown CPU'}), {memory / 2**20:.0f} GiB"


def report(results: dict[str, Any]) -> str:
    lines = [
        f"Measured {results['when']} on {results['machine']}; {results['scale']} scale; "
        f"gunicorn with {results['workers']} workers, PostgreSQL and Redis on the same machine; "
        f"`wrk` with {results['clients']} connections, {results['rounds']} rounds of "
        f"{results['seconds']:g} s per measurement, each page between its two references.",
        "",
        "| key page | requests/s | × one-query | × ceiling | p95 ms | × one-query p95 | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    missed = []
    for name, f in results["pages"].items():
        if name.startswith("admin "):
            continue
        met = (
            f["throughput_ratio"] >= PAGE_THROUGHPUT
            and f["p95_ratio"] <= PAGE_P95
            and not f["page"]["failed"]
        )
        if not met:
            missed.append(name)
        lines.append(
            f"| {name} | {f['page']['requests_per_s']:.0f} | {f['throughput_ratio']:.2f} | "
            f"{f['throughput_of_ceiling']:.2f} | {f['page']['p95_ms']:.1f} | "
            f"{f['p95_ratio']:.2f} | {'yes' if met else '**no**'}"
            f"{' (' + str(f['page']['failed']) + ' failed)' if f['page']['failed'] else ''} |"
        )
    measured = results["pages"].values()
    ceiling = statistics.mean(f["ceiling"]["requests_per_s"] for f in measured)
    reference = statistics.mean(f["reference"]["requests_per_s"] for f in measured)
    reference_p95 = statistics.median(f["reference"]["p95_ms"] for f in measured)
    lines += [
        "",
        f"References, averaged over the runs beside each page: the ceiling {ceiling:.0f} "
        f"requests/s; the one-query reference {reference:.0f} requests/s, p95 "
        f"{reference_p95:.1f} ms.",
        f"Targets: each key page ≥ {PAGE_THROUGHPUT} × the one-query reference's requests/s and "
        f"p95 ≤ {PAGE_P95} × its p95.",
        "",
        "| resident search | requests/s | admin's search requests/s | × admin | met |",
        "| --- | ---: | ---: | ---: | --- |",
    ]  # fmt: skip
    for name, f in results["pages"].items():
        if not name.startswith("resident search: "):
            continue
        kind = name.removeprefix("resident search: ")
        admin = results["pages"][f"admin search: {kind}"]
        times = f["page"]["requests_per_s"] / admin["page"]["requests_per_s"]
        met = times >= SEARCH_VERSUS_ADMIN
        if not met:
            missed.append(f"{name} versus the admin")
        lines.append(
            f"| {kind} | {f['page']['requests_per_s']:.0f} | "
            f"{admin['page']['requests_per_s']:.1f} | {times:.0f} | "
            f"{'yes' if met else '**no**'} |"
        )
    lines += ["", "| background work | seconds | target | peak MB | what | met |",
              "| --- | ---: | ---: | ---: | --- | --- |"]  # fmt: skip
    for job, f in results["batch"].items():
        met = f["ok"] and f["seconds"] <= BATCH_SECONDS[job]
        if job == "scrutiny":
            met = met and f["peak_mb"] <= SCRUTINY_MB
        if not met:
            missed.append(job)
        lines.append(
            f"| {job} | {f['seconds']:.1f} | ≤ {BATCH_SECONDS[job]} | {f['peak_mb']:.0f} | "
            f"{f['what']} | {'yes' if met else '**no**'} |"
        )
    worker = max(results["worker_mb"]) if results["worker_mb"] else 0
    met = worker <= WORKER_MB
    if not met:
        missed.append("web worker memory")
    lines += [
        "",
        f"Web workers' resident memory after the run: "
        f"{', '.join(f'{mb:.0f}' for mb in results['worker_mb'])} MB (target ≤ {WORKER_MB}): "
        f"{'met' if met else '**missed**'}.",
        "",
        f"Targets missed: {', '.join(missed)}." if missed else "Every target met.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="full", choices=["full", "medium", "small"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--only", help="measure only the key pages whose name holds this")
    parser.add_argument("--skip", action="append", default=[], help="leave out such pages")
    parser.add_argument("--no-batch", action="store_true", help="skip the background work")
    parser.add_argument("--regenerate", action="store_true", help="generate the borough again")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `apt-get install wrk` (make bench does it)")

    server_url = os.environ["DATABASE_URL"]
    template = borough(server_url, args.scale, args.seed, args.regenerate)
    url = fresh_copy(server_url, template)
    os.environ.update(DATABASE_URL=url, DEBUG="true", SECRET_KEY=SECRET_KEY)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thurrock_care.settings")
    import django

    django.setup()  # for allauth's authenticator codes

    log("Choosing the key pages' subjects")
    prepared = python_json(url, "bench.prepare")
    targets = [
        page for page in prepared["pages"]
        if (not args.only or args.only in page["name"])
        and not any(skip in page["name"] for skip in args.skip)
    ]  # fmt: skip
    targets += [
        {"name": f"admin search: {kind}", "role": "administrator", "method": "GET",
         "path": f"/admin/localities/resident/?{urlencode({'q': text})}",
         "expect": 'id="changelist"'}
        for kind, text in prepared["searches"].items()
        if any(t["name"] == f"resident search: {kind}" for t in targets)
    ]  # fmt: skip
    server = Server(url, args.port, args.workers)
    try:
        sessions = {role: sign_in(args.port, person) for role, person in prepared["people"].items()}
        pages = measure(args.port, targets, sessions, args.rounds, args.seconds, args.clients)
        worker_mb = server.worker_mb()
    finally:
        server.stop()
    batch = {}
    if not args.no_batch:
        for job in ("digests", "scrutiny", "reminders"):
            log(f"Timing {job}")
            batch[job] = python_json(url, "bench.batch", job)
    results = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "scale": args.scale,
        "workers": args.workers,
        "clients": args.clients,
        "rounds": args.rounds,
        "seconds": args.seconds,
        "pages": pages,
        "batch": batch,
        "worker_mb": worker_mb,
        "subjects": {"timeline_added": prepared["timeline_added"], "day": prepared["day"]},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (BASE_DIR / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    table = report(results)
    (BASE_DIR / "bench" / "results.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
