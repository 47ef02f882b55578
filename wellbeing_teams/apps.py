from django.apps import AppConfig


class WellbeingTeamsConfig(AppConfig):
    name = "wellbeing_teams"
    verbose_name = "Wellbeing teams"
