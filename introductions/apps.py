from django.apps import AppConfig


class IntroductionsConfig(AppConfig):
    name = "introductions"
    verbose_name = "Local Area Coordination"

    def ready(self) -> None:
        """How Local Area Coordination plugs into the project's registries: who is involved
        with a resident, the notification it sends, the resident timeline's entries, the
        home page's panel and the resident page's actions."""
        from introductions import involvement
        from introductions import notifications as kinds
        from thurrock_care import access, notifications

        access.register_involvement(involvement.holds_their_introduction)
        for kind in kinds.KINDS:
            notifications.register_kind(kind)
