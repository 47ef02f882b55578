"""Every resident's search name again, by the normaliser that keeps the letters of every script:
the one before left names written in Arabic, Chinese, Cyrillic or Devanagari empty, so nobody
could find them. Only the names that come out differently are written, in batches."""

from django.db import migrations

# The function the services use, so that the stored names are exactly what searches compare
# against. (On a new database there are no residents and nothing runs.)
from localities.search import search_name

BATCH = 5000


def recompute_search_names(apps, schema_editor) -> None:
    model = apps.get_model("localities", "Resident")
    residents = model._base_manager.using(schema_editor.connection.alias)
    # One UPDATE per batch, joined to the new names (bulk_update's CASE grows with the batch).
    update = (
        f"UPDATE {schema_editor.quote_name(model._meta.db_table)} AS resident "
        "SET search_name = new.search_name "
        "FROM unnest(%s::bigint[], %s::text[]) AS new (id, search_name) "
        "WHERE resident.id = new.id"
    )
    last = 0
    while rows := list(
        residents.filter(pk__gt=last)
        .order_by("pk")
        .values_list("pk", "full_name", "preferred_name", "search_name")[:BATCH]
    ):
        last = rows[-1][0]
        changed = [
            (pk, new)
            for pk, full_name, preferred_name, old in rows
            if (new := search_name(full_name, preferred_name)) != old
        ]
        if changed:
            ids, names = zip(*changed, strict=True)
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(update, [list(ids), list(names)])


class Migration(migrations.Migration):
    dependencies = [("localities", "0005_possible_duplicates")]

    operations = [
        migrations.RunPython(
            recompute_search_names, reverse_code=migrations.RunPython.noop, elidable=True
        )
    ]
