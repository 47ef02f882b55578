from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "thurrock_care.notifications"
    label = "notifications"
    verbose_name = "Notifications"
