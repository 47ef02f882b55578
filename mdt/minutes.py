"""The MDT minutes as a PDF (WeasyPrint): title, language and headings, so that a screen
reader and a search find their way; shared with the attendees."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from mdt.models import Mdt, MeetingRecord


def render(mdt: Mdt, record: MeetingRecord) -> bytes:
    from weasyprint import HTML  # imported here: loading it is slow

    html = render_to_string(
        "pdf/mdt_minutes.html",
        {
            "mdt": mdt,
            "record": record,
            "actions": list(mdt.actions.select_related("owner_organisation", "owner_person")),
            "printed_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
