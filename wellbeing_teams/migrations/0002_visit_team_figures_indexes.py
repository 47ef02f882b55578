from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wellbeing_teams", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["team", "planned_start"], name="visit_team_planned"),
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["team", "arrived_at"], name="visit_team_arrived"),
        ),
    ]
