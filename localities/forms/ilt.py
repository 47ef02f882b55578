"""Forms for the ILT pages: requests to join and their decision, meetings and actions,
learning cycles, community assets, and the filters of their lists."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q, QuerySet

from localities.forms.places import LocalityChoiceField
from localities.models import (
    ASSET_FIELDS,
    ActionItem,
    CommunityAsset,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Neighbourhood,
    Organisation,
)
from thurrock_care.submissions.forms import SubmissionKeyField
from thurrock_care.versions import VersionField

LONG = {"class": "govuk-!-width-three-quarters"}


class JoinRequestForm(forms.ModelForm):
    submission_key = SubmissionKeyField()

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


class ApproveForm(forms.Form):
    """Who the request is from: a new organisation, or one already known that it resembles.
    The coordinator decides; nothing is matched for them by name or address."""

    NEW = "new"

    organisation = forms.ChoiceField(
        label="Which organisation is this?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is a new organisation or a known one"},
    )

    def __init__(self, *args, resembling: list[Organisation], name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.resembling = {str(o.pk): o for o in resembling}
        field = cast(forms.ChoiceField, self.fields["organisation"])
        field.choices = [
            (self.NEW, f"A new organisation called {name}"),
            *((pk, f"{o.name} (already in Thurrock Care)") for pk, o in self.resembling.items()),
        ]

    def clean_organisation(self) -> Organisation | None:
        """None for a new organisation."""
        chosen = self.cleaned_data["organisation"]
        return None if chosen == self.NEW else self.resembling[chosen]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why is the request declined?",
        help_text="The reason is kept with the request.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the request is declined"},
    )


class VersionedFormMixin(forms.ModelForm):
    """An edit form: the version it was opened at; no submission key (edits are versioned)."""

    version = VersionField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("submission_key", None)
        self.initial.setdefault("version", self.instance.version)


class MeetingForm(forms.ModelForm):
    submission_key = SubmissionKeyField()
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
    submission_key = SubmissionKeyField()

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
    submission_key = SubmissionKeyField()

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
    submission_key = SubmissionKeyField()

    class Meta:
        model = CommunityAsset
        fields = ASSET_FIELDS
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
