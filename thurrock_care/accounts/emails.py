"""The e-mails accounts sends, each built and sent by one function that a task calls."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from thurrock_care.accounts.models import User


def invitation_url(user: User) -> str:
    """A link, valid until used or until the password-reset timeout, to set a password."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def email_invitation(*, user: User, invited_by: User | None = None) -> None:
    """The invitation: who invited them and the link to choose a password."""
    context = {"user": user, "invited_by": invited_by, "url": invitation_url(user)}
    send_mail(
        subject="You have been invited to Thurrock Care",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
