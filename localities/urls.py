from django.urls import path

from localities import views

app_name = "localities"
urlpatterns = [
    path("", views.locality_list, name="list"),
    path("<slug:slug>/", views.locality_detail, name="detail"),
]
