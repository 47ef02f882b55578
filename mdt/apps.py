from django.apps import AppConfig


class MdtConfig(AppConfig):
    name = "mdt"
    verbose_name = "MDTs"

    def ready(self) -> None:
        """How MDTs plug into the project's registries: invited organisations see the
        resident (for a while after the MDT closes), the resident's timeline shows their MDTs,
        home panels (an owner's actions, a coordinator's MDTs waiting), the notifications it
        sends, and "Request an MDT" on the resident's page."""
        from django.urls import reverse

        from mdt import involvement, working_days
        from mdt import notifications as kinds
        from mdt import panels as home
        from mdt import timeline as entries
        from thurrock_care import (
            access,
            health,
            notifications,
            panels,
            resident_actions,
            timeline,
        )

        access.register_involvement(
            involvement.invited_to_their_mdt, pairs=involvement.invited_to_their_mdt_pairs
        )
        health.register_warning(working_days.health_warning)
        for kind in kinds.KINDS:
            notifications.register_kind(kind)
        timeline.register_provider("mdt", "MDTs", entries.mdts, link=entries.mdt_page)
        panels.register_panel(
            "mdt_actions",
            template="mdt/_home_actions.html",
            shown_to=access.sees_named_residents,
            context=home.my_actions,
            order=14,
        )
        panels.register_panel(
            "mdts_waiting",
            template="mdt/_home_waiting.html",
            shown_to=access.reviews_records,
            context=home.waiting,
            order=35,
        )
        resident_actions.register_action(
            "request_mdt",
            label="Request an MDT",
            url=lambda pk: reverse("mdt:request", args=[pk]),
            # Those who change the record request MDTs (the page's gate: changeable_by).
            shown_to=lambda user: (
                access.is_coordinator(user)
                or access.is_core_practitioner(user)
                or access.is_administrator(user)
            ),
            order=40,
        )
