from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.base import forms as allauth_mfa_forms


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, with labels instead of placeholders (GOV.UK pattern)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        # The template has its own "Forgotten your password?" link, below the button.
        self.fields["password"].help_text = ""


class AuthenticateForm(allauth_mfa_forms.AuthenticateForm):
    """The code asked for after the password; a recovery code works here too."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = "Authenticator code"
        code.help_text = "6 digits from your app, or an 8-character recovery code"
        code.widget.attrs.pop("placeholder", None)
        code.widget.attrs.update(spellcheck="false", autocapitalize="off")
