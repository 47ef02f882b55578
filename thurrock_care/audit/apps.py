from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "thurrock_care.audit"
    label = "audit"
    verbose_name = "Audit trail"
