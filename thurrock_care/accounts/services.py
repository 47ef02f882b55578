"""Every write to accounts goes through here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from thurrock_care.accounts.models import Role, User

if TYPE_CHECKING:  # thurrock_care never imports a feature app at run time
    from localities.models import Locality, Organisation


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


@transaction.atomic
def invite_user(
    *,
    email: str,
    full_name: str,
    role: Role,
    organisation: Organisation | None = None,
    localities: list[Locality] | tuple[Locality, ...] = (),
    invited_by: User | None = None,
) -> User:
    """Create an account with no password and e-mail its holder a link to choose one."""
    if User.objects.filter(email__iexact=email).exists():
        raise ValueError(f"There is already an account for {email}.")
    user = User.objects.create_user(
        email,
        password=None,
        full_name=full_name,
        role=role,
        organisation=organisation,
        is_staff=role == Role.ADMINISTRATOR,
    )
    user.localities.set(localities)
    send_invitation(user=user, invited_by=invited_by)
    return user


def send_invitation(*, user: User, invited_by: User | None = None) -> None:
    context = {"user": user, "invited_by": invited_by, "url": invitation_url(user)}
    transaction.on_commit(
        lambda: send_mail(
            subject="You have been invited to Thurrock Care",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    )
