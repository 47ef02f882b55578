"""Make the audit trail append-only in PostgreSQL itself.

Triggers refuse UPDATE and DELETE of any row, for every role, superusers included (privileges
do not bind a superuser; triggers do). TRUNCATE is refused too, unless the session's setting
`thurrock_care.allow_audit_truncate` is 'on': only the test suite sets it, on its own database,
because Django empties every table between transactional tests.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND current_setting('thurrock_care.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
"""

BACKWARD = """
DROP TRIGGER audit_event_no_truncate ON audit_event;
DROP TRIGGER audit_event_no_update_or_delete ON audit_event;
DROP FUNCTION audit_event_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
