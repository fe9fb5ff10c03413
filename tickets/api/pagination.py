"""Keyset (cursor) pagination over a stable order with the id as tie-breaker.

DRF's CursorPagination keeps only the first ordering key in its cursor and
counts an offset through ties, which grows with depth when many rows share a
value (ordering by priority). Here the cursor holds every key of the row it
stops at, so each page is one indexed range query whatever its depth.
"""

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ..selectors import DEFAULT_TICKET_ORDERING, TICKET_ORDERINGS

DATETIME_KEYS = {"created_at", "updated_at"}


def _flip(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


def _after(keys, values) -> Q:
    """Rows strictly after `values` in the order `keys`."""
    condition = Q()
    for index, key in enumerate(keys):
        name = key.lstrip("-")
        lookup = "lt" if key.startswith("-") else "gt"
        step = Q(**{f"{name}__{lookup}": values[index]})
        for earlier_key, earlier_value in zip(keys[:index], values, strict=False):
            step &= Q(**{earlier_key.lstrip("-"): earlier_value})
        condition |= step
    return condition


class TicketCursorPagination(BasePagination):
    page_size = 25
    max_page_size = 100
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"
    orderings = TICKET_ORDERINGS
    default_ordering = DEFAULT_TICKET_ORDERING

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self._page_size(request)
        self.ordering = self._ordering(request)
        keys = self.orderings[self.ordering]
        position, backwards = self._decode_cursor(request, keys)
        order = [_flip(key) for key in keys] if backwards else list(keys)
        queryset = queryset.order_by(*order)
        if position is not None:
            queryset = queryset.filter(_after(order, position))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, position is not None
        self.rows = rows
        return rows

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_next_link(self):
        if not (self.has_next and self.rows):
            return None
        return self._link(self.rows[-1], backwards=False)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if not self.rows:
            url = self.request.build_absolute_uri()
            return remove_query_param(url, self.cursor_query_param)
        return self._link(self.rows[0], backwards=True)

    # --- the cursor ---------------------------------------------------------------

    def _link(self, row, *, backwards: bool) -> str:
        keys = self.orderings[self.ordering]
        values = [self._dump(getattr(row, key.lstrip("-"))) for key in keys]
        payload = json.dumps({"o": self.ordering, "v": values, "b": backwards})
        cursor = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    @staticmethod
    def _dump(value):
        return value.isoformat() if isinstance(value, datetime) else value

    def _decode_cursor(self, request, keys):
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None, False
        try:
            padded = encoded + "=" * (-len(encoded) % 4)
            payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
            if payload["o"] != self.ordering or len(payload["v"]) != len(keys):
                raise ValueError("cursor of another ordering")
            values = [
                self._load(key, value)
                for key, value in zip(keys, payload["v"], strict=True)
            ]
            return values, bool(payload["b"])
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
            raise ValidationError(
                {self.cursor_query_param: [_("Invalid cursor.")]}
            ) from None

    @staticmethod
    def _load(key: str, value):
        name = key.lstrip("-")
        if name in DATETIME_KEYS:
            parsed = parse_datetime(value) if isinstance(value, str) else None
            if parsed is None or parsed.tzinfo is None:
                raise ValueError(value)
            return parsed
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(value)
        if not -(2**63) <= value < 2**63:
            raise ValueError(value)
        return value

    # --- query parameters -----------------------------------------------------------

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("Give a whole number from 1.")]}
            )
        return min(int(raw), self.max_page_size)

    def _ordering(self, request) -> str:
        value = (
            request.query_params.get(self.ordering_query_param) or self.default_ordering
        )
        if value not in self.orderings:
            choices = ", ".join(self.orderings)
            raise ValidationError(
                {
                    self.ordering_query_param: [
                        _("Unknown ordering “%(value)s”; use one of: %(choices)s.")
                        % {"value": value, "choices": choices}
                    ]
                }
            )
        return value

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
                    "enum": list(self.orderings),
                    "default": self.default_ordering,
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
