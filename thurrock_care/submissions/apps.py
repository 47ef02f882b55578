from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "thurrock_care.submissions"
    label = "submissions"
    verbose_name = "Submissions"
