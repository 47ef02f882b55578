from django.urls import path

from localities.views import ilt, places

app_name = "localities"
urlpatterns = [
    path("", places.locality_list, name="list"),
    path("<slug:slug>/", places.locality_detail, name="detail"),
    path("<slug:slug>/join/", ilt.join_request_create, name="join"),
    path("<slug:slug>/join/thanks/", ilt.join_request_thanks, name="join_thanks"),
    path("<slug:slug>/join-requests/", ilt.join_request_list, name="join_requests"),
    path("<slug:slug>/join-requests/<int:pk>/", ilt.join_request_detail, name="join_request"),
    path(
        "<slug:slug>/join-requests/<int:pk>/approve/",
        ilt.join_request_approve,
        name="join_request_approve",
    ),
    path(
        "<slug:slug>/join-requests/<int:pk>/decline/",
        ilt.join_request_decline,
        name="join_request_decline",
    ),
    path("<slug:slug>/meetings/", ilt.meeting_list, name="meetings"),
    path("<slug:slug>/meetings/new/", ilt.meeting_create, name="meeting_create"),
    path("<slug:slug>/meetings/<int:pk>/", ilt.meeting_detail, name="meeting"),
    path("<slug:slug>/meetings/<int:pk>/edit/", ilt.meeting_edit, name="meeting_edit"),
    path(
        "<slug:slug>/meetings/<int:pk>/actions/",
        ilt.action_item_create,
        name="action_item_create",
    ),
    path(
        "<slug:slug>/meetings/<int:pk>/actions/<int:item>/done/",
        ilt.action_item_done,
        name="action_item_done",
    ),
]

# Served at /learning/ and /assets/: they span every locality.
learning_urlpatterns = [
    path("", ilt.learning_list, name="list"),
    path("new/", ilt.learning_create, name="create"),
    path("<int:pk>/", ilt.learning_detail, name="detail"),
    path("<int:pk>/edit/", ilt.learning_edit, name="edit"),
]

asset_urlpatterns = [
    path("", ilt.asset_list, name="list"),
    path("new/", ilt.asset_create, name="create"),
    path("<int:pk>/edit/", ilt.asset_edit, name="edit"),
]
