"""Choosing what the figures are for: a period (a month, a quarter, a year or any dates) and
which localities (the borough's figures are always shown too)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from localities.models import Locality
from thurrock_care.forms import date_field
from thurrock_care.reports.models import CaseStudy
from thurrock_care.reports.periods import Period
from thurrock_care.submissions.forms import SubmissionKeyField
from thurrock_care.versions import VersionField

LONGEST = timedelta(days=5 * 366)


def period_choices(today: date) -> list[tuple[str, Any]]:
    months, month = [], today.replace(day=1)
    for _ in range(24):
        months.append((f"m:{month:%Y-%m}", f"{month:%B %Y}"))
        month = (month - timedelta(days=1)).replace(day=1)
    quarters, quarter = [], Period.quarter(today)
    for _ in range(8):
        quarters.append((f"q:{quarter.start:%Y-%m}", quarter.label))
        quarter = quarter.previous()
    years = [(f"y:{year}", str(year)) for year in range(today.year, today.year - 5, -1)]
    return [("Months", months), ("Quarters", quarters), ("Years", years),
            ("Other", [("dates", "The dates below")])]  # fmt: skip


class FiguresForm(forms.Form):
    period = forms.ChoiceField(
        label="Period",
        error_messages={"required": "Choose a period", "invalid_choice": "Choose a period"},
    )
    start = date_field("From (for the dates below)")
    end = date_field("To")
    localities = forms.ModelMultipleChoiceField(
        queryset=Locality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Localities",
        help_text="Leave them all unticked for every locality. The borough is always shown.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        period: Any = self.fields["period"]
        period.choices = period_choices(today)
        period.initial = f"m:{(today.replace(day=1) - timedelta(days=1)):%Y-%m}"  # last month
        places: Any = self.fields["localities"]
        places.queryset = Locality.objects.order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("period") == "dates":
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start:
                self.add_error("start", "Enter the first day, for example 01/04/2026")
            if not end:
                self.add_error("end", "Enter the last day, for example 31/03/2027")
            if start and end and end < start:
                self.add_error("end", "The last day must be on or after the first")
            elif start and end and end - start > LONGEST:
                self.add_error("end", "Choose at most five years")
        return cleaned

    def chosen_period(self) -> Period:
        value = self.cleaned_data["period"]
        if value == "dates":
            return Period.dates(self.cleaned_data["start"], self.cleaned_data["end"])
        kind, _, rest = value.partition(":")
        if kind == "y":
            return Period.year(int(rest))
        first = date(int(rest[:4]), int(rest[5:7]), 1)
        return Period.quarter(first) if kind == "q" else Period.month(first)

    def chosen_localities(self) -> QuerySet[Locality]:
        chosen = self.cleaned_data.get("localities")
        return chosen.order_by("name") if chosen else Locality.objects.order_by("name")


class ReportForm(FiguresForm):
    """Asking for a scrutiny report: the period and localities, once per submission."""

    submission_key = SubmissionKeyField()


class CaseStudyForm(forms.ModelForm):
    submission_key = SubmissionKeyField()
    resident = forms.CharField(
        label="The record number of the resident it is about",
        max_length=20,
        help_text="For example TC000123. It is never shown with the case study; it is used to "
        "check that nothing in it identifies them.",
        error_messages={"required": "Enter the record number of the resident it is about"},
    )

    class Meta:
        model = CaseStudy
        fields = ["title", "story"]
        labels = {"story": "What happened, and what changed for them"}
        help_texts = {"story": "Leave out their name, date of birth, NHS number and postcode."}
        widgets = {"story": forms.Textarea(attrs={"rows": 10})}
        error_messages = {"title": {"required": "Give the case study a title"},
                          "story": {"required": "Write what happened"}}  # fmt: skip


class EditCaseStudyForm(CaseStudyForm):
    submission_key = None  # type: ignore[assignment]
    resident = None  # type: ignore[assignment]
    version = VersionField()


class PublishForm(forms.Form):
    version = VersionField()
