"""How are you feeling: the four ONS questions, each optional, 0 to 10."""

from __future__ import annotations

from django import forms

from introductions.models import ONS4_QUESTIONS
from thurrock_care.submissions.forms import SubmissionKeyField

SCORES = [(str(n), str(n)) for n in range(11)]


def add_questions(form: forms.BaseForm) -> None:
    """The four questions, each optional, as radio buttons from 0 to 10."""
    for name, question in ONS4_QUESTIONS.items():
        form.fields[name] = forms.TypedChoiceField(
            label=question,
            choices=SCORES,
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect(attrs={"class": "tc-score"}),
            help_text="0 is not at all, 10 is completely. Leave it if they would rather not say.",
        )


class WellbeingForm(forms.Form):
    submission_key = SubmissionKeyField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        add_questions(self)

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data
        if not self.errors and all(cleaned.get(name) is None for name in ONS4_QUESTIONS):
            raise forms.ValidationError(
                "They answered none of the questions: there is nothing to save"
            )
        return cleaned

    def scores(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name in ONS4_QUESTIONS}
