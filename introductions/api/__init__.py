"""Local Area Coordination's REST API under /api/v1/, one module per domain: the same gates
as the pages (every lookup starts from a `visible_to`/`changeable_by`/`run_by` QuerySet), the
same services (which write and audit), reads of resident data audited."""

from rest_framework.routers import DefaultRouter

from introductions.api.conversations import (
    ConnectionViewSet,
    ConversationViewSet,
    FollowUpViewSet,
)
from introductions.api.drop_ins import DropInViewSet
from introductions.api.introductions import IntroductionViewSet
from introductions.api.wellbeing import WellbeingAnswerViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("introductions", IntroductionViewSet, basename="introduction")
router.register("conversations", ConversationViewSet, basename="conversation")
router.register("connections", ConnectionViewSet, basename="connection")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("drop-ins", DropInViewSet, basename="drop-in")
router.register("wellbeing-answers", WellbeingAnswerViewSet, basename="wellbeing-answer")

urlpatterns = router.urls
