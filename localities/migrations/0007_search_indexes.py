"""Indexes that let every kind of resident search be answered without reading every resident
(docs/performance.md): the name without its spaces, by trigrams; the words of the name, exactly;
the postcode district, in name order. Built concurrently, so that residents can still be saved while they are built.

And what comparing trigrams really costs. pg_trgm declares its functions as cheap as comparing
two numbers (cost 1); they take about thirty times that per row, so the planner would read every
resident rather than use the trigram indexes. Declared at cost 100, it uses them."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

import localities.models.residents

TRIGRAM_FUNCTIONS = [
    "word_similarity_commutator_op(text, text)",  # the %> operator: a word of the name
    "word_similarity(text, text)",
    "similarity(text, text)",
]


def declare_cost(cost: int) -> str:
    # The extension belongs to whoever created it; an owner that is not this database user
    # leaves a warning, and searches still right, only slower (docs/performance.md).
    statements = "\n".join(f"ALTER FUNCTION {f} COST {cost};" for f in TRIGRAM_FUNCTIONS)
    return (
        "DO $$ BEGIN\n"
        f"{statements}\n"
        "EXCEPTION WHEN insufficient_privilege THEN RAISE WARNING "
        "'Resident search: could not declare the cost of pg_trgm functions (%)', SQLERRM;\n"
        "END $$;"
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("localities", "0006_search_names_in_any_script"),
    ]

    operations = [
        # Rebuilt without a pending list (fastupdate): see the model.
        RemoveIndexConcurrently(model_name="resident", name="resident_search_name_trgm"),
        AddIndexConcurrently(
            model_name="resident",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    models.F("search_name"), name="gin_trgm_ops"
                ),
                fastupdate=False,
                name="resident_search_name_trgm",
            ),
        ),
        AddIndexConcurrently(
            model_name="resident",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    localities.models.residents.CompactName("search_name"), name="gin_trgm_ops"
                ),
                fastupdate=False,
                name="resident_compact_name_trgm",
            ),
        ),
        AddIndexConcurrently(
            model_name="resident",
            index=django.contrib.postgres.indexes.GinIndex(
                localities.models.residents.NameWords("search_name"),
                fastupdate=False,
                name="resident_name_words",
            ),
        ),
        AddIndexConcurrently(
            model_name="resident",
            index=models.Index(
                localities.models.residents.PostcodeDistrict("postcode"),
                models.F("full_name"),
                models.F("id"),
                name="resident_district_name",
            ),
        ),
        migrations.RunSQL(declare_cost(100), declare_cost(1)),
    ]
