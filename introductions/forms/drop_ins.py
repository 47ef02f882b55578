"""Planning a drop-in or community event, and counting people helped without a record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from introductions.forms.conversations import DATETIME_FORMATS
from introductions.models import DROP_IN_FIELDS, DropInSession
from introductions.services.drop_ins import MAX_HEADCOUNT_STEP
from localities.models import CommunityAsset, Locality, Organisation
from thurrock_care.submissions.forms import SubmissionKeyField
from thurrock_care.versions import VersionField


def _when(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        help_text="For example, 27/03/2026 10:00",
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"class": "govuk-input--width-10"}
        ),
        error_messages={
            "required": f"Enter when it {label.lower()}, for example 27/03/2026 10:00",
            "invalid": "Enter a real date and time, for example 27/03/2026 10:00",
        },
    )


class DropInForm(forms.ModelForm):
    submission_key = SubmissionKeyField()
    starts_at = _when("Starts")
    ends_at = _when("Ends")

    class Meta:
        model = DropInSession
        fields = DROP_IN_FIELDS
        labels = {
            "title": "Name",
            "kind": "What it is",
            "venue": "Venue (if not in the community assets)",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "organisations": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"title": {"required": "Give it a name people will recognise"}}

    def __init__(self, *args: Any, localities: QuerySet[Locality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = localities  # type: ignore[attr-defined]
        self.fields["locality"].empty_label = None  # type: ignore[attr-defined]
        self.fields["asset"].queryset = CommunityAsset.objects.filter(  # type: ignore[attr-defined]
            neighbourhood__locality__in=localities, active=True
        ).order_by("name")
        organisations: Any = self.fields["organisations"]
        organisations.queryset = (
            Organisation.objects.filter(localities__in=localities).distinct().order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The end must be after the start")
        if not cleaned.get("asset") and not (cleaned.get("venue") or "").strip():
            self.add_error("venue", "Say where it is: a community asset or a venue")
        return cleaned


class EditDropInForm(DropInForm):
    submission_key = None  # type: ignore[assignment]
    version = VersionField()


class CancelDropInForm(forms.Form):
    version = VersionField()
    cancelled_reason = forms.CharField(
        label="Why is it cancelled? (optional)",
        required=False,
        max_length=300,
        help_text="People following the calendar feed see this. For example: the venue is closed.",
    )


class HeadcountForm(forms.Form):
    submission_key = SubmissionKeyField()
    people = forms.IntegerField(
        label="People helped without a record",
        min_value=1,
        max_value=MAX_HEADCOUNT_STEP,
        initial=1,
        help_text="Anonymous: nobody's name, just how many.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many people",
            "invalid": "Enter a whole number, like 1 or 2",
            "min_value": "Enter a number from 1",
            "max_value": f"Enter a number up to {MAX_HEADCOUNT_STEP}",
        },
    )


class MonthForm(forms.Form):
    """Which month a poster shows (this month by default)."""

    month = forms.DateField(input_formats=["%Y-%m"], required=False)
