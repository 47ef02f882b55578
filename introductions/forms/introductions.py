"""An introduction to a Local Area Coordinator (no referral form: who introduced them, who
holds it), changing it, and reassigning many at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from introductions.forms.wellbeing import add_questions
from introductions.models import INTRODUCTION_FIELDS, ONS4_QUESTIONS, Introduction
from thurrock_care.accounts.models import User
from thurrock_care.forms import date_field
from thurrock_care.submissions.forms import SubmissionKeyField
from thurrock_care.versions import VersionField


class HolderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class IntroductionForm(forms.ModelForm):
    introduced_on = date_field("Date of the introduction", required=True)
    stay_in_touch_by = date_field(
        "Stay in touch by (optional)", help_text="You will be reminded on the day."
    )
    holder = HolderChoiceField(
        queryset=User.objects.none(),
        label="Local Area Coordinator",
        empty_label=None,
        error_messages={"invalid_choice": "Choose someone who works in their locality"},
    )

    class Meta:
        model = Introduction
        fields = INTRODUCTION_FIELDS
        labels = {
            "source": "Who introduced them",
            "source_other": "If other: who",
            "introduced_by": "Their name or organisation (optional)",
            "status": "Where the relationship is",
            "ended_reason": "If ended: why, as you agreed it together",
        }
        help_texts = {
            "introduced_by": "For example: Dr Shah at Grays Health Centre, or her neighbour Jean.",
        }
        widgets = {
            "source": forms.RadioSelect,
            "status": forms.RadioSelect,
            "ended_reason": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"source": {"required": "Choose who introduced them"}}

    def __init__(self, *args: Any, holders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders  # type: ignore[attr-defined]
        for name, choices in (("source", Introduction.Source), ("status", Introduction.Status)):
            field: Any = self.fields[name]
            field.choices = choices.choices  # radios: no blank "---------"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if (
            cleaned.get("source") == Introduction.Source.OTHER
            and not (cleaned.get("source_other") or "").strip()
        ):
            self.add_error("source_other", "Say who introduced them")
        if (
            cleaned.get("status") == Introduction.Status.ENDED
            and not (cleaned.get("ended_reason") or "").strip()
        ):
            self.add_error("ended_reason", "Say why it ended, as you agreed it together")
        return cleaned


class NewIntroductionForm(IntroductionForm):
    """With, when they are due (not answered this quarter), the wellbeing questions: offered,
    never required."""

    submission_key = SubmissionKeyField()

    def __init__(self, *args: Any, offer_wellbeing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offers_wellbeing = offer_wellbeing
        if offer_wellbeing:
            add_questions(self)

    def introduction_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in ONS4_QUESTIONS]

    def wellbeing_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name in ONS4_QUESTIONS]

    def wellbeing_begun(self) -> bool:
        """Some answer typed (so the questions are shown open again after an error)."""
        return any(field.value() not in (None, "") for field in self.wellbeing_fields())

    def introduction_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ONS4_QUESTIONS}

    def scores(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name in ONS4_QUESTIONS if name in self.fields}


class EditIntroductionForm(IntroductionForm):
    version = VersionField()


class ReassignForm(forms.Form):
    """Give some (or all) of one LAC's introductions to another."""

    introductions = forms.ModelMultipleChoiceField(
        queryset=Introduction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Introductions to reassign",
        error_messages={"required": "Choose at least one introduction to reassign"},
    )
    to = HolderChoiceField(
        queryset=User.objects.none(),
        label="Give them to",
        empty_label="Choose a Local Area Coordinator",
        error_messages={"required": "Choose who takes them on"},
    )
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=300,
        help_text="For example: leaving the team; balancing caseloads.",
    )

    def __init__(
        self,
        *args: Any,
        introductions: QuerySet[Introduction],
        holders: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["introductions"]
        field.queryset = introductions  # type: ignore[attr-defined]
        field.label_from_instance = lambda i: (  # type: ignore[attr-defined]
            f"{i.resident.display_name} ({i.resident.reference}), {i.get_status_display()}"
        )
        self.fields["to"].queryset = holders  # type: ignore[attr-defined]


class ChooseHolderForm(forms.Form):
    holder = HolderChoiceField(
        queryset=User.objects.none(),
        label="Whose introductions",
        empty_label="Choose a Local Area Coordinator",
    )

    def __init__(self, *args: Any, holders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders  # type: ignore[attr-defined]
