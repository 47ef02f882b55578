from django.apps import AppConfig


class IntroductionsConfig(AppConfig):
    name = "introductions"
    verbose_name = "Local Area Coordination"

    def ready(self) -> None:
        """How Local Area Coordination plugs into the project's registries: who is involved
        with a resident, the notification it sends, the resident timeline's entries, the
        home page's panel and the resident page's actions."""
        from django.urls import reverse

        from introductions import involvement
        from introductions import notifications as kinds
        from introductions import panels as home
        from introductions import timeline as entries
        from thurrock_care import access, notifications, panels, resident_actions, timeline

        access.register_involvement(
            involvement.holds_their_introduction,
            pairs=involvement.holds_their_introduction_pairs,
        )
        for kind in kinds.KINDS:
            notifications.register_kind(kind)

        timeline.register_provider(
            "conversation", "Conversations", entries.conversations, link=entries.conversation_page
        )
        timeline.register_provider(
            "introduction", "Introduction", entries.introduction_changes,
            link=entries.introduction_page,
        )  # fmt: skip
        timeline.register_provider("drop_in", "Drop-ins", entries.drop_in_attendance)
        timeline.register_provider("connection_made", "Connections made", entries.connections)
        timeline.register_provider("wellbeing", "How they feel", entries.wellbeing_answers)

        panels.register_panel(
            "follow_ups",
            template="introductions/_home_follow_ups.html",
            shown_to=access.sees_named_residents,
            context=home.follow_ups,
            order=12,
        )

        resident_actions.register_action(
            "log_conversation",
            label="Log a conversation",
            url=lambda pk: reverse("introductions:conversation_create", args=[pk]),
            order=10,
            primary=True,
        )
        resident_actions.register_action(
            "introduction",
            label="Local Area Coordination",
            url=lambda pk: reverse("introductions:introduction_for_resident", args=[pk]),
            shown_to=access.sees_named_residents,
            order=20,
        )
        resident_actions.register_action(
            "wellbeing",
            label="How are you feeling",
            url=lambda pk: reverse("introductions:wellbeing", args=[pk]),
            order=30,
        )
