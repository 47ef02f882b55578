"""Wellbeing Teams' REST API under /api/v1/: the same gates as the pages (every lookup starts
from a `visible_to`/`run_by`/`recordable_by` QuerySet), the same services (which write and
audit), reads of resident data audited."""

from rest_framework.routers import DefaultRouter

from wellbeing_teams.api.views import (
    HealthEventViewSet,
    OutcomeViewSet,
    PersonSupportedViewSet,
    TeamViewSet,
    TimeEntryViewSet,
    VisitViewSet,
)

router = DefaultRouter()
router.include_format_suffixes = False
router.register("wellbeing-teams", TeamViewSet, basename="wellbeing-team")
router.register("people-supported", PersonSupportedViewSet, basename="person-supported")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("visits", VisitViewSet, basename="visit")
router.register("time-entries", TimeEntryViewSet, basename="time-entry")
router.register("health-events", HealthEventViewSet, basename="health-event")

urlpatterns = router.urls
