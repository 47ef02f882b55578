"""localities' REST API under /api/v1/, one module per domain (places, ilt, residents)."""

from rest_framework.routers import DefaultRouter

from localities.api.ilt import CommunityAssetViewSet, MeetingViewSet, MembershipViewSet
from localities.api.places import LocalityViewSet
from localities.api.residents import ResidentViewSet

# No format suffixes (`/residents.json`): JSON is the only format, and any other address under
# /api/v1/ is the JSON 404.
router = DefaultRouter()
router.include_format_suffixes = False
router.register("localities", LocalityViewSet, basename="locality")
router.register("community-assets", CommunityAssetViewSet, basename="community-asset")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("residents", ResidentViewSet, basename="resident")

urlpatterns = router.urls
