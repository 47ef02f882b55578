"""The resident's timeline: what happened to a resident's record, from every app, newest
first, on the resident's page (section "History", MOJ Frontend's timeline).

Each app that keeps entries about a resident registers a *provider* for each kind of entry,
from its `AppConfig.ready` (see docs/timeline-and-panels.md):

    timeline.register_provider("story", "Story", story_changes)

A provider is a function `(resident_id, user)` that returns the resident's entries of its
kind as a QuerySet shaped by `rows(queryset, at=…, title=…, …)` into the columns every
provider shares (or a list of such QuerySets, or None when this user is shown none). The
registry puts every provider's query into one SQL `UNION ALL`, ordered by `at` newest first,
and reads one page of it, with the number of entries in the same query: a page of the
timeline is one query, however many entries or providers there are. Filtering by kind leaves
the other providers out of the union.

The timeline is shown only on the resident's page, behind the need-to-know gate; a provider
still decides what *this* user may read: `shown_to` leaves a whole kind out for a role (its
filter box too), and the provider's query may narrow further with `user`. Fields marked
sensitive (key safety information) never go into a timeline entry.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DateTimeField,
    Expression,
    F,
    Func,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, NullIf

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User

PER_PAGE = 20
PAGE_PARAMETER = "timeline_page"
MAX_PAGE = 10**9  # more pages than any resident's timeline will ever have

# The columns of every provider's rows, in this order (a UNION matches columns by position).
# Prefixed so that they never clash with a model's own field names.
_COLUMNS = {
    "at": "timeline_at",
    "title": "timeline_title",
    "text": "timeline_text",
    "actor": "timeline_actor",
    "object_id": "timeline_object_id",
}
_KIND = "timeline_kind"


@dataclass(frozen=True)
class Entry:
    """One line of the timeline, as the template shows it."""

    at: datetime
    kind: str
    label: str  # the kind's label: "Consent"
    title: str
    text: str
    actor: str  # who did it ("" if nobody in particular)
    object_id: int | None  # the row it comes from (or what `link` needs)
    link: str  # "" for none


# A provider: the resident's entries of one kind for this user, as one query shaped by `rows`
# (or a few, when one row makes more than one entry: added, then removed), or None.
Query = Callable[[int, "User"], "QuerySet[Any] | Sequence[QuerySet[Any]] | None"]


@dataclass(frozen=True)
class Provider:
    kind: str
    label: str
    query: Query
    shown_to: Callable[[User], bool]
    link: Callable[[Entry], str] | None


_providers: dict[str, Provider] = {}


def _everyone(user: User) -> bool:
    return True


def register_provider(
    kind: str,
    label: str,
    query: Query,
    *,
    shown_to: Callable[[User], bool] = _everyone,
    link: Callable[[Entry], str] | None = None,
) -> None:
    """Add a kind of timeline entry (call from an app's AppConfig.ready).

    `kind` is a short unique name (it is the filter's value in the address: `?kind=story`),
    `label` what the filter and each entry call it. `query(resident_id, user)` returns the
    resident's entries as `rows(...)` shapes them (a list of those, or None for nothing).
    `shown_to(user)` (a role check, no query) leaves the kind out for those it is False for.
    `link(entry)` gives the address an entry links to, if any (no query: it has the entry's
    `object_id`).
    """
    provider = Provider(kind=kind, label=label, query=query, shown_to=shown_to, link=link)
    existing = _providers.get(kind)
    if existing is not None and existing != provider:
        raise ImproperlyConfigured(f"Timeline kind {kind!r} is already registered.")
    _providers[kind] = provider


def unregister_provider(kind: str) -> None:
    """Take a kind away again (for tests)."""
    _providers.pop(kind, None)


def providers_for(user: User) -> list[Provider]:
    """The kinds of entry this user is shown, in the order they were registered."""
    return [provider for provider in _providers.values() if provider.shown_to(user)]


# --- Shaping a provider's rows ---------------------------------------------------------------


def _text(value: Combinable | str | None) -> Expression:
    if value is None:
        return Value("", output_field=TextField())
    if isinstance(value, str):
        return Value(value, output_field=TextField())
    return Cast(value, TextField())


def rows(
    queryset: QuerySet[Any],
    *,
    at: Combinable,
    title: Combinable | str,
    text: Combinable | str | None = None,
    actor: Combinable | str | None = None,
    object_id: Combinable | None = None,
) -> QuerySet[Any]:
    """A provider's entries in the timeline's shape, one row per entry of `queryset`:
    when it happened (`at`, a date and time), a short `title`, an optional `text` and who
    did it (`actor`: see `person`), and the id a `link` needs (default: the row's own)."""
    return queryset.values(
        **{
            _COLUMNS["at"]: Cast(at, DateTimeField()),
            _COLUMNS["title"]: _text(title),
            _COLUMNS["text"]: _text(text),
            _COLUMNS["actor"]: _text(actor),
            _COLUMNS["object_id"]: Cast(
                object_id if object_id is not None else F("pk"), BigIntegerField()
            ),
        }
    )


def person(field: str) -> Expression:
    """Who a user foreign key names, as the product writes it: their full name, else their
    e-mail address ("" if the field is empty)."""
    name = NullIf(F(f"{field}__full_name"), Value(""))
    return Coalesce(name, F(f"{field}__email"), Value(""), output_field=CharField())


def day(expression: Combinable | str) -> Expression:
    """A date written out in SQL the way pages write it: "3 March 2025"."""
    value = F(expression) if isinstance(expression, str) else expression
    return Func(value, Value("FMDD FMMonth YYYY"), function="to_char", output_field=TextField())


def choice_label(field: str, choices: Collection[tuple[str, Any]], default: str = "") -> Case:
    """A choice field's label, in SQL ("about_me" → "About me")."""
    return Case(
        *(When(**{field: value}, then=Value(str(label))) for value, label in choices),
        default=Value(default),
        output_field=TextField(),
    )


# --- Reading a page --------------------------------------------------------------------------


def entries(*, resident_id: int, user: User, kinds: Collection[str] = ()) -> QuerySet[Any] | None:
    """Every entry this user is shown about the resident (of `kinds`, if any are given), as
    one query: the providers' rows in a UNION ALL, newest first. None if no provider has any.
    """
    queries = []
    for provider in providers_for(user):
        if kinds and provider.kind not in kinds:
            continue
        found = provider.query(resident_id, user)
        kind = Value(provider.kind, output_field=TextField())
        for query in [found] if isinstance(found, QuerySet) else found or []:
            queries.append(query.order_by().values(*_COLUMNS.values(), **{_KIND: kind}))
    if not queries:
        return None
    first, *others = queries
    union = first.union(*others, all=True) if others else first
    return union.order_by(f"-{_COLUMNS['at']}", _KIND, f"-{_COLUMNS['object_id']}")


def page(
    *,
    resident_id: int,
    user: User,
    kinds: Collection[str] = (),
    number: int | str | None = None,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of the resident's timeline (the first for anything that is not a page
    number, the last for a number past it), its entries as `Entry`: one query (more only for
    a number past the last page)."""
    found = entries(resident_id=resident_id, user=user, kinds=kinds)
    rows: Any = [] if found is None else _Compiled(found, per_page=per_page, number=number)
    paginator: Paginator[Any] = Paginator(rows, per_page)
    result = paginator.get_page(number)
    by_kind = {provider.kind: provider for provider in _providers.values()}
    result.object_list = [_entry(row, by_kind[row[_KIND]]) for row in result.object_list]
    return result


class _Compiled:
    """The union, compiled to SQL once (compiling a union of many providers' expressions is
    most of a page's cost, not running it), newest first. What a paginator asks of it, its
    count() and then a slice, is one query: the page asked for, read with the number of all
    the entries beside each row (a window count). A number past the last page costs a COUNT
    more, and then the last page."""

    ORDER = f'ORDER BY "{_COLUMNS["at"]}" DESC, "{_KIND}", "{_COLUMNS["object_id"]}" DESC'

    def __init__(self, union: QuerySet[Any], *, per_page: int, number: int | str | None) -> None:
        self.sql, self.params = union.order_by().query.sql_with_params()
        self.connection = connections[union.db]
        self.per_page = per_page
        self.start = (_page_number(number) - 1) * per_page  # where the page asked for starts
        self.rows: list[dict[str, Any]] | None = None  # that page's rows, once read
        self.total: int | None = None

    def _fetch(self, sql: str, params: Sequence[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [column.name for column in cursor.description], cursor.fetchall()

    def count(self) -> int:
        if self.total is None:
            names, found = self._fetch(
                f"SELECT *, COUNT(*) OVER () FROM ({self.sql}) AS entries {self.ORDER}"
                " LIMIT %s OFFSET %s",
                (*self.params, self.per_page, self.start),
            )
            self.rows = [dict(zip(names[:-1], row[:-1], strict=True)) for row in found]
            if found:
                self.total = int(found[0][-1])
            elif self.start == 0:
                self.total = 0
            else:  # past the last page: the paginator asks for the last one instead
                _, [(total,)] = self._fetch(
                    f"SELECT COUNT(*) FROM ({self.sql}) AS entries", self.params
                )
                self.total = int(total)
        return self.total

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        start, stop = window.start or 0, window.stop
        if self.total is not None and start >= self.total:
            return []
        if self.rows is not None and start == self.start and stop - start <= self.per_page:
            return self.rows[: stop - start]
        names, found = self._fetch(
            f"SELECT * FROM ({self.sql}) AS entries {self.ORDER} LIMIT %s OFFSET %s",
            (*self.params, stop - start, start),
        )
        return [dict(zip(names, row, strict=True)) for row in found]


def _page_number(number: int | str | None) -> int:
    """The page a paginator's get_page(number) shows, if it is not past the last (a number
    beyond any timeline is kept within what the database's OFFSET takes)."""
    try:
        return min(max(int(cast(Any, number)), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _entry(row: dict[str, Any], provider: Provider) -> Entry:
    entry = Entry(
        at=row[_COLUMNS["at"]],
        kind=provider.kind,
        label=provider.label,
        title=row[_COLUMNS["title"]] or "",
        text=row[_COLUMNS["text"]] or "",
        actor=row[_COLUMNS["actor"]] or "",
        object_id=row[_COLUMNS["object_id"]],
        link="",
    )
    return entry if provider.link is None else replace(entry, link=provider.link(entry))


# --- The filter ------------------------------------------------------------------------------


class FilterForm(forms.Form):
    """Which kinds of entry to show (none ticked: every kind). Works without JavaScript: a
    GET form whose choices are the kinds this user is shown."""

    kind = forms.MultipleChoiceField(
        label="Show only",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the kinds of entry listed."},
    )

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data, auto_id="timeline-%s")
        field = self.fields["kind"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(provider.kind, provider.label) for provider in providers_for(user)]

    def kinds(self) -> list[str]:
        """The kinds chosen (every kind when the choice is not valid: the error says so)."""
        return self.cleaned_data["kind"] if self.is_valid() else []
