"""Logging a conversation: four things required (who, when, how we met, what matters), the rest
optional and folded away; the first conversation with someone new; finding who it was with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from introductions.models import CONVERSATION_FIELDS, ConnectionMade, Conversation
from introductions.services.conversations import NewConnection
from localities.forms.places import NeighbourhoodChoiceField
from localities.forms.residents import ResidentForm
from localities.models import CommunityAsset, Locality, Neighbourhood, Organisation
from thurrock_care.accounts.models import User
from thurrock_care.forms import DATE_FORMATS, date_field
from thurrock_care.submissions.forms import SubmissionKeyField

DATETIME_FORMATS = [f"{day} %H:%M" for day in DATE_FORMATS] + ["%Y-%m-%dT%H:%M", *DATE_FORMATS]
RESIDENT_NAMES = ["full_name", "neighbourhood", "date_of_birth"]
OUTCOMES = [
    ("", "Not asked yet"),
    (ConnectionMade.Outcome.KEPT, "Kept it up"),
    (ConnectionMade.Outcome.NOT_KEPT, "Did not hold"),
]


def _not_in_the_future(held_at: datetime | None) -> datetime | None:
    if held_at and held_at > timezone.now() + timedelta(minutes=5):
        raise forms.ValidationError("When must be now or in the past")
    return held_at


def held_at_field() -> forms.DateTimeField:
    return forms.DateTimeField(
        label="When",
        input_formats=DATETIME_FORMATS,
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
        help_text="Now, unless you change it. For example, 27/03/2026 14:30",
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"class": "govuk-input--width-10"}
        ),
        error_messages={
            "required": "Enter when you talked, for example 27/03/2026 14:30",
            "invalid": "Enter a real date and time, for example 27/03/2026 14:30",
        },
    )


class ConversationForm(forms.ModelForm):
    """A conversation with a resident already known (their page, a drop-in)."""

    submission_key = SubmissionKeyField()
    held_at = held_at_field()
    stay_in_touch_by = date_field(
        "Stay in touch by (optional)",
        help_text="You will be reminded on the day. For example, 27/04/2026",
    )
    connect_asset = forms.ModelChoiceField(
        queryset=CommunityAsset.objects.none(),
        required=False,
        label="Connected them to a community asset (optional)",
        empty_label="None",
    )
    connect_person = forms.CharField(
        label="Connected them to a person or group (optional)",
        required=False,
        max_length=200,
        help_text="Someone not in the directory: a neighbour, a church group…",
    )

    class Meta:
        model = Conversation
        fields = CONVERSATION_FIELDS
        labels = {
            "how_we_met": "How you met",
            "what_matters": "What matters to them",
            "asset": "Where: a community asset (optional)",
            "venue": "Where: another place (optional)",
            "organisations": "Who else was there (optional)",
            "strengths": "Strengths you noticed (optional)",
            "next_steps": "Next steps (optional)",
            "sensitive": "Safeguarding detail: show only to practitioners, coordinators and "
            "Wellbeing Team workers",
        }
        help_texts = {
            "what_matters": "In their words, as much or as little as they want to share.",
            "sensitive": "",
        }
        widgets = {
            "how_we_met": forms.RadioSelect,
            "what_matters": forms.Textarea(attrs={"rows": 4}),
            "strengths": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
            "organisations": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "how_we_met": {"required": "Choose how you met"},
            "what_matters": {"required": "Write what matters to them"},
        }

    def __init__(
        self,
        *args: Any,
        locality: Locality,
        open_connections: Iterable[ConnectionMade] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        how: Any = self.fields["how_we_met"]
        how.choices = Conversation.HowWeMet.choices  # radios: no blank "---------"
        assets = CommunityAsset.objects.filter(
            neighbourhood__locality=locality, active=True
        ).order_by("name")
        for name in ("asset", "connect_asset"):
            self.fields[name].queryset = assets  # type: ignore[attr-defined]
        self.fields["asset"].empty_label = "None"  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            localities=locality
        ).order_by("name")
        self.open_connections = list(open_connections)
        for connection in self.open_connections:
            self.fields[f"check_{connection.pk}"] = forms.ChoiceField(
                label=f"Did the connection to {connection.name} hold?",
                choices=OUTCOMES,
                required=False,
                widget=forms.RadioSelect,
            )

    def clean_held_at(self) -> Any:
        return _not_in_the_future(self.cleaned_data["held_at"])

    def required_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("how_we_met", "what_matters", "held_at")]

    def optional_fields(self) -> list[forms.BoundField]:
        names = ["asset", "venue", "organisations", "strengths", "next_steps",
                 "stay_in_touch_by", "connect_asset", "connect_person",
                 *(f"check_{c.pk}" for c in self.open_connections), "sensitive"]  # fmt: skip
        return [self[name] for name in names]

    def optional_given(self) -> bool:
        """Something optional was typed (or is wrong): show that part open."""
        if not self.is_bound:
            return False
        names = [field.name for field in self.optional_fields()]
        return any(name in self.errors or self.data.get(name) for name in names)

    def service_values(self) -> dict[str, Any]:
        """What log_conversation takes, from the cleaned data."""
        data = dict(self.cleaned_data)
        data.pop("submission_key", None)
        asset, person = data.pop("connect_asset"), data.pop("connect_person").strip()
        connections = []
        if asset is not None:
            connections.append(NewConnection(asset=asset))
        if person:
            connections.append(NewConnection(person=person))
        checked = {}
        for connection in self.open_connections:
            outcome = data.pop(f"check_{connection.pk}", "")
            if outcome:
                checked[connection.pk] = outcome
        return {**data, "connections": connections, "checked": checked}


class FindForm(forms.Form):
    q = forms.CharField(
        label="Who did you talk to?",
        help_text="Their name, date of birth, postcode or NHS number",
        max_length=200,
        required=False,
    )


class FirstConversationForm(forms.Form):
    """Someone new: just enough for their record, and the conversation."""

    submission_key = SubmissionKeyField()
    full_name = forms.CharField(
        label="Their full name", max_length=200, error_messages={"required": "Enter their name"}
    )
    neighbourhood = NeighbourhoodChoiceField(
        queryset=Neighbourhood.objects.none(),
        empty_label="Choose a neighbourhood",
        label="Where they live",
        error_messages={
            "required": "Choose the neighbourhood where they live",
            "invalid_choice": "Choose a neighbourhood in a locality where you work",
        },
    )
    date_of_birth = date_field("Date of birth (optional)")
    how_we_met = forms.ChoiceField(
        label="How you met",
        choices=Conversation.HowWeMet.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you met"},
    )
    what_matters = forms.CharField(
        label="What matters to them",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In their words, as much or as little as they want to share.",
        error_messages={"required": "Write what matters to them"},
    )
    held_at = held_at_field()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Where this user may add a resident: localities' own rule.
        where: Any = ResidentForm(user=user).fields["neighbourhood"]
        field: Any = self.fields["neighbourhood"]
        field.queryset = where.queryset
        self.resident_form: ResidentForm | None = None

    def clean_held_at(self) -> Any:
        return _not_in_the_future(self.cleaned_data["held_at"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        # localities' rules for a new record (a name in letters, a real date of birth).
        self.resident_form = ResidentForm(
            {name: self.data.get(name, "") for name in RESIDENT_NAMES}, user=self.user
        )
        self.resident_form.is_valid()
        for name in RESIDENT_NAMES:
            for error in self.resident_form.errors.get(name, []):
                if name not in self.errors:
                    self.add_error(name, error)
        return cleaned

    def resident_details(self) -> dict[str, Any]:
        assert self.resident_form is not None
        data = self.resident_form.cleaned_data
        details = {name: data[name] for name in RESIDENT_NAMES}
        if details["date_of_birth"] is None:
            del details["date_of_birth"]
        return details

    def conversation_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("how_we_met", "what_matters", "held_at")}
