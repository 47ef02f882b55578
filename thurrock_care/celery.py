"""The Celery app. Tasks are discovered in each app's tasks.py; the schedule is in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thurrock_care.settings")

app = Celery("thurrock_care")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
