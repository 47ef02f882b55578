"""Housekeeping: a submission key matters for minutes (a double click, a retry), not for ever."""

from datetime import timedelta

from celery import shared_task

from thurrock_care import submissions


@shared_task
def forget_old_submissions() -> int:
    return submissions.forget(older_than=timedelta(days=30))
