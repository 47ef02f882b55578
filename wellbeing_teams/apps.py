from django.apps import AppConfig


class WellbeingTeamsConfig(AppConfig):
    name = "wellbeing_teams"
    verbose_name = "Wellbeing teams"

    def ready(self) -> None:
        """How Wellbeing Teams plug into the project's registries: a team's members are
        involved with the people on its caseload; a worker's home page shows their visits
        today; a resident's page links to their team's page for them."""
        from django.urls import reverse

        from thurrock_care import access, notifications, panels, resident_actions, timeline
        from thurrock_care.accounts.models import Role
        from wellbeing_teams import involvement
        from wellbeing_teams import notifications as kinds
        from wellbeing_teams import panels as home
        from wellbeing_teams import timeline as entries

        access.register_involvement(
            involvement.on_their_teams_caseload, pairs=involvement.on_their_teams_caseload_pairs
        )
        for kind in kinds.KINDS:
            notifications.register_kind(kind)
        timeline.register_provider(
            "team_visit", "Wellbeing Team visits", entries.visits, link=entries.visit_page
        )
        timeline.register_provider("outcome_rating", "Outcome progress", entries.outcome_ratings)
        timeline.register_provider("team_hours", "Commissioned hours", entries.hours_changes)
        timeline.register_provider(
            "team_support", "Wellbeing Team", entries.support, link=entries.person_page
        )
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
