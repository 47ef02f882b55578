# The trail's index of residents (resident_id, at) starts with resident_id: a second index of
# resident_id alone only made every audit write (one row per resident a list shows) dearer.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_evidence_actions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="resident_id",
            field=models.BigIntegerField(null=True),
        ),
    ]
