"""Forms for the ILT pages. They validate only; services do the writing."""

from __future__ import annotations

import uuid
from typing import cast

from django import forms
from django.core.validators import MaxLengthValidator, slug_re
from django.db.models import Q, QuerySet

from localities.models import (
    ActionItem,
    CommunityAsset,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Neighbourhood,
    Organisation,
)

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
