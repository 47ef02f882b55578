"""Forms for residents' records and the ILT pages. They validate only: services.py writes."""

from __future__ import annotations

import uuid
from typing import cast

import nhs_number
from django import forms
from django.core.validators import MaxLengthValidator, slug_re
from django.db.models import Q, QuerySet
from django.utils import timezone
from localflavor.gb.forms import GBPostcodeField

from localities.models import (
    ActionItem,
    CommunityAsset,
    Connection,
    Consent,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Neighbourhood,
    Organisation,
    Resident,
)
from localities.search import DATE_FORMATS
from thurrock_care import access
from thurrock_care.accounts.models import User

DATE_HINT = "For example, 27/03/1948"


def date_field(
    label: str, *, required: bool = False, help_text: str = DATE_HINT
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10"}),
        error_messages={"invalid": "Enter a real date, for example 27/03/1948"},
    )


class NeighbourhoodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Neighbourhood) -> str:
        return f"{obj.name} ({obj.locality.short_name})"


class ResidentForm(forms.ModelForm):
    date_of_birth = date_field("Date of birth (optional)")
    postcode = GBPostcodeField(
        label="Postcode (optional)",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
        error_messages={"invalid": "Enter a real postcode, for example RM17 6SL"},
    )
    neighbourhood = NeighbourhoodChoiceField(
        queryset=Neighbourhood.objects.select_related("locality").order_by("name"),
        empty_label="Choose a neighbourhood",
        help_text="Where they live; it sets their locality.",
        error_messages={"required": "Choose the neighbourhood where they live"},
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        help_text="10 digits, for example 943 476 5919",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )

    class Meta:
        model = Resident
        fields = [
            "full_name",
            "preferred_name",
            "date_of_birth",
            "date_of_birth_is_approximate",
            "address",
            "postcode",
            "neighbourhood",
            "phone",
            "email",
            "nhs_number",
            "las_person_id",
            "communication_needs",
            "key_safety_information",
        ]
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

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not access.can_see_sensitive(user):
            del self.fields["key_safety_information"]

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born and born > timezone.localdate():
            raise forms.ValidationError("Date of birth must be today or in the past")
        if born and born.year < 1900:
            raise forms.ValidationError("Date of birth must be after 1900")
        return born

    def clean_nhs_number(self) -> str:
        value = "".join(self.cleaned_data["nhs_number"].replace("-", "").split())
        if not value:
            return ""
        if not (len(value) == 10 and value.isdigit()):
            raise forms.ValidationError("NHS number must be 10 digits")
        if not nhs_number.is_valid(value):
            raise forms.ValidationError(
                "That is not a valid NHS number: check the digits (the last one is a check digit)"
            )
        return value

    def clean_postcode(self) -> str:
        return self.cleaned_data["postcode"] or ""


class NewResidentForm(ResidentForm):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)


class EditResidentForm(ResidentForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


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
    nhs_number = forms.CharField(label="NHS number", required=False, help_text="10 digits")
    full_name = forms.CharField(label="Full name", required=False)
    date_of_birth = date_field("Date of birth")
    reason = forms.CharField(
        label="Why do you need to see this record?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The locality's coordinators will read this.",
        error_messages={"required": "Say why you need to see this record"},
    )

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data
        cleaned["nhs_number"] = "".join(cleaned.get("nhs_number", "").split())
        if not cleaned["nhs_number"] and not (
            cleaned.get("full_name") and cleaned.get("date_of_birth")
        ):
            raise forms.ValidationError(
                "Enter their NHS number, or their full name and date of birth"
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
        if not value.isdigit():
            raise forms.ValidationError("Enter a record number like TC000123")
        return int(value)


# --- The ILT ------------------------------------------------------------------------------------


LONG = {"class": "govuk-!-width-three-quarters"}


class JoinRequestForm(forms.ModelForm):
    # Generated when the form is shown: submitting the same form twice makes one request.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = JoinRequest
        fields = ["organisation_name", "kind", "offer", "contact_name", "contact_email"]
        fields += ["contact_phone"]
        labels = {
            "organisation_name": "Organisation name",
            "kind": "Type of organisation",
            "offer": "What your organisation offers",
            "contact_name": "Your name",
            "contact_email": "Your e-mail address",
            "contact_phone": "Your phone number (optional)",
        }
        help_texts = {
            "offer": "For example, who you help, and how.",
            "contact_email": "We will send an invitation to this address if the ILT says yes.",
        }
        widgets = {
            "organisation_name": forms.TextInput(attrs={**LONG, "autocomplete": "organization"}),
            "contact_name": forms.TextInput(attrs={**LONG, "autocomplete": "name"}),
            "contact_email": forms.EmailInput(
                attrs={**LONG, "autocomplete": "email", "spellcheck": "false"}
            ),
            "contact_phone": forms.TextInput(
                attrs={"class": "govuk-input--width-20", "autocomplete": "tel", "type": "tel"}
            ),
            "offer": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", "Choose a type"),
            *Organisation.Kind.choices,
        ]
        self.fields["kind"].error_messages["required"] = "Choose the type of organisation"
        self.fields["organisation_name"].error_messages["required"] = "Enter the organisation name"
        self.fields["offer"].error_messages["required"] = "Enter what your organisation offers"
        self.fields["offer"].validators.append(MaxLengthValidator(2000))
        self.fields["contact_name"].error_messages["required"] = "Enter your name"
        self.fields["contact_email"].error_messages.update(
            required="Enter your e-mail address",
            invalid="Enter an e-mail address in the correct format, like name@example.com",
        )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why is the request declined?",
        help_text="The reason is kept with the request.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the request is declined"},
    )


