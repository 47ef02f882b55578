"""Forms for residents' records: details, story, people and places, consent, status, search,
break-glass, review and merge."""

from __future__ import annotations

import nhs_number
from django import forms
from django.db.models import Q
from django.utils import timezone

from localities.forms.places import NeighbourhoodChoiceField, PostcodeField
from localities.models import (
    RESIDENT_DETAIL_FIELDS,
    Connection,
    Consent,
    Locality,
    Neighbourhood,
    Organisation,
    Resident,
)
from localities.search import NHS_NUMBER, normalise_name, normalise_nhs_number
from thurrock_care import access
from thurrock_care.accounts.models import User
from thurrock_care.forms import DATE_HINT, date_field
from thurrock_care.submissions.forms import SubmissionKeyField
from thurrock_care.versions import VersionField


class ResidentForm(forms.ModelForm):
    date_of_birth = date_field("Date of birth (optional)")
    postcode = PostcodeField(
        label="Postcode (optional)",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
        error_messages={"invalid": "Enter a real postcode, for example RM17 6SL"},
    )
    neighbourhood = NeighbourhoodChoiceField(
        queryset=Neighbourhood.objects.none(),
        empty_label="Choose a neighbourhood",
        help_text="Where they live; it sets their locality.",
        error_messages={
            "required": "Choose the neighbourhood where they live",
            "invalid_choice": "Choose a neighbourhood in a locality where you work",
        },
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        help_text="10 digits, for example 943 476 5919",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )

    class Meta:
        model = Resident
        fields = RESIDENT_DETAIL_FIELDS
        labels = {
            "full_name": "Full name",
            "preferred_name": "Preferred name (optional)",
            "date_of_birth_is_approximate": "The date of birth is approximate",
            "address": "Address (optional)",
            "phone": "Phone (optional)",
            "email": "Email (optional)",
            "las_person_id": "Liquidlogic (LAS) person ID (optional)",
            "communication_needs": "Communication needs (optional)",
            "key_safety_information": "Key safety information (optional)",
        }
        help_texts = {
            "preferred_name": "What they like to be called",
            "communication_needs": "For example: uses British Sign Language, prefers large print",
            "key_safety_information": "Seen only by practitioners, coordinators and Wellbeing "
            "Team workers. For example: a dog in the house; do not visit alone.",
        }
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "communication_needs": forms.Textarea(attrs={"rows": 2}),
            "key_safety_information": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"class": "govuk-input--width-20", "type": "tel"}),
        }
        error_messages = {"full_name": {"required": "Enter their full name"}}

    def __init__(self, *args, user: User, current_neighbourhood: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.can_see_sensitive(user):
            del self.fields["key_safety_information"]
        # Only where the user works (so they can see what they write), and where the person
        # lives now when their details are edited.
        where = Q(locality__in=Locality.objects.open_to_new_residents_by(user))
        if current_neighbourhood is not None:
            where |= Q(pk=current_neighbourhood)
        self.fields["neighbourhood"].queryset = (  # type: ignore[attr-defined]
            Neighbourhood.objects.filter(where).select_related("locality").order_by("name")
        )

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"]
        if not normalise_name(name):  # only marks, spaces or invisible characters
            raise forms.ValidationError("Enter their full name, in letters")
        return name

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born and born > timezone.localdate():
            raise forms.ValidationError("Date of birth must be today or in the past")
        if born and born.year < 1900:
            raise forms.ValidationError("Date of birth must be after 1900")
        return born

    def clean_nhs_number(self) -> str:
        value = normalise_nhs_number(self.cleaned_data["nhs_number"])
        if not value:
            return ""
        if not NHS_NUMBER.fullmatch(value):
            raise forms.ValidationError("NHS number must be 10 digits")
        if not nhs_number.is_valid(value):
            raise forms.ValidationError(
                "That is not a valid NHS number: check the digits (the last one is a check digit)"
            )
        return value

    def clean_postcode(self) -> str:
        return self.cleaned_data["postcode"] or ""


class NewResidentForm(ResidentForm):
    submission_key = SubmissionKeyField()


class EditResidentForm(ResidentForm):
    version = VersionField()


class StoryForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Write something, in the resident's own words"},
    )

    def __init__(self, *args, label: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        self.fields["text"].help_text = "In their own words, as they told you."


class ConnectionForm(forms.ModelForm):
    submission_key = SubmissionKeyField()

    class Meta:
        model = Connection
        fields = ["kind", "name", "details", "contact"]
        labels = {
            "kind": "Who or what",
            "name": "Name",
            "details": "Details (optional)",
            "contact": "How to contact them (optional)",
        }
        widgets = {"kind": forms.RadioSelect}
        error_messages = {
            "kind": {"required": "Choose who or what this is"},
            "name": {"required": "Enter a name"},
        }


class ConsentForm(forms.ModelForm):
    submission_key = SubmissionKeyField()
    decided_on = date_field("Date of the decision", required=True)
    expires_on = date_field(
        "Expiry date (optional)", help_text="When consent must be asked again. " + DATE_HINT
    )
    organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Organisations it covers",
        help_text="Partners named here can see the resident's record while consent lasts.",
    )

    class Meta:
        model = Consent
        fields = ["decision", "decided_on", "expires_on", "organisations", "notes"]
        labels = {
            "decision": "Consent to share their story with ILT partners",
            "notes": "Notes (optional)",
        }
        widgets = {"decision": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"decision": {"required": "Choose whether they gave consent"}}

    def __init__(self, *args, locality_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisations"]
        field.queryset = Organisation.objects.filter(localities=locality_id).order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data
        decided, expires = cleaned.get("decided_on"), cleaned.get("expires_on")
        if decided and decided > timezone.localdate():
            self.add_error("decided_on", "The date of the decision must be today or in the past")
        if decided and expires and expires <= decided:
            self.add_error("expires_on", "The expiry date must be after the date of the decision")
        if cleaned.get("decision") != Consent.Decision.GIVEN and cleaned.get("organisations"):
            self.add_error("organisations", "Only consent that was given covers organisations")
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Resident.Status.ACTIVE, "Living in Thurrock (active)"),
            (Resident.Status.MOVED_AWAY, "Moved away"),
            (Resident.Status.DIED, "Died"),
        ],
        widget=forms.RadioSelect,
        label="Their situation",
    )
    on = date_field("Date (optional)")


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Find a resident",
        help_text="Name, date of birth, postcode or NHS number",
        max_length=200,
        required=False,
    )
    include_inactive = forms.BooleanField(
        label="Include people who moved away or died", required=False
    )


