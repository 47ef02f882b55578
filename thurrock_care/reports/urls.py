from django.urls import path

from thurrock_care.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures.csv", views.figures_csv, name="figures_csv"),
]
