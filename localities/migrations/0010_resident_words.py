"""Resident search's index of name words (localities.models.ResidentWord), kept by a trigger
on the residents' table: every insert, and every update of a search name or full name,
rewrites that resident's words in the same statement, whatever wrote it (services, the admin,
a bulk update, COPY). localities_fill_resident_words() writes the words of every resident
that has none: for rows loaded with triggers off (generate_thurrock), and once here."""

import django.db.models.deletion
from django.db import migrations, models

WORDS_SQL = """
CREATE FUNCTION localities_resident_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.search_name IS NOT DISTINCT FROM OLD.search_name
           AND NEW.full_name IS NOT DISTINCT FROM OLD.full_name THEN
            RETURN NULL;
        END IF;
        DELETE FROM localities_residentword WHERE resident_id = NEW.id;
    END IF;
    INSERT INTO localities_residentword (word, resident_id, full_name)
    SELECT DISTINCT word, NEW.id, NEW.full_name
    FROM unnest(string_to_array(NEW.search_name, ' ')) AS word
    WHERE word <> '';
    RETURN NULL;
END
$$;

CREATE TRIGGER localities_resident_words
AFTER INSERT OR UPDATE OF search_name, full_name ON localities_resident
FOR EACH ROW EXECUTE FUNCTION localities_resident_words();

CREATE FUNCTION localities_fill_resident_words() RETURNS bigint LANGUAGE sql AS $$
    WITH added AS (
        INSERT INTO localities_residentword (word, resident_id, full_name)
        SELECT DISTINCT word, resident.id, resident.full_name
        FROM localities_resident AS resident,
             unnest(string_to_array(resident.search_name, ' ')) AS word
        WHERE word <> ''
          AND NOT EXISTS (
              SELECT FROM localities_residentword AS known WHERE known.resident_id = resident.id
          )
        RETURNING 1
    )
    SELECT count(*) FROM added;
$$;

SELECT localities_fill_resident_words();
ANALYZE localities_residentword;
"""

UNDO_SQL = """
DROP TRIGGER localities_resident_words ON localities_resident;
DROP FUNCTION localities_resident_words();
DROP FUNCTION localities_fill_resident_words();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("localities", "0009_resident_name_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResidentWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.TextField()),
                ("full_name", models.CharField(max_length=200)),
            ],
        ),
        migrations.RemoveIndex(
            model_name="resident",
            name="resident_name_words",
        ),
        migrations.AddField(
            model_name="residentword",
            name="resident",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="words",
                to="localities.resident",
            ),
        ),
        migrations.AddIndex(
            model_name="residentword",
            index=models.Index(
                fields=["word", "full_name", "resident"], name="resident_word_order"
            ),
        ),
        migrations.AddConstraint(
            model_name="residentword",
            constraint=models.UniqueConstraint(
                fields=("resident", "word"), name="resident_word_once"
            ),
        ),
        migrations.RunSQL(WORDS_SQL, UNDO_SQL),
    ]
