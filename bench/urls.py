"""Every product URL, and the two references each key page is measured against."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/ceiling/", views.ceiling, name="bench_ceiling"),
    path("bench/one-query/", views.one_query, name="bench_one_query"),
    path("", include("thurrock_care.urls")),
]
