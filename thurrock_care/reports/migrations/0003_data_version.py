"""The reports' data version (thurrock_care/reports/figures_cache.py): a sequence advanced by a
statement-level trigger on every table the figures read, the writer holding a shared advisory
lock until it commits. A table the figures come to read needs the trigger too (a migration like
this one): tests/reports/test_figures_cache.py fails until it has it."""

from django.db import migrations

# The advisory lock a writer holds, shared, from its first change to these tables until its
# transaction ends (figures_cache.DATA_VERSION_LOCK: the same number).
LOCK = 7_212_013

# Every table metrics.figures reads, and for the few written for other reasons all day long,
# only the columns the figures depend on (an update of anything else changes no figure).
WATCHED: dict[str, list[str]] = {
    "introductions_conversation": [],
    "introductions_connectionmade": [],
    "introductions_dropinsession": [],
    "introductions_introduction": [],
    "introductions_wellbeinganswer": [],
    "localities_locality": [],
    "localities_neighbourhood": [],
    "localities_resident": ["neighbourhood_id"],
    "localities_membership": [],
    "localities_organisation": [],  # joined with memberships
    "localities_learningcycle": [],
    "mdt_mdt": [],
    "mdt_slot": [],
    "mdt_mdtaction": [],
    "wellbeing_teams_team": [],
    "wellbeing_teams_teammember": [],
    "wellbeing_teams_personsupported": [],
    "wellbeing_teams_visit": [],
    "wellbeing_teams_visit_workers": [],
    "wellbeing_teams_timeentry": [],
    "wellbeing_teams_healthevent": [],
    "wellbeing_teams_personaloutcome": [],
    "wellbeing_teams_outcomerating": [],
}

FUNCTION = f"""
CREATE SEQUENCE reports_data_version;
-- From 1, called: the first change makes it 2 (a fresh sequence reads 1 before and after).
SELECT nextval('reports_data_version');
CREATE FUNCTION reports_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared({LOCK});
    PERFORM nextval('reports_data_version');
    RETURN NULL;
END
$$;
"""


def _trigger(table: str, columns: list[str]) -> str:
    update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
    return (
        f"CREATE TRIGGER reports_data_changed AFTER INSERT OR {update} OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reports_data_changed();"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_digest"),
        ("introductions", "0003_conversation_recent"),
        ("localities", "0009_resident_name_order"),
        ("mdt", "0002_board_closed_index"),
        ("wellbeing_teams", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            FUNCTION,
            reverse_sql="DROP FUNCTION reports_data_changed(); DROP SEQUENCE reports_data_version;",
        ),
        *[
            migrations.RunSQL(
                _trigger(table, columns),
                reverse_sql=f"DROP TRIGGER reports_data_changed ON {table};",
            )
            for table, columns in WATCHED.items()
        ],
    ]
