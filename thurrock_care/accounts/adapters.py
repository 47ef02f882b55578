"""django-allauth adapters: no public sign-up; MFA secrets encrypted at rest."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.http import HttpRequest

from thurrock_care.ratelimit import UNKNOWN_ADDRESS, client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from an administrator or an invitation, never from a sign-up form.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Someone who signed in moments ago is not asked for their password again.

        allauth counts only explicit re-authentication, so a user sent straight from sign-in
        to set up MFA would type their password twice. A sign-in within the
        re-authentication timeout counts as recent enough.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        records = get_authentication_records(self.request, self.request.user)
        timeout = account_settings.REAUTHENTICATION_TIMEOUT
        return not (records and time.time() - records[-1]["at"] < timeout)

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits count by the address our proxies vouch for.

        allauth's own reading of X-Forwarded-For fails with a server error when the header
        has fewer entries than the trusted proxies, and refuses requests without an address.
        """
        return client_ip(request) or UNKNOWN_ADDRESS


class MFAAdapter(DefaultMFAAdapter):
    """allauth stores TOTP secrets in clear unless told otherwise: encrypt them."""

    def _fernet(self) -> Fernet:
        return Fernet(settings.MFA_ENCRYPTION_KEY.encode())

    def encrypt(self, text: str) -> str:
        return self._fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._fernet().decrypt(encrypted_text.encode()).decode()
