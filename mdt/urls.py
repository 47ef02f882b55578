from django.urls import path

from mdt import views

app_name = "mdt"

urlpatterns = [
    path("", views.board, name="board"),
    path("request/<int:pk>/", views.request_mdt, name="request"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/times/", views.propose, name="propose"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/call-off/", views.cancel, name="cancel"),
    path("<int:pk>/meeting/", views.meeting, name="meeting"),
    path("<int:pk>/actions/", views.add_action, name="action_add"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/minutes.pdf", views.minutes, name="minutes"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("availability/<str:token>/", views.availability, name="availability"),
]
