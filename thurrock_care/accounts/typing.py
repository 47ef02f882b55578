"""Types for views that only signed-in users reach."""

from django.http import HttpRequest

from thurrock_care.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """What a view behind @login_required receives: request.user is a real User."""

    user: User
