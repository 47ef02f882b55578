"""introductions' models, one module per domain: introductions (and who held them),
conversations (connections made, follow-ups), drop-in sessions, wellbeing answers."""

from introductions.models.conversations import (
    CONVERSATION_FIELDS,
    ConnectionMade,
    Conversation,
    ConversationQuerySet,
    FollowUp,
    FollowUpQuerySet,
)
from introductions.models.drop_ins import DROP_IN_FIELDS, DropInSession, DropInSessionQuerySet
from introductions.models.introductions import (
    INTRODUCTION_FIELDS,
    Introduction,
    IntroductionHolder,
    IntroductionQuerySet,
)
from introductions.models.wellbeing import (
    ONS4_QUESTIONS,
    QUARTER_DAYS,
    WELLBEING_FIELDS,
    WellbeingAnswer,
    WellbeingAnswerQuerySet,
)

__all__ = [
    "CONVERSATION_FIELDS",
    "DROP_IN_FIELDS",
    "INTRODUCTION_FIELDS",
    "ONS4_QUESTIONS",
    "QUARTER_DAYS",
    "WELLBEING_FIELDS",
    "ConnectionMade",
    "Conversation",
    "ConversationQuerySet",
    "DropInSession",
    "DropInSessionQuerySet",
    "FollowUp",
    "FollowUpQuerySet",
    "Introduction",
    "IntroductionHolder",
    "IntroductionQuerySet",
    "WellbeingAnswer",
    "WellbeingAnswerQuerySet",
]
