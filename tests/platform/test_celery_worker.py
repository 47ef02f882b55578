"""A real Celery worker takes a task from Redis and answers (no eager mode)."""

import pytest
from django.urls import reverse

from thurrock_care import tasks
from thurrock_care.accounts.models import Role
from thurrock_care.celery import app


@pytest.fixture(autouse=True)
def _celery_eager():
    """This module is about the configuration as deployed: no eager mode for any of it
    (overrides the suite's fixture of the same name, which runs unit tests' tasks eagerly)."""


def test_tasks_are_not_run_eagerly():
    assert app.conf.task_always_eager is False
    assert app.conf.broker_url.startswith(("redis://", "redis+socket://"))
    assert app.conf.task_acks_late is True
    assert app.conf.task_serializer == "json"


@pytest.mark.integration
def test_the_worker_runs_a_task_through_redis(celery_worker):
    result = tasks.ping.apply_async(queue=celery_worker.queue)
    assert result.get(timeout=30) == "pong"
    assert result.successful()
    # The worker's own record of the task: proof that it ran there and not in this process.
    assert app.AsyncResult(result.id).state == "SUCCESS"


@pytest.mark.integration
def test_beat_schedule_is_declared_once_and_its_task_runs(celery_worker, settings):
    assert settings.CELERY_BEAT_SCHEDULE["heartbeat"]["task"] == "thurrock_care.tasks.heartbeat"
    result = tasks.heartbeat.apply_async(queue=celery_worker.queue)
    assert "T" in result.get(timeout=30)  # an ISO timestamp written by the worker


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_healthz_reports_everything_well_with_a_worker(client, celery_worker, personas):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}  # all the public learns
    client.force_login(personas[Role.ADMINISTRATOR])
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert celery_worker.name in body["checks"]["worker"]["workers"]
