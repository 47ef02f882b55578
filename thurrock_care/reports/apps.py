from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The evidence: one metrics module, the monthly ILT digest and the scrutiny report. Part
    of the project's composition layer (like urls.py): it reads every app's records."""

    name = "thurrock_care.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from thurrock_care import notifications
        from thurrock_care.reports import emails

        notifications.register_kind(emails.MONTHLY_DIGEST)
