from django.urls import path

from localities import views

app_name = "localities"
urlpatterns = [
    path("", views.locality_list, name="list"),
    path("<slug:slug>/", views.locality_detail, name="detail"),
    path("<slug:slug>/join/", views.join_request_create, name="join"),
    path("<slug:slug>/join/thanks/", views.join_request_thanks, name="join_thanks"),
    path("<slug:slug>/join-requests/", views.join_request_list, name="join_requests"),
    path("<slug:slug>/join-requests/<int:pk>/", views.join_request_detail, name="join_request"),
    path(
        "<slug:slug>/join-requests/<int:pk>/approve/",
        views.join_request_approve,
        name="join_request_approve",
    ),
    path(
        "<slug:slug>/join-requests/<int:pk>/decline/",
        views.join_request_decline,
        name="join_request_decline",
    ),
    path("<slug:slug>/meetings/", views.meeting_list, name="meetings"),
    path("<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<slug:slug>/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("<slug:slug>/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "<slug:slug>/meetings/<int:pk>/actions/",
        views.action_item_create,
        name="action_item_create",
    ),
    path(
        "<slug:slug>/meetings/<int:pk>/actions/<int:item>/done/",
        views.action_item_done,
        name="action_item_done",
    ),
]

# Served at /learning/ and /assets/: they span every locality.
learning_urlpatterns = [
    path("", views.learning_list, name="list"),
    path("new/", views.learning_create, name="create"),
    path("<int:pk>/", views.learning_detail, name="detail"),
    path("<int:pk>/edit/", views.learning_edit, name="edit"),
]

asset_urlpatterns = [
    path("", views.asset_list, name="list"),
    path("new/", views.asset_create, name="create"),
    path("<int:pk>/edit/", views.asset_edit, name="edit"),
]
