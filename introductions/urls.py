from django.urls import path

from introductions.views import conversations, drop_ins, introductions, wellbeing

app_name = "introductions"
urlpatterns = [
    path("", introductions.my_work, name="my_work"),
    path("conversations/new/", conversations.conversation_quick, name="conversation_quick"),
    path("conversations/<int:pk>/", conversations.conversation_detail, name="conversation"),
    path(
        "residents/<int:pk>/conversations/new/",
        conversations.conversation_create,
        name="conversation_create",
    ),
    path(
        "residents/<int:pk>/introduction/",
        introductions.introduction_for_resident,
        name="introduction_for_resident",
    ),
    path(
        "residents/<int:pk>/introductions/new/",
        introductions.introduction_create,
        name="introduction_create",
    ),
    path("residents/<int:pk>/wellbeing/", wellbeing.wellbeing_record, name="wellbeing"),
    path("introductions/<int:pk>/", introductions.introduction_detail, name="introduction"),
    path("introductions/<int:pk>/edit/", introductions.introduction_edit, name="introduction_edit"),
    path("introductions/reassign/", introductions.reassign, name="reassign"),
    path("drop-ins/", drop_ins.drop_in_list, name="drop_ins"),
    path("drop-ins/new/", drop_ins.drop_in_create, name="drop_in_create"),
    path("drop-ins/<int:pk>/", drop_ins.drop_in_detail, name="drop_in"),
    path("drop-ins/<int:pk>/edit/", drop_ins.drop_in_edit, name="drop_in_edit"),
    path("drop-ins/<int:pk>/cancel/", drop_ins.drop_in_cancel, name="drop_in_cancel"),
    path("drop-ins/<int:pk>/start/", drop_ins.drop_in_start, name="drop_in_start"),
    path("drop-ins/<int:pk>/end/", drop_ins.drop_in_end, name="drop_in_end"),
    path("drop-ins/<int:pk>/headcount/", drop_ins.drop_in_headcount, name="drop_in_headcount"),
    path(
        "drop-ins/<int:pk>/residents/<int:resident_pk>/introduce/",
        drop_ins.drop_in_introduce,
        name="drop_in_introduce",
    ),
    # Public: no resident data (the feed and the poster of a locality's sessions).
    path("localities/<slug:slug>/drop-ins.ics", drop_ins.drop_in_calendar, name="drop_in_calendar"),
    path(
        "localities/<slug:slug>/drop-ins-poster.pdf",
        drop_ins.drop_in_poster,
        name="drop_in_poster",
    ),
]
