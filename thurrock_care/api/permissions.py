"""Who may call the API at all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission

from thurrock_care import access

if TYPE_CHECKING:  # DRF's settings import this module while rest_framework.views loads
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsStaffMemberWithMFA(BasePermission):
    """Signed in (session or token), and enrolled in MFA where the role requires it."""

    message = "Sign in first; roles that can see residents must set up two-factor authentication."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return not access.requires_mfa(user) or access.has_totp(user)
