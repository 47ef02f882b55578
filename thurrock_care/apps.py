from django.apps import AppConfig


class ThurrockCareConfig(AppConfig):
    name = "thurrock_care"
    verbose_name = "Thurrock Care"
