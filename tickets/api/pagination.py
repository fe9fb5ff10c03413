"""The API's adapter over the ticket lists' keyset pagination (tickets.pagination)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .. import policies, selectors
from ..pagination import DEFAULT_ORDERING, ORDERINGS, SLA_ORDERINGS


class TicketCursorPagination(BasePagination):
    page_size = 25
    max_page_size = 100
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        ordering = request.query_params.get(self.ordering_query_param)
        if ordering in SLA_ORDERINGS and not policies.can_see_internal(request.user):
            ordering = None
        try:
            self.page = selectors.ticket_page(
                queryset,
                ordering=ordering,
                size=self._page_size(request),
                cursor=request.query_params.get(self.cursor_query_param) or None,
                tags=policies.can_see_internal(request.user),
                viewer=request.user,  # `merged_into`, without a query per row
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return self.page.rows

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_next_link(self):
        return self._link(self.page.next_cursor)

    def get_previous_link(self):
        if not self.page.has_previous:
            return None
        if not self.page.rows:
            url = self.request.build_absolute_uri()
            return remove_query_param(url, self.cursor_query_param)
        return self._link(self.page.previous_cursor)

    def _link(self, cursor):
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = serializers.IntegerField(min_value=1).run_validation(raw)
        except ValidationError:
            raise ValidationError(
                {self.page_size_query_param: [_("Give a whole number from 1.")]}
            ) from None
        return min(size, self.max_page_size)

    # --- OpenAPI ---------------------------------------------------------------------

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {self.page_size}, "
                f"at most {self.max_page_size}).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                },
            },
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": "Sort order; `priority` sorts by severity "
                "(low < medium < high < urgent). Ties are broken by id.",
                "schema": {
                    "type": "string",
                    "enum": list(ORDERINGS),
                    "default": DEFAULT_ORDERING,
                },
            },
        ]

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    **link,
                    "example": "http://desk.example.ac.kr/api/tickets?cursor=eyJvIjo",
                },
                "previous": {**link, "example": None},
                "results": schema,
            },
        }
