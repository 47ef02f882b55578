"""Nobody who could see named residents reaches a page until they have set up MFA."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from thurrock_care import access

# Pages a user must reach to enrol (allauth's account and MFA pages), plus the API (which
# answers with its own permission error), static files and the health check.
OPEN_PREFIXES = ("/accounts/", "/api/", "/static/", "/healthz")


class RequireMFAMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and access.requires_mfa(user)
            and not request.path.startswith(OPEN_PREFIXES)
            and not access.has_totp(user)
        ):
            messages.info(
                request,
                "Your role can see residents' records, so set up two-factor authentication "
                "with an authenticator app before you continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