class VersionField(forms.IntegerField):
    """The version the form was opened at, to refuse overwriting a newer one."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=1, **kwargs)


class VersionedFormMixin(forms.ModelForm):
    version = VersionField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)


class MeetingForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label="Date and time",
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "govuk-input--width-20"},
            format="%Y-%m-%dT%H:%M",
        ),
        error_messages={
            "required": "Enter the date and time of the meeting",
            "invalid": "Enter a real date and time, like 14/01/2027 10:00",
        },
    )

    class Meta:
        model = Meeting
        fields = ["starts_at", "place", "online_link", "attending", "apologies", "notes"]
        fields += ["decisions"]
        labels = {
            "attending": "Organisations attending",
            "apologies": "Apologies from",
            "online_link": "Online meeting link (optional)",
            "place": "Place (optional)",
        }
        widgets = {
            "attending": forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
            "apologies": forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
            "place": forms.TextInput(attrs=LONG),
            "online_link": forms.URLInput(attrs=LONG),
            "notes": forms.Textarea(attrs={"rows": 5}),
            "decisions": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, locality: Locality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The ILT's members, and whoever this meeting already lists (even if they since left).
        listed = Q(memberships__locality=locality)
        if self.instance.pk:
            listed |= Q(meetings_attended=self.instance) | Q(meeting_apologies=self.instance)
        members = Organisation.objects.filter(listed).distinct().order_by("name")
        self.fields["attending"].queryset = members  # type: ignore[attr-defined]
        self.fields["apologies"].queryset = members  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        both = set(data.get("attending") or ()) & set(data.get("apologies") or ())
        if both:
            names = ", ".join(sorted(str(organisation) for organisation in both))
            self.add_error("apologies", f"{names} cannot both attend and send apologies")
        return data


class MeetingEditForm(VersionedFormMixin, MeetingForm):
    pass


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["text", "owner"]
        labels = {"text": "Action", "owner": "Owner organisation (optional)"}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"text": {"required": "Enter the action"}}

    def __init__(self, *args, locality: Locality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            memberships__locality=locality
        ).order_by("name")
        owner.empty_label = "No owner yet"  # type: ignore[attr-defined]


class LearningCycleForm(forms.ModelForm):
    class Meta:
        model = LearningCycle
        fields = ["locality", "question", "status", "tried", "learned", "next_steps"]
        labels = {
            "question": "Question or idea",
            "tried": "What we tried",
            "learned": "What we learned",
            "next_steps": "What we will do next",
        }
        help_texts = {"question": "For example, would a Saturday drop-in reach working carers?"}
        widgets = {
            "question": forms.TextInput(attrs=LONG),
            "tried": forms.Textarea(attrs={"rows": 4}),
            "learned": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {"question": {"required": "Enter the question or idea"}}

    def __init__(self, *args, localities: QuerySet[Locality], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = localities  # type: ignore[attr-defined]
        self.fields["locality"].empty_label = None  # type: ignore[attr-defined]


class LearningCycleEditForm(VersionedFormMixin, LearningCycleForm):
    pass


class CommunityAssetForm(forms.ModelForm):
    class Meta:
        model = CommunityAsset
        fields = ["name", "kind", "neighbourhood", "offer", "when", "where", "contact", "cost"]
        fields += ["accessibility"]
        labels = {
            "offer": "What it offers",
            "when": "When (optional)",
            "where": "Where (optional)",
            "contact": "Contact (optional)",
            "cost": "Cost (optional)",
            "accessibility": "Accessibility (optional)",
        }
        widgets = {
            "name": forms.TextInput(attrs=LONG),
            "offer": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "name": {"required": "Enter the name"},
            "kind": {"required": "Choose what kind of asset it is"},
            "neighbourhood": {"required": "Choose the neighbourhood"},
            "offer": {"required": "Enter what it offers"},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.order_by(  # type: ignore[attr-defined]
            "name"
        )
        self.fields["neighbourhood"].empty_label = "Choose a neighbourhood"  # type: ignore[attr-defined]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", "Choose a kind"),
            *CommunityAsset.Kind.choices,
        ]


class CommunityAssetEditForm(VersionedFormMixin, CommunityAssetForm):
    class Meta(CommunityAssetForm.Meta):
        fields = [*CommunityAssetForm.Meta.fields, "active"]


class LocalityChoiceField(forms.ModelChoiceField):
    """A locality chosen by its slug; anything that is not a slug is simply not a choice."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            Locality.objects.all(), to_field_name="slug", empty_label="All localities", **kwargs
        )

    def to_python(self, value: object) -> Locality | None:
        if value not in self.empty_values and not slug_re.fullmatch(str(value)):
            raise forms.ValidationError("Choose a locality from the list", code="invalid_choice")
        return super().to_python(value)


class AssetFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    locality = LocalityChoiceField(required=False)
    neighbourhood = forms.ModelChoiceField(
        Neighbourhood.objects.order_by("name"), required=False, empty_label="All neighbourhoods"
    )
    kind = forms.ChoiceField(
        choices=[("", "All kinds"), *CommunityAsset.Kind.choices], required=False
    )
    inactive = forms.BooleanField(label="Include assets that have stopped", required=False)


class LearningFilterForm(forms.Form):
    locality = LocalityChoiceField(required=False)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *LearningCycle.Status.choices], required=False
    )
