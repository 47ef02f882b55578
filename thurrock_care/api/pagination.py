"""Pages of API lists: cursors (keyset pagination), never page numbers or counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib import parse

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

UNIQUE_LAST = (["id"], ["-id"], ["pk"], ["-pk"])


class Pagination(CursorPagination):
    """50 to a page, in the order the view's queryset declares (which must end with its id, so
    that it is unique); `next` and `previous` carry an opaque `cursor`. A page is read from
    where the last one stopped (`WHERE first_key < last seen … ORDER BY … LIMIT 51`, through
    the index of that order): nothing is counted and no earlier row is read, however deep the
    page. Rows tied on the first key are told apart by the id, as DRF's CursorPagination does.

    A cursor that is not one we gave (tampered, truncated, not ASCII) is a 400; so is `?page=`,
    so that a client written for page numbers does not read page 1 forever.
    """

    invalid_cursor_message = (
        "This cursor is not one we gave: follow the `next` and `previous` links as they are."
    )
    page_query_param = "page"

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        if self.page_query_param in request.query_params:
            raise ValidationError(
                {
                    self.page_query_param: [
                        "Lists have no page numbers: follow the `next` link (its `cursor`) "
                        "to the following page."
                    ]
                }
            )
        if not isinstance(queryset, QuerySet):
            # Already cut to one page (the residents' search: its best 50): that is all.
            self.base_url = request.build_absolute_uri()
            self.has_next = self.has_previous = False
            self.cursor = None
            if request.query_params.get(self.cursor_query_param) is not None:
                raise self._invalid_cursor()
            return list(queryset)
        self._queryset = queryset
        return super().paginate_queryset(queryset, request, view)

    def get_ordering(
        self, request: Request, queryset: QuerySet, view: APIView | None
    ) -> tuple[str, ...]:
        """The order the view gave its queryset: one source of truth for each list."""
        ordering = [field for field in queryset.query.order_by if isinstance(field, str)]
        if len(ordering) != len(queryset.query.order_by) or ordering[-1:] not in UNIQUE_LAST:
            raise AssertionError(f"{view}: a list is ordered by fields ending with its id")
        if "__" in ordering[0]:
            raise AssertionError(f"{view}: a list's first order key is a field of its own")
        return tuple(ordering)

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise self._invalid_cursor() from None
        if cursor is None:
            return None
        # Only what encode_cursor would have written (DRF's decoding forgives junk and clips
        # the offset), with a position its field can hold.
        if self._token(cursor) != request.query_params[self.cursor_query_param]:
            raise self._invalid_cursor()
        if cursor.position is not None:
            if "\x00" in str(cursor.position):
                raise self._invalid_cursor()
            try:
                self._first_field().to_python(cursor.position)
            except (DjangoValidationError, ValueError, TypeError, OverflowError):
                raise self._invalid_cursor() from None
        return cursor

    def _token(self, cursor: Cursor) -> str:
        """The cursor's value as encode_cursor writes it into a link."""
        link = parse.urlsplit(self.encode_cursor(cursor))
        return parse.parse_qs(link.query, keep_blank_values=True)[self.cursor_query_param][0]

    def _first_field(self) -> Field:
        name = self.ordering[0].lstrip("-")
        annotation = self._queryset.query.annotations.get(name)
        if annotation is not None:
            return annotation.output_field
        meta = self._queryset.model._meta
        return meta.pk if name == "pk" else meta.get_field(name)

    def _invalid_cursor(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["next", "previous", "results"]
        paginated["description"] = (
            "One page of at most 50, in the list's order. `next` and `previous` are the "
            "addresses of the pages either side (null at either end). There is no count."
        )
        return paginated

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.cursor_query_param:
                parameter["description"] = (
                    "Where the page starts: leave it out for the first page, then follow the "
                    "`next` (or `previous`) link as it is. The value is opaque."
                )
        return parameters
