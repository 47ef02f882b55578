from django.apps import AppConfig


class LocalitiesConfig(AppConfig):
    name = "localities"
    verbose_name = "Localities and residents"

    def ready(self) -> None:
        from localities import involvement
        from thurrock_care import access

        access.register_involvement(involvement.named_in_current_consent)
        access.register_involvement(involvement.holds_break_glass_grant)
