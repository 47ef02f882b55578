"""Writing generated rows fast: PostgreSQL COPY with ids chosen here (so that later tables can
point at them without reading them back), every column the model needs filled."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone


class Table:
    """One model's table, written by COPY. `columns` are the values each row gives, in order
    (attnames: `resident_id`, not `resident`); every other column gets its constant default,
    computed once from the model: `auto_now` fields the generation's `now`, `timezone.now` and
    `timezone.localdate` defaults `now` and its day, nullable fields NULL, blank text "". A
    column with no such default (a per-row value such as a UUID) must be in `columns`."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, now: datetime) -> None:
        self.model = model
        self.table = model._meta.db_table
        given = list(columns)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in given if c not in fields]
        if unknown:
            raise ValueError(f"{self.table} has no column {', '.join(unknown)}")
        self.rest: list[str] = []
        self.tail: tuple[Any, ...] = ()
        tail = []
        for name, field in fields.items():
            if name in given or field.primary_key:
                continue
            self.rest.append(field.column)
            tail.append(_default(field, now))
        self.tail = tuple(tail)
        self.columns = ["id", *(fields[c].column for c in given), *self.rest]

    def next_id(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {self.table}")
            return int(cursor.fetchone()[0])

    def write(self, rows: Iterable[Sequence[Any]], *, first_id: int | None = None) -> int:
        """Write the rows with ids from `first_id` (the table's next free id by default);
        returns how many were written. The id sequence is moved past them."""
        start = self.next_id() if first_id is None else first_id
        count = 0
        tail = self.tail
        with indexes_rebuilt(self.table), connection.cursor() as cursor:
            sql = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                write_row = copy.write_row
                for count, row in enumerate(rows, start=1):
                    write_row((start + count - 1, *row, *tail))
            if count:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [self.table, start + count - 1],
                )
        return count


def _default(field: models.Field, now: datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return (
            now.date()
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
            else now
        )
    if field.has_default():
        default = field.default
        if default is timezone.now:
            return now
        if default is timezone.localdate:
            return timezone.localdate(now)
        if default is uuid.uuid4:
            raise ValueError(f"{field.model._meta.db_table}.{field.column} needs a value per row")
        value = field.get_default()
        return json.dumps(value) if isinstance(field, models.JSONField) else value
    if field.null:
        return None
    if isinstance(field, (models.CharField, models.TextField)) and field.blank:
        return ""
    raise ValueError(f"{field.model._meta.db_table}.{field.column} needs a value")


def m2m_table(model: type[models.Model], name: str) -> tuple[str, str, str]:
    """The through table of a many-to-many field and its two columns (this side, other)."""
    field = model._meta.get_field(name)
    through = field.remote_field.through  # type: ignore[union-attr]
    return (
        through._meta.db_table,
        field.m2m_column_name(),  # type: ignore[union-attr]
        field.m2m_reverse_name(),  # type: ignore[union-attr]
    )


def write_pairs(model: type[models.Model], name: str, pairs: Iterable[tuple[int, int]]) -> int:
    """Rows of a many-to-many field's through table: (this side's id, the other's id)."""
    table, left, right = m2m_table(model, name)
    with indexes_rebuilt(table), connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        start = cursor.fetchone()[0]
        count = 0
        with cursor.cursor.copy(f"COPY {table} (id, {left}, {right}) FROM STDIN") as copy:
            for count, (one, other) in enumerate(pairs, start=1):
                copy.write_row((start + count - 1, one, other))
    restart_ids(table)
    return count


@contextmanager
def indexes_rebuilt(table: str) -> Iterator[None]:
    """Drop the table's indexes that back no constraint while rows are written, and build
    them again after: building an index from all its rows at once is many times faster than
    keeping it up to date row by row (a trigram index of names above all). Unique indexes
    are rebuilt too, so uniqueness is still checked; the primary key and unique constraints
    stay in place throughout."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = %s
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c
                WHERE c.conrelid = %s::regclass AND c.conname = i.indexname
              )
            ORDER BY i.indexname
            """,
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)


def restart_ids(table: str) -> None:
    """Make the table's next id the one after its largest (ids do not depend on what was
    written and rolled back before: the same seed, the same ids)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)",
            [table],
        )


def can_defer_foreign_keys() -> bool:
    """Only a superuser may switch off the foreign-key triggers for the load."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def orphans(model: type[models.Model]) -> list[str]:
    """Foreign keys of the model's table (and its many-to-many tables) that point at no row:
    one anti-join per key, instead of a lookup per row while loading. Empty when all hold."""
    found = []

    def keys(of: Any) -> tuple[str, list[tuple[str, str]]]:
        return of._meta.db_table, [
            (f.column, f.related_model._meta.db_table)
            for f in of._meta.concrete_fields
            if f.is_relation
        ]

    tables = [keys(model)]
    for m2m in model._meta.local_many_to_many:
        through: Any = m2m.remote_field.through
        if through._meta.auto_created:
            tables.append(keys(through))
    with connection.cursor() as cursor:
        for table, columns in tables:
            for column, target in columns:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {table} c WHERE c.{column} IS NOT NULL AND NOT "
                    f"EXISTS (SELECT 1 FROM {target} p WHERE p.id = c.{column})"
                )
                missing = cursor.fetchone()[0]
                if missing:
                    found.append(f"{table}.{column}: {missing:,} rows point at no {target}")
    return found
