"""Account pages of our own, in front of allauth's (same addresses, same names)."""

from django.urls import re_path

from thurrock_care.accounts import views

urlpatterns = [
    # allauth's pattern for the link in invitation and password-reset e-mails.
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.ChoosePasswordView.as_view(),
        name="account_reset_password_from_key",
    ),
]
