from django import forms

from thurrock_care import notifications
from thurrock_care.accounts.models import User


class PreferencesForm(forms.Form):
    """E-mail on or off for each kind of notification that reaches this person."""

    email = forms.MultipleChoiceField(
        label="E-mail me about",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You see every notification in Thurrock Care whatever you choose. Apart "
        "from urgent ones, nothing is e-mailed between 8pm and 7am: it waits until 7am.",
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (
                kind.name,
                f"{kind.label} (urgent: e-mailed at any hour)" if kind.urgent else kind.label,
            )
            for kind in notifications.kinds()
            if kind.reaches(user)
        ]
