"""`make run`'s launcher: migrates, loads demo data, serves the app with a worker and beat,
and Ctrl-C stops every process it started."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil
import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import database_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def wait_for(url: str, status: int, seconds: float, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the launcher exited:\n{process.stdout.read()[-3000:]}")
        code, body = get(url)
        if code == status:
            return body
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer {status} within {seconds} s (last: {code})")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_run_serves_sign_in_and_ctrl_c_leaves_no_process_behind(grays):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "PORT": str(port),
        "DEBUG": "true",
    }
    launcher = subprocess.Popen(
        [sys.executable, "-m", "thurrock_care.launcher", "run"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        sign_in = wait_for(f"{base}/accounts/login/", 200, 90, launcher)
        assert "Sign in to Thurrock Care" in sign_in
        health = wait_for(f"{base}/healthz", 200, 60, launcher)  # the worker answers too
        assert '"status": "ok"' in health
        children = psutil.Process(launcher.pid).children(recursive=True)
        commands = [" ".join(child.cmdline()) for child in children]
        assert any("runserver" in c for c in commands)
        assert any("worker" in c for c in commands)
        assert any(" beat" in c for c in commands)
    finally:
        launcher.send_signal(signal.SIGINT)
        output, _ = launcher.communicate(timeout=60)
    assert launcher.returncode == 0, output
    assert "coordinator@thurrock-care.test" in output  # demo sign-ins printed
    assert f"http://localhost:{port}/" in output
    survivors = [child for child in children if child.is_running() and child.status() != "zombie"]
    assert survivors == [], f"left running: {survivors}"
