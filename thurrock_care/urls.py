from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from localities.urls import asset_urlpatterns, learning_urlpatterns
from thurrock_care import views

# The admin signs in through allauth, so its login gets the same rate limits and MFA.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Thurrock Care administration"
admin.site.site_title = "Thurrock Care"

api_v1: list[URLPattern | URLResolver] = [
    path("", include("localities.api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets inline styles from its script: allowed on this page only.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("localities/", include("localities.urls")),
    path("residents/", include("localities.resident_urls")),
    path("learning/", include((learning_urlpatterns, "learning"))),
    path("assets/", include((asset_urlpatterns, "assets"))),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
]

handler403 = "thurrock_care.views.permission_denied"
handler404 = "thurrock_care.views.page_not_found"
handler500 = "thurrock_care.views.server_error"
