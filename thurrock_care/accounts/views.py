"""Our one change to allauth's pages: choosing a password from an e-mailed link."""

from allauth.account.views import PasswordResetFromKeyView
from django.db import transaction
from django.http import HttpResponse

from thurrock_care.accounts import services


class ChoosePasswordView(PasswordResetFromKeyView):
    """allauth's "reset password from key" page, where both an invitation and a password reset
    lead. Choosing a password there proves the address is the holder's, so it is confirmed."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        # An invitee has never had a password: the page reads "set up your account".
        context["first_password"] = bool(
            self.reset_user and not self.reset_user.has_usable_password()
        )
        return context

    def form_valid(self, form) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            services.confirm_email_address(user=self.reset_user, request=self.request)
        return response
