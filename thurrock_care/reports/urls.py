from django.urls import path

from thurrock_care.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures.csv", views.figures_csv, name="figures_csv"),
    path("scrutiny/", views.report_list, name="report_list"),
    path("scrutiny/<int:pk>/", views.report_detail, name="report"),
    path("scrutiny/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("case-studies/", views.case_study_list, name="case_studies"),
    path("case-studies/new/", views.case_study_create, name="case_study_create"),
    path("case-studies/<int:pk>/", views.case_study_detail, name="case_study"),
    path("case-studies/<int:pk>/edit/", views.case_study_edit, name="case_study_edit"),
    path("case-studies/<int:pk>/publish/", views.case_study_publish, name="case_study_publish"),
    path("digests/", views.digest_list, name="digests"),
    path("digests/<int:pk>/", views.digest_detail, name="digest"),
    path("digests/<int:pk>/digest.pdf", views.digest_pdf, name="digest_pdf"),
    path("digests/<int:pk>/rebuild/", views.digest_rebuild, name="digest_rebuild"),
]
