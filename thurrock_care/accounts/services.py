"""Every write to accounts goes through here, and each leaves one audit entry: accounts decide
who can sign in and what they may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from rest_framework.authtoken.models import Token

from thurrock_care.accounts import tasks
from thurrock_care.accounts.models import Role, User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record

if TYPE_CHECKING:  # thurrock_care never imports a feature app at run time
    from django.http import HttpRequest

    from localities.models import Locality, Organisation

# What update_account may change, and how each is written down in the audit trail.
ACCOUNT_FIELDS = ["email", "full_name", "role", "organisation", "is_active", "is_staff"]
ACCOUNT_FIELDS += ["is_superuser"]


def _describe(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "organisation": user.organisation_id,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "localities": sorted(user.localities.values_list("slug", flat=True)),
    }


@transaction.atomic
def invite_user(
    *,
    by: User | None,
    email: str,
    full_name: str,
    role: Role,
    organisation: Organisation | None = None,
    localities: list[Locality] | tuple[Locality, ...] = (),
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
    record(actor=by, action=Action.ACCOUNT_INVITED, subject=user, details=_describe(user))
    _send_invitation(user=user, invited_by=by)
    return user


@transaction.atomic
def send_invitation(*, user: User, by: User) -> None:
    """Send the invitation again (a new link): for someone whose link expired or was lost."""
    record(actor=by, action=Action.INVITATION_SENT, subject=user, details={"email": user.email})
    _send_invitation(user=user, invited_by=by)


def _send_invitation(*, user: User, invited_by: User | None) -> None:
    """E-mail the invitation from a Celery task once the account is committed: a mail server
    that is down delays the e-mail (the task retries) but never undoes or fails the change."""
    tasks.email_invitation.delay_on_commit(
        user_id=user.pk, invited_by_id=invited_by.pk if invited_by else None
    )


@transaction.atomic
def confirm_email_address(*, user: User, request: HttpRequest | None = None) -> None:
    """The holder of the account's address proved it is theirs: they opened a link sent there
    (an invitation or a password reset) and chose a password. Mark it verified and primary.

    allauth's MFA refuses an authenticator while the account has an unverified address (and
    making the link's token adds one), so an invitee could not finish setting up without this.
    """
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        address = EmailAddress(user=user, email=user.email.lower())
    elif address.verified and address.primary:
        return
    if not address.can_set_verified():
        # Another account holds this address verified (allauth's rule): leave it to an
        # administrator rather than claim it twice.
        return
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
        primary=False
    )
    address.verified = address.primary = True
    address.save()
    record(
        actor=user,
        action=Action.EMAIL_CONFIRMED,
        subject=user,
        request=request,
        details={"email": address.email},
    )


# What allauth's own sign-in pages change (a password; an authenticator): see apps.py.
SIGN_IN_CHANGES = frozenset(
    {
        Action.PASSWORD_CHANGED,
        Action.AUTHENTICATOR_ADDED,
        Action.AUTHENTICATOR_REMOVED,
        Action.RECOVERY_CODES_RENEWED,
    }
)


def record_sign_in_change(
    *, user: User, action: Action, request: HttpRequest | None = None, details: dict | None = None
) -> None:
    """Someone changed how they sign in, on allauth's pages (which make the change): their
    password, or their authenticator and recovery codes. Recorded as theirs."""
    if action not in SIGN_IN_CHANGES:
        raise ValueError(f"Not a sign-in change: {action}")
    record(actor=user, action=action, subject=user, request=request, details=details)


@transaction.atomic
def update_account(
    *, user: User, by: User, localities: list[Locality] | None = None, **changes: Any
) -> User:
    """Change who someone is or what they may see (role, organisation, localities, whether
    they may sign in or use the administration site). Records what changed, from and to."""
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        raise TypeError(f"update_account() got unexpected fields: {', '.join(sorted(unknown))}")
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _describe(user)
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, changes[name])
    if changed:
        user.save(update_fields=changed)
    if "email" in changed:
        # The old address no longer signs in or receives a reset link, and the new one is
        # proved when its holder uses a link sent there (confirm_email_address).
        EmailAddress.objects.filter(user=user).delete()
    if localities is not None:
        user.localities.set(localities)
    after = _describe(user)
    difference = {
        name: [before[name], after[name]] for name in after if before[name] != after[name]
    }
    if difference:
        record(actor=by, action=Action.ACCOUNT_CHANGED, subject=user, details=difference)
    return user


@transaction.atomic
def reset_mfa(*, user: User, by: User) -> int:
    """Remove someone's authenticator and recovery codes (a lost phone): they set up a new one
    at their next sign-in. Returns how many were removed."""
    removed, _ = Authenticator.objects.filter(user=user).delete()
    record(actor=by, action=Action.MFA_RESET, subject=user, details={"removed": removed})
    return removed


@transaction.atomic
def issue_api_token(*, user: User, by: User) -> Token:
    """A new API token for the account (any earlier one stops working)."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    record(actor=by, action=Action.API_TOKEN_ISSUED, subject=user)
    return token


@transaction.atomic
def revoke_api_token(*, user: User, by: User) -> None:
    removed, _ = Token.objects.filter(user=user).delete()
    record(actor=by, action=Action.API_TOKEN_REVOKED, subject=user, details={"removed": removed})
