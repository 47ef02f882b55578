from django.apps import AppConfig


class WellbeingTeamsConfig(AppConfig):
    name = "wellbeing_teams"
    verbose_name = "Wellbeing teams"

    def ready(self) -> None:
        """How Wellbeing Teams plug into the project's registries: a team's members are
        involved with the people on its caseload."""
        from thurrock_care import access
        from wellbeing_teams import involvement

        access.register_involvement(involvement.on_their_teams_caseload)
