from django.urls import path

from localities.views import residents as views

app_name = "residents"
urlpatterns = [
    path("", views.resident_search, name="search"),
    path("new/", views.resident_create, name="create"),
    path("request-access/", views.break_glass_request, name="break_glass"),
    path("break-glass/", views.break_glass_review, name="break_glass_review"),
    path(
        "break-glass/<int:grant_pk>/reviewed/",
        views.break_glass_reviewed,
        name="break_glass_reviewed",
    ),
    path("merges/<int:merge_pk>/reverse/", views.merge_reverse, name="merge_reverse"),
    path("possible-duplicates/", views.possible_duplicates, name="possible_duplicates"),
    path(
        "possible-duplicates/<int:flag_pk>/different/",
        views.possible_duplicate_different,
        name="possible_duplicate_different",
    ),
    path("<int:pk>/", views.resident_detail, name="detail"),
    path("<int:pk>/edit/", views.resident_edit, name="edit"),
    path("<int:pk>/story/<str:section>/", views.resident_story, name="story"),
    path("<int:pk>/connections/new/", views.connection_add, name="connection_add"),
    path(
        "<int:pk>/connections/<int:connection_pk>/remove/",
        views.connection_remove,
        name="connection_remove",
    ),
    path("<int:pk>/consent/", views.consent_record, name="consent"),
    path("<int:pk>/status/", views.resident_status, name="status"),
    path("<int:pk>/merge/", views.resident_merge, name="merge"),
    path("<int:pk>/audit/", views.resident_audit, name="audit"),
    path("<int:pk>/access-report/", views.resident_access_report, name="access_report"),
]