class BreakGlassForm(forms.Form):
    submission_key = SubmissionKeyField()
    nhs_number = forms.CharField(label="NHS number", required=False, help_text="10 digits")
    full_name = forms.CharField(label="Full name", required=False, max_length=200)
    date_of_birth = date_field("Date of birth")
    postcode = PostcodeField(
        label="Postcode",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
        error_messages={"invalid": "Enter a real postcode, for example RM17 6SL"},
    )
    reason = forms.CharField(
        label="Why do you need to see this record?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The locality's coordinators will read this.",
        error_messages={"required": "Say why you need to see this record"},
    )

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data
        cleaned["nhs_number"] = normalise_nhs_number(cleaned.get("nhs_number", ""))
        cleaned["postcode"] = cleaned.get("postcode") or ""
        # A "name" without letters ("...") is no name: it would match anyone born that day.
        has_name = bool(normalise_name(cleaned.get("full_name", "")))
        whole_name = has_name and cleaned.get("date_of_birth") and cleaned["postcode"]
        if not cleaned["nhs_number"] and not whole_name:
            raise forms.ValidationError(
                "Enter their NHS number, or their full name, date of birth and postcode"
            )
        return cleaned


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="Review note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    duplicate = forms.CharField(
        label="Record number of the duplicate",
        help_text="Shown on its page, for example TC000123",
        max_length=20,
        error_messages={"required": "Enter the record number of the duplicate"},
    )

    def clean_duplicate(self) -> int:
        value = self.cleaned_data["duplicate"].strip().upper().removeprefix("TC")
        if not (value.isascii() and value.isdigit() and len(value) <= 18):  # not "²" or "①"
            raise forms.ValidationError("Enter a record number like TC000123")
        return int(value)
