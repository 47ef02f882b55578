# The board reads a locality's open MDTs in deadline order from an index of the open ones only;
# the index on (locality, status) is the start of mdt_board_closed's.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("localities", "0009_resident_name_order"),
        ("mdt", "0003_api_list_order"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="mdt",
            name="mdt_mdt_localit_c1914c_idx",
        ),
        migrations.AddIndex(
            model_name="mdt",
            index=models.Index(
                condition=models.Q(("status", "closed"), _negated=True),
                fields=["locality", "deadline", "id"],
                name="mdt_board_open",
            ),
        ),
    ]
