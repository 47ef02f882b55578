"""The monthly ILT digest: for each locality, the month's figures with the change since the
month before, and a short list of what changed in its ILT (organisations that joined,
learning cycles concluded); stored once per locality and month (a PostgreSQL upsert on the
unique pair, so building it twice, even at once, leaves one), with its PDF."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from localities.models import LearningCycle, Locality, Membership
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record
from thurrock_care.reports import metrics, queries
from thurrock_care.reports.models import Digest
from thurrock_care.reports.periods import Period


def last_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def what_changed(locality: Locality, period: Period) -> dict[str, list[str]]:
    joined = Membership.objects.filter(
        locality=locality, joined_on__gte=period.start, joined_on__lte=period.end
    ).order_by("organisation__name")
    concluded = LearningCycle.objects.filter(
        locality=locality, concluded_on__gte=period.start, concluded_on__lte=period.end
    ).order_by("concluded_on", "pk")
    return {
        "new_members": [m.organisation.name for m in joined.select_related("organisation")],
        "learning_concluded": [cycle.question for cycle in concluded],
    }


def contents(locality: Locality, month: date) -> dict[str, Any]:
    period = Period.month(month)
    [now] = metrics.figures(period, [locality], borough=False)
    [before] = metrics.figures(period.previous(), [locality], borough=False)
    return {
        "period": period,
        "figures": queries.measures(now, before),
        "sources": {label: count.shown() for label, count in now.introductions_by_source.items()},
        "wellbeing": [(label, mean.shown()) for label, mean in now.wellbeing_rows()],
        "changes": what_changed(locality, period),
    }


def render_pdf(locality: Locality, built: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: slow to load, and only PDFs need it

    html = render_to_string("pdf/digest.html", {"locality": locality, **built,
                                                "generated_on": timezone.localtime()})  # fmt: skip
    return HTML(string=html).write_pdf(pdf_tags=True)


@transaction.atomic
def build_digest(*, locality: Locality, month: date, by: User | None = None) -> Digest:
    """Build (or rebuild: it replaces the stored one) a locality's digest for a month. `by`:
    the coordinator who asked for it again; None when the schedule builds it."""
    month = month.replace(day=1)
    built = contents(locality, month)
    pdf = render_pdf(locality, built)
    [digest] = Digest.objects.bulk_create(
        [Digest(locality=locality, month=month, figures=built["figures"],
                changes={**built["changes"], "sources": built["sources"],
                         "wellbeing": built["wellbeing"]},
                pdf=pdf, built_at=timezone.now(), built_by=by)],
        update_conflicts=True,
        unique_fields=["locality", "month"],
        update_fields=["figures", "changes", "pdf", "built_at", "built_by"],
    )  # fmt: skip
    digest = Digest.objects.defer("pdf").get(locality=locality, month=month)
    record(actor=by, action=Action.DIGEST_BUILT, subject=digest,
           details={"locality": locality.slug, "month": f"{month:%Y-%m}",
                    "rebuilt": by is not None})  # fmt: skip
    return digest


def send_digest(*, locality: Locality, month: date, now: datetime | None = None) -> int:
    """Tell the locality's members who chose to get it (in the app, and by e-mail with the
    PDF): once each per digest however often this runs, a rebuild included (the digest keeps
    its id, and the notification's key is the digest's and the member's)."""
    from thurrock_care.notifications.models import Preference
    from thurrock_care.notifications.services import notify
    from thurrock_care.reports.emails import MONTHLY_DIGEST

    digest = Digest.objects.defer("pdf").get(locality=locality, month=month.replace(day=1))
    chose = Preference.objects.filter(kind=MONTHLY_DIGEST.name, email=True).values("user")
    members = User.objects.filter(localities=locality, is_active=True, pk__in=chose).distinct()
    introductions = next((f for f in digest.figures if f["name"] == "introductions"), None)
    ready = f"The {locality.name} ILT's figures for {month:%B %Y} are ready"
    if introductions:
        ready += f": {introductions['shown']} introductions to Local Area Coordination, and more"
    body = ready + ". The PDF is attached."
    for member in members:
        notify(
            recipient=member,
            kind=MONTHLY_DIGEST.name,
            subject=f"{locality.name} ILT digest: {month:%B %Y}",
            body=body,
            link=reverse("reports:digest", args=[digest.pk]),
            dedupe_key=f"digest:{digest.pk}:{member.pk}",
            due_at=now,
        )
    return len(members)
