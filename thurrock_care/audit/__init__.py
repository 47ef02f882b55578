"""The append-only audit trail of who looked at or changed a resident's record, and why."""
