"""Load the four localities and their neighbourhoods (localities/reference.py)."""

from django.db import migrations

from localities.reference import load_localities


def load(apps, schema_editor):
    load_localities(
        apps.get_model("localities", "Locality"), apps.get_model("localities", "Neighbourhood")
    )


class Migration(migrations.Migration):
    dependencies = [("localities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
