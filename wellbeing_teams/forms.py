"""Validation only: what a Wellbeing Team worker types on their phone. Creates carry a
submission key (one record for a double tap or a retry); edits carry the version read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from localities.models import Locality, Neighbourhood
from thurrock_care.accounts.models import User
from thurrock_care.forms import date_field
from thurrock_care.submissions.forms import SubmissionKeyField
from thurrock_care.versions import VersionField
from wellbeing_teams.models import (
    MAX_WEEKLY_HOURS,
    HealthEvent,
    OutcomeRating,
    PersonalOutcome,
    Team,
    TeamMember,
    TimeEntry,
)

TEXT = {"rows": 3, "class": "govuk-textarea"}


class VisitRecordForm(forms.Form):
    """What happened, health care tasks, concerns, and progress on each outcome (optional)."""

    submission_key = SubmissionKeyField()
    version = VersionField()
    what_happened = forms.CharField(
        label="What happened", required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )
    health_tasks = forms.CharField(
        label="Health care tasks done",
        help_text="Medication prompts, creams, checks",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
    )
    concerns = forms.CharField(
        label="Concerns raised", required=False, max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )

    def __init__(self, *args: Any, outcomes: list[PersonalOutcome], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        for outcome in outcomes:
            self.fields[f"rating_{outcome.pk}"] = forms.TypedChoiceField(
                label=f"Progress: “{outcome.words}”",
                choices=OutcomeRating.SCALE,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{outcome.pk}"] = forms.CharField(
                label=f"Note on “{outcome.words}” (optional)",
                required=False,
                max_length=2000,
            )

    def progress(self) -> dict[int, tuple[int, str]]:
        data = self.cleaned_data
        return {
            o.pk: (data[f"rating_{o.pk}"], data.get(f"note_{o.pk}", ""))
            for o in self.outcomes
            if data.get(f"rating_{o.pk}")
        }

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "what_happened": data["what_happened"],
            "health_tasks": data["health_tasks"],
            "concerns": data["concerns"],
            "progress": self.progress(),
        }


class MissedForm(forms.Form):
    version = VersionField()
    reason = forms.CharField(
        label="Why was the visit missed?",
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": "Say why the visit was missed"},
    )


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(
        label="Which time",
        choices=[("arrived_at", "Arrived"), ("left_at", "Left")],
        widget=forms.RadioSelect,
    )
    corrected = forms.TimeField(
        label="The right time",
        help_text="24-hour clock, for example 08:05",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
        error_messages={"invalid": "Enter a time like 08:05"},
    )
    reason = forms.CharField(
        label="Why correct it?",
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": "Say why the time is corrected"},
    )


class OutcomeForm(forms.Form):
    submission_key = SubmissionKeyField()
    words = forms.CharField(
        label="What they want, in their words",
        help_text="For example: walk to the shop on my own",
        max_length=500,
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": "Write the outcome in their words"},
    )


class HoursForm(forms.Form):
    version = VersionField()
    hours_per_week = forms.DecimalField(
        label="Commissioned hours a week",
        min_value=Decimal(0),
        max_value=Decimal(MAX_WEEKLY_HOURS),
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={"invalid": "Enter a number of hours, like 12.5"},
    )
    reason = forms.CharField(
        label="Why do the hours change?",
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": "Say why the hours change"},
    )


class TimeEntryForm(forms.Form):
    submission_key = SubmissionKeyField()
    category = forms.ChoiceField(
        label="What was the time for?",
        choices=TimeEntry.Category.choices,
        widget=forms.RadioSelect,
    )
    on = date_field("Day", required=True)
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=1,
        max_value=24 * 60,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={"invalid": "Enter a whole number of minutes, like 30"},
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)


class HealthEventForm(forms.Form):
    submission_key = SubmissionKeyField()
    kind = forms.ChoiceField(
        label="What happened?", choices=HealthEvent.Kind.choices, widget=forms.RadioSelect
    )
    occurred_on = date_field(
        "When", required=True, help_text="Before they joined the team too. For example, 27/03/2026"
    )
    source = forms.CharField(
        label="How do you know? (optional)",
        help_text="For example: GP record, hospital discharge letter, the person",
        required=False,
        max_length=200,
    )


class JoinForm(forms.Form):
    """A resident joins a team's caseload."""

    submission_key = SubmissionKeyField()
    team: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the team",
            "invalid_choice": "Choose one of the teams listed",
        },
    )
    started_on = date_field("Supported from", required=True, help_text="For example, 27/03/2026")
    hours_per_week = forms.DecimalField(
        label="Commissioned hours a week",
        min_value=Decimal(0),
        max_value=Decimal(MAX_WEEKLY_HOURS),
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={"invalid": "Enter a number of hours, like 12.5"},
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class PlanVisitForm(forms.Form):
    """A visit: once on a day, or every week on the days ticked from that day."""

    submission_key = SubmissionKeyField()
    on = date_field(
        "Day (the first day, if it repeats)", required=True, help_text="For example, 27/03/2026"
    )
    start_time = forms.TimeField(
        label="Time",
        help_text="24-hour clock, for example 08:00",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
        error_messages={"invalid": "Enter a time like 08:00"},
    )
    minutes = forms.IntegerField(
        label="How long (minutes)",
        min_value=5,
        max_value=24 * 60,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={"invalid": "Enter a whole number of minutes, like 45"},
    )
    repeat_on = forms.TypedMultipleChoiceField(
        label="Repeat every week on (optional)",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    workers: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Who",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one team member",
            "invalid_choice": "Choose members of the team",
        },
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["workers"]
        field.queryset = members  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.full_name or user.email  # type: ignore[attr-defined]


class CancelForm(forms.Form):
    version = VersionField()
    reason = forms.CharField(
        label="Why is it cancelled? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
    )


class PreferredWorkersForm(forms.Form):
    workers: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="The small group of workers they know best",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose members of the team"},
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["workers"]
        field.queryset = members  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.full_name or user.email  # type: ignore[attr-defined]


class TeamForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=120)
    locality = forms.ModelChoiceField(
        label="Locality",
        queryset=Locality.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the localities listed"},
    )
    neighbourhoods = forms.ModelMultipleChoiceField(
        label="Neighbourhoods (optional)",
        queryset=Neighbourhood.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose neighbourhoods listed"},
    )

    def __init__(self, *args: Any, localities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = localities  # type: ignore[attr-defined]
        self.fields["neighbourhoods"].queryset = Neighbourhood.objects.filter(  # type: ignore[attr-defined]
            locality__in=localities
        ).order_by("locality__name", "name")


class MemberForm(forms.Form):
    email = forms.EmailField(
        label="Their e-mail address",
        help_text="The address they sign in to Thurrock Care with",
        max_length=254,
    )
    role = forms.ChoiceField(
        label="Role", choices=TeamMember.Role.choices, widget=forms.RadioSelect
    )
    contracted_hours = forms.DecimalField(
        label="Contracted hours a week",
        min_value=Decimal(0),
        max_value=Decimal(MAX_WEEKLY_HOURS),
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={"invalid": "Enter a number of hours, like 37.5"},
    )

    def clean_email(self) -> User:
        user = User.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
        if user is None:
            raise forms.ValidationError("Nobody signs in with that address: invite them first")
        return user


class EndMembershipForm(forms.Form):
    left_on = date_field("Their last day in the team", required=True,
                         help_text="For example, 27/03/2026")  # fmt: skip


class EndSupportForm(forms.Form):
    version = VersionField()
    ended_on = date_field("Last day of support", required=True, help_text="For example, 27/03/2026")
