from django.urls import path

from wellbeing_teams import views

app_name = "wellbeing_teams"
urlpatterns = [
    path("", views.team_list, name="teams"),
    path("my-day/", views.my_day, name="my_day"),
    path("new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("members/<int:pk>/end/", views.member_end, name="member_end"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/day/", views.team_day, name="team_day"),
    path("teams/<int:pk>/dashboard/", views.team_dashboard, name="team_dashboard"),
    path("teams/<int:pk>/time/new/", views.time_create, name="time_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/arrived/", views.visit_arrived, name="visit_arrived"),
    path("visits/<int:pk>/left/", views.visit_left, name="visit_left"),
    path("visits/<int:pk>/missed/", views.visit_missed, name="visit_missed"),
    path("visits/<int:pk>/correct/", views.visit_correct, name="visit_correct"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path("people/<int:pk>/hours/", views.hours_change, name="hours_change"),
    path(
        "people/<int:pk>/health-events/new/",
        views.health_event_create,
        name="health_event_create",
    ),
    path("people/<int:pk>/visits/new/", views.plan_visit, name="plan_visit"),
    path("people/<int:pk>/end/", views.end_support, name="end_support"),
    path("people/<int:pk>/preferred-workers/", views.preferred_workers, name="preferred_workers"),
    path("residents/<int:pk>/", views.person_for_resident, name="for_resident"),
    path("residents/<int:pk>/join/", views.join_team, name="join_team"),
]
