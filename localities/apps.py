from django.apps import AppConfig


class LocalitiesConfig(AppConfig):
    name = "localities"
    verbose_name = "Localities and residents"

    def ready(self) -> None:
        """How this app plugs into the project's registries: who is involved with a resident,
        the notifications it sends, the resident timeline's entries, the home page's panels."""
        from localities import involvement
        from localities import notifications as kinds
        from localities import panels as home
        from localities import timeline as entries
        from thurrock_care import access, notifications, panels, timeline

        access.register_involvement(
            involvement.named_in_current_consent, pairs=involvement.named_in_current_consent_pairs
        )
        access.register_involvement(
            involvement.added_the_record, pairs=involvement.added_the_record_pairs
        )
        access.register_involvement(
            involvement.holds_break_glass_grant, pairs=involvement.holds_break_glass_grant_pairs
        )
        for kind in kinds.KINDS:
            notifications.register_kind(kind)

        # The resident's timeline: each kind of entry this app keeps (docs/timeline-and-panels.md).
        timeline.register_provider("story", "Story", entries.story_changes)
        timeline.register_provider("consent", "Consent", entries.consent_decisions)
        timeline.register_provider("connection", "People and places", entries.connections)
        timeline.register_provider("status", "Status", entries.status_changes)
        timeline.register_provider(
            "merge", "Merges", entries.merges, shown_to=access.reviews_records
        )
        timeline.register_provider(
            "break_glass",
            "Break-glass access",
            entries.break_glass,
            shown_to=access.reviews_records,
            link=entries.break_glass_review,
        )

        # The home page's panels (docs/timeline-and-panels.md).
        panels.register_panel(
            "resident_search",
            template="localities/_home_resident_search.html",
            shown_to=access.sees_named_residents,
            order=10,
        )
        panels.register_panel(
            "reviews",
            template="localities/_home_reviews.html",
            shown_to=access.reviews_records,
            context=home.reviews,
            order=30,
        )
        panels.register_panel(
            "localities",
            template="localities/_home_localities.html",
            context=home.localities,
            order=50,
        )
