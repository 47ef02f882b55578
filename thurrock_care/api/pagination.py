"""Pages of API lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

if TYPE_CHECKING:
    from rest_framework.views import APIView


class Pagination(PageNumberPagination):
    """`?page=N`, 50 to a page. A page that is not a whole number from 1 is a 400; one past the
    last is a 404."""

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 10**9):
            raise ValidationError({self.page_query_param: ["Give a page number: 1, 2, 3…"]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound(f"There is no page {raw}.") from None

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 10**9}
        return parameters
