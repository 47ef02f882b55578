"""The background work of issue 13, timed at full scale, each in a process of its own (so that
its peak memory is its own). Prints one JSON object.

    DATABASE_URL=… python -m bench.batch digests     # last month's digest, every locality
    DATABASE_URL=… python -m bench.batch scrutiny    # a year's scrutiny PDF, four localities
    DATABASE_URL=… python -m bench.batch reminders   # 10,000 follow-ups due, swept
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

REMINDERS = 10_000


def digests() -> dict[str, Any]:
    from localities.models import Locality
    from thurrock_care.reports import digests
    from thurrock_care.reports.models import Digest

    month = digests.last_month()
    started = time.perf_counter()
    for locality in Locality.objects.order_by("name"):
        digests.build_digest(locality=locality, month=month)
    seconds = time.perf_counter() - started
    built = Digest.objects.filter(month=month)
    return {
        "seconds": seconds,
        "what": f"{built.count()} digests for {month:%B %Y}",
        "ok": built.count() == Locality.objects.count() and all(d.pdf for d in built),
    }


def scrutiny() -> dict[str, Any]:
    from django.utils import timezone

    from localities.models import Locality
    from thurrock_care.accounts.models import Role, User
    from thurrock_care.reports import scrutiny
    from thurrock_care.reports.models import ScrutinyReport
    from thurrock_care.reports.periods import Period

    year = timezone.localdate().year - 1
    period = Period.year(year)
    manager = User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk")[0]
    report = ScrutinyReport.objects.create(
        start=period.start, end=period.end, label=period.label, requested_by=manager
    )
    report.localities.set(Locality.objects.all())
    started = time.perf_counter()
    scrutiny.build(report)
    seconds = time.perf_counter() - started
    report.refresh_from_db()
    return {
        "seconds": seconds,
        "what": f"{year}, four localities: {report.pages} pages",
        "ok": bool(report.pdf) and report.is_finished,
    }


def reminders() -> dict[str, Any]:
    """10,000 follow-ups due today, each owned by the practitioner who holds the resident's
    introduction, swept as beat sweeps them (until nothing is left); then swept again, to show
    each was sent once."""
    from django.db import transaction
    from django.utils import timezone

    from introductions.models import FollowUp, Introduction
    from introductions.notifications import FOLLOW_UP_DUE
    from introductions.tasks import remind_follow_ups
    from thurrock_care.notifications.models import Notification

    today = timezone.localdate()
    open_ = Introduction.objects.exclude(status=Introduction.Status.ENDED).filter(
        holder__is_active=True
    )
    with transaction.atomic():
        made = FollowUp.objects.bulk_create(
            FollowUp(
                resident_id=resident,
                owner_id=holder,
                introduction_id=pk,
                due_on=today,
            )
            for pk, resident, holder in open_.order_by("pk").values_list(
                "pk", "resident_id", "holder_id"
            )[:REMINDERS]
        )
    before = Notification.objects.filter(kind=FOLLOW_UP_DUE.name).count()
    started = time.perf_counter()
    sweeps = 0
    while remind_follow_ups():
        sweeps += 1
    seconds = time.perf_counter() - started
    again = remind_follow_ups()
    sent = Notification.objects.filter(kind=FOLLOW_UP_DUE.name).count() - before
    return {
        "seconds": seconds,
        "what": f"{len(made):,} due, {sent:,} sent in {sweeps} sweep(s), {again} on sweeping again",
        "ok": sent == len(made) == REMINDERS and again == 0,
    }


JOBS: dict[str, Callable[[], dict[str, Any]]] = {
    "digests": digests,
    "scrutiny": scrutiny,
    "reminders": reminders,
}


def main() -> None:
    job = JOBS[sys.argv[1]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thurrock_care.settings")
    import django

    django.setup()
    result = job()
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
