from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from localities.urls import asset_urlpatterns, learning_urlpatterns
from thurrock_care import views
from thurrock_care.api.errors import not_found as api_not_found

# The administration site has no sign-in form of its own: everyone signs in through allauth,
# with its rate limits and two-factor authentication (see views.admin_login).
admin.site.login = views.admin_login  # type: ignore[method-assign]
# Nor a password page of its own: the one on the account pages is audited.
admin.site.password_change = views.admin_password_change  # type: ignore[method-assign]
admin.site.site_header = "Thurrock Care administration"
admin.site.site_title = "Thurrock Care"

api_v1: list[URLPattern | URLResolver] = [
    path("", include("localities.api")),
    path("", include("introductions.api")),
    path("", include("mdt.api")),
    path("", include("wellbeing_teams.api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets inline styles from its script: allowed on this page only.
    path(
        "docs/",
        login_required(
            csp_update({"style-src": [UNSAFE_INLINE]})(
                SpectacularSwaggerSplitView.as_view(url_name="api:schema")
            )
        ),
        name="docs",
    ),
    # Anything else under /api/v1/ (even with a newline in it): a JSON 404, never HTML.
    re_path(r"", api_not_found),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("signed-in/", views.signed_in, name="signed_in"),  # for the drafts script
    path("accounts/", include("thurrock_care.accounts.urls")),  # before allauth's: overrides
    path("accounts/", include("allauth.urls")),
    path("localities/", include("localities.urls")),
    path("residents/", include("localities.resident_urls")),
    path("lac/", include("introductions.urls")),
    path("mdt/", include("mdt.urls")),
    path("wellbeing-teams/", include("wellbeing_teams.urls")),
    path("learning/", include((learning_urlpatterns, "learning"))),
    path("assets/", include((asset_urlpatterns, "assets"))),
    path("notifications/", include("thurrock_care.notifications.urls")),
    path("reports/", include("thurrock_care.reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
]

handler403 = "thurrock_care.views.permission_denied"
handler404 = "thurrock_care.views.page_not_found"
handler500 = "thurrock_care.views.server_error"
