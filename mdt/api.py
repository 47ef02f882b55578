"""The MDT REST API (see api/ below when it grows)."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
router.include_format_suffixes = False

urlpatterns = router.urls
