"""The MDT app's forms: validation only (the services decide)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from localities.models import Organisation
from mdt import services
from mdt.models import Mdt, MdtAction, Response, Slot
from thurrock_care.accounts.models import User
from thurrock_care.forms import date_field
from thurrock_care.submissions.forms import SubmissionKeyField
from thurrock_care.versions import VersionField


class OrganisationChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class RequestMdtForm(forms.Form):
    urgency = forms.ChoiceField(
        label="How soon", choices=Mdt.Urgency.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose how soon the MDT must meet"},
    )  # fmt: skip
    concern = forms.CharField(
        label="The concern, in plain words",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe the concern"},
    )
    residents_voice = forms.CharField(
        label="What the resident wants, in their words",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write what the resident wants, in their words"},
    )
    organisations = OrganisationChoices(
        queryset=Organisation.objects.none(),
        label="Organisations to invite",
        help_text="The members of the locality's Integrated Locality Team.",
        error_messages={"required": "Choose at least one organisation to invite",
                        "invalid_choice": "Choose organisations from the list"},
    )  # fmt: skip
    required = OrganisationChoices(
        queryset=Organisation.objects.none(),
        label="Which of them must be there (required)",
        help_text="The recommended time is one every required organisation can make.",
        required=False,
        error_messages={"invalid_choice": "Choose organisations from the list"},
    )
    consent_given = forms.TypedChoiceField(
        label="Has the resident agreed to their information being shared with these organisations?",
        choices=[("yes", "Yes"), ("no", "No, or they cannot say")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the resident agreed to sharing"},
    )
    lawful_basis = forms.ChoiceField(
        label="If not: the lawful basis for sharing",
        choices=[("", "Choose the lawful basis"), *Mdt.LawfulBasis.choices],
        required=False,
    )
    submission_key = SubmissionKeyField()

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["required"].queryset = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("consent_given") is False and not data.get("lawful_basis"):
            self.add_error("lawful_basis", "Without consent, choose the lawful basis for sharing")
        invited = set(data.get("organisations") or [])
        if set(data.get("required") or []) - invited:
            self.add_error("required", "A required organisation must also be invited")
        return data


TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


class ProposeSlotsForm(forms.Form):
    """Quick picks (checkboxes) and/or one time typed in."""

    quick = forms.MultipleChoiceField(
        label="Quick picks", required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose times from the list"},
    )  # fmt: skip
    day = date_field("Or another day", help_text="For example, 27/03/2026")
    at = forms.TimeField(
        label="At", required=False, input_formats=TIME_FORMATS,
        help_text="24-hour clock, for example 09:30",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
        error_messages={"invalid": "Enter a time like 09:30"},
    )  # fmt: skip

    def __init__(self, *args: Any, picks: list[datetime], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quick"].choices = [  # type: ignore[attr-defined]
            (p.isoformat(), f"{timezone.localtime(p):%A %-d %B, %H:%M}") for p in picks
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        starts = [datetime.fromisoformat(value) for value in data.get("quick") or []]
        day, at = data.get("day"), data.get("at")
        if day and at:
            try:
                starts.append(services.local_moment(datetime.combine(day, at)))
            except ValidationError as error:
                self.add_error("at", error)
        elif day or at:
            self.add_error("at" if day else "day", "Give both the day and the time")
        if not starts and not self.errors:
            raise forms.ValidationError("Choose a quick pick, or type a day and a time")
        data["starts"] = starts
        return data


ANSWER_CHOICES = [("", "Not answered"), *Response.Answer.choices]


class AnswerForm(forms.Form):
    """One answer per slot (fields slot_<pk>), plus who comes instead."""

    delegate = forms.CharField(
        label="If you will send someone else: who (name and role)",
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, slots: list[Slot], keyed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = slots
        for slot in slots:
            self.fields[f"slot_{slot.pk}"] = forms.ChoiceField(
                label=str(slot), choices=ANSWER_CHOICES, required=False,
                error_messages={"invalid_choice": "Choose an answer from the list"},
            )  # fmt: skip
        if keyed:
            self.fields["submission_key"] = SubmissionKeyField()
        self.order_fields([f"slot_{slot.pk}" for slot in slots] + ["delegate"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        answers = [(slot, data.get(f"slot_{slot.pk}")) for slot in self.slots]
        data["answers"] = [(slot, answer) for slot, answer in answers if answer]
        if not data["answers"] and not self.errors:
            raise forms.ValidationError("Answer at least one time")
        delegating = any(answer == Response.Answer.DELEGATE for _, answer in data["answers"])
        if delegating and not data.get("delegate", "").strip():
            self.add_error("delegate", "Say who will come instead")
        return data


class SlotChoiceForm(forms.Form):
    slot = forms.ModelChoiceField(
        queryset=Slot.objects.none(), widget=forms.RadioSelect, label="Time",
        error_messages={"required": "Choose a time", "invalid_choice": "Choose one of the times"},
    )  # fmt: skip

    def __init__(self, *args: Any, slots: QuerySet[Slot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots  # type: ignore[attr-defined]


class MeetingRecordForm(forms.Form):
    attended = OrganisationChoices(queryset=Organisation.objects.none(), label="Attended",
                                   required=False)  # fmt: skip
    apologies = OrganisationChoices(queryset=Organisation.objects.none(), label="Sent apologies",
                                    required=False)  # fmt: skip
    discussion = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=20000,
                                 required=False)  # fmt: skip
    residents_voice = forms.CharField(
        label="The resident's voice", widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000, required=False,
        help_text="What the resident wants, in their words, as heard at the meeting.",
    )  # fmt: skip
    decisions = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=20000,
                                required=False)  # fmt: skip
    version = VersionField(required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["apologies"].queryset = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if set(data.get("attended") or []) & set(data.get("apologies") or []):
            self.add_error("apologies", "An organisation either attended or sent apologies")
        return data


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        org = obj.organisation.name if obj.organisation else ""
        return f"{obj.full_name or obj.email} ({org})"


class AddActionForm(forms.Form):
    what = forms.CharField(label="Action", max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "Describe the action"})  # fmt: skip
    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Owner organisation",
        error_messages={"required": "Choose the organisation that owns it",
                        "invalid_choice": "Choose an organisation from the list"},
    )  # fmt: skip
    owner_person = OwnerChoice(
        queryset=User.objects.none(), label="Owner (person, if known)", required=False,
        error_messages={"invalid_choice": "Choose a person from the list"},
    )  # fmt: skip
    due_on = date_field("Due by", required=True, help_text="For example, 27/03/2026")
    submission_key = SubmissionKeyField()

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["owner_person"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(organisation__in=organisations, is_active=True)
            .select_related("organisation")
            .order_by("full_name")
        )

    def clean_due_on(self) -> Any:
        due_on = self.cleaned_data["due_on"]
        services.check_due_date(due_on)
        return due_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        person, org = data.get("owner_person"), data.get("owner_organisation")
        if person and org and person.organisation_id != org.pk:
            self.add_error("owner_person", "This person works for another organisation")
        return data


class UpdateActionForm(forms.Form):
    status = forms.ChoiceField(choices=MdtAction.Status.choices, widget=forms.RadioSelect,
                               label="Status")  # fmt: skip
    note = forms.CharField(label="Note", max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="What was done; if it cannot be done, why.")  # fmt: skip
    version = VersionField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("status") == MdtAction.Status.CANNOT and not data.get("note", "").strip():
            self.add_error("note", "Say why it cannot be done")
        return data


class CloseForm(forms.Form):
    outcome = forms.CharField(label="Outcome summary", max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "Write the outcome summary"})  # fmt: skip
    version = VersionField()


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Why reopen it", max_length=2000,
                             error_messages={"required": "Say why it is reopened"})  # fmt: skip
    version = VersionField()
