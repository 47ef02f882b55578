from django.apps import AppConfig


class WellbeingTeamsConfig(AppConfig):
    name = "wellbeing_teams"
    verbose_name = "Wellbeing teams"

    def ready(self) -> None:
        """How Wellbeing Teams plug into the project's registries: a team's members are
        involved with the people on its caseload; a worker's home page shows their visits
        today; a resident's page links to their team's page for them."""
        from django.urls import reverse

        from thurrock_care import access, notifications, panels, resident_actions
        from thurrock_care.accounts.models import Role
        from wellbeing_teams import involvement
        from wellbeing_teams import notifications as kinds
        from wellbeing_teams import panels as home

        access.register_involvement(involvement.on_their_teams_caseload)
        for kind in kinds.KINDS:
            notifications.register_kind(kind)
        panels.register_panel(
            "visits_today",
            template="wellbeing_teams/_home_visits_today.html",
            roles={Role.WELLBEING_WORKER},
            context=home.visits_today,
            order=15,
        )
        resident_actions.register_action(
            "wellbeing_team",
            label="Wellbeing Team",
            url=lambda pk: reverse("wellbeing_teams:for_resident", args=[pk]),
            shown_to=access.sees_named_residents,
            order=40,
        )
