"""Keyset (cursor) pagination of ticket lists, for the pages and the API.

Each ordering is a stable order that ends with the id, and a cursor holds the
values of every key at the row where a page ended. The next page is then one
indexed range query with a LIMIT, whatever its depth; an offset would grow
with it, and DRF's CursorPagination keeps only the first key and counts
through ties.

A page's ids are read from the filtered tickets alone and its rows after that,
with their category and people joined (`rows_of`): with the joins in the same
query PostgreSQL may join and sort every matching ticket before the LIMIT.
"""

from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

# `ordering` values a list accepts, each with the id as the last key.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "-updated_at": ("-updated_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "-priority": ("-priority_rank", "-updated_at", "-id"),
    "priority": ("priority_rank", "-updated_at", "-id"),
    # Resolution due time (`sla_due_sort`: no due time, i.e. paused or
    # stopped, sorts after every due time instead of as null).
    "resolution_due_at": ("sla_due_sort", "id"),
    "-resolution_due_at": ("-sla_due_sort", "-id"),
}
# Orders that reveal service-level details, which are internal: for other
# viewers the list keeps its default order (tickets.policies.can_see_internal).
SLA_ORDERINGS = frozenset({"resolution_due_at", "-resolution_due_at"})
DEFAULT_ORDERING = "-updated_at"
ORDERING_CHOICES = [
    ("-updated_at", _("Recently updated")),
    ("updated_at", _("Least recently updated")),
    ("-created_at", _("Newest first")),
    ("created_at", _("Oldest first")),
    ("-priority", _("Highest priority")),
    ("priority", _("Lowest priority")),
]
# Staff lists only (SLA_ORDERINGS).
SLA_ORDERING_CHOICES = [
    ("resolution_due_at", _("Due first")),
    ("-resolution_due_at", _("Due last")),
]
_DATETIME_KEYS = {"created_at", "updated_at", "sla_due_sort"}
_SALT = "tickets.pagination.cursor"


@dataclass
class Page:
    rows: list
    ordering: str
    next_cursor: str | None = None
    previous_cursor: str | None = None
    has_previous: bool = False
    errors: list = field(default_factory=list)


def check_ordering(ordering: str | None) -> str:
    ordering = ordering or DEFAULT_ORDERING
    if ordering not in ORDERINGS:
        raise ValidationError(
            {
                "ordering": ValidationError(
                    _("Unknown ordering “%(value)s”; use one of: %(choices)s."),
                    code="invalid_choice",
                    params={"value": ordering, "choices": ", ".join(ORDERINGS)},
                )
            }
        )
    return ordering


def encode_cursor(row, *, ordering: str, backwards: bool) -> str:
    """A signed position after (or, backwards, before) `row` in `ordering`."""
    values = []
    for key in ORDERINGS[ordering]:
        value = getattr(row, key.lstrip("-"))
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    return signing.dumps({"o": ordering, "v": values, "b": backwards}, salt=_SALT)


def decode_cursor(cursor: str, *, ordering: str) -> tuple[list, bool]:
    """(position, backwards) from `encode_cursor`, or ValidationError."""
    invalid = ValidationError(
        {
            "cursor": ValidationError(
                _("That page link is no longer valid."), code="cursor"
            )
        }
    )
    try:
        payload = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature:
        raise invalid from None
    keys = ORDERINGS[ordering]
    if not isinstance(payload, dict) or payload.get("o") != ordering:
        raise invalid
    values = payload.get("v")
    if not isinstance(values, list) or len(values) != len(keys):
        raise invalid
    position = []
    for key, value in zip(keys, values, strict=True):
        if key.lstrip("-") in _DATETIME_KEYS:
            value = parse_datetime(value) if isinstance(value, str) else None
            if value is None:
                raise invalid
        position.append(value)
    return position, bool(payload.get("b"))


def _after(keys, values) -> Q:
    """Rows strictly after `values` in the order `keys`."""
    condition = Q()
    equal_so_far = Q()
    for key, value in zip(keys, values, strict=True):
        name = key.lstrip("-")
        beyond = "lt" if key.startswith("-") else "gt"
        condition |= equal_so_far & Q(**{f"{name}__{beyond}": value})
        equal_so_far &= Q(**{name: value})
    return condition


def _flip(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


def _custom_plans(using: str) -> None:
    """Plan this transaction's statements for their own values.

    psycopg prepares a statement a connection runs often, and PostgreSQL may
    then switch it to a generic plan made without the values. For a list that
    plan is blind to what decides it: a status with ten tickets or fifty
    thousand, a rare search word or a common one, a two-letter word that the
    trigram index cannot serve at all.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")


def paginate(
    queryset: QuerySet,
    *,
    rows_of,
    ordering: str | None = None,
    size: int,
    cursor: str | None = None,
) -> Page:
    """One page of `queryset`; `rows_of(ids, keys)` reads the page's rows in order.

    Raises ValidationError for an unknown ordering or a cursor that is not ours.
    """
    ordering = check_ordering(ordering)
    keys = ORDERINGS[ordering]
    position, backwards = (
        decode_cursor(cursor, ordering=ordering) if cursor else (None, False)
    )
    order = tuple(_flip(key) for key in keys) if backwards else keys
    queryset = queryset.order_by(*order)
    if position is not None:
        queryset = queryset.filter(_after(order, position))
    with transaction.atomic(using=queryset.db):
        _custom_plans(queryset.db)
        ids = list(queryset.values_list("pk", flat=True)[: size + 1])
    more = len(ids) > size
    rows = list(rows_of(ids[:size], order)) if ids else []
    if backwards:
        rows.reverse()
    has_next = True if backwards else more
    has_previous = more if backwards else position is not None
    page = Page(rows=rows, ordering=ordering, has_previous=has_previous)
    if rows and has_next:
        page.next_cursor = encode_cursor(rows[-1], ordering=ordering, backwards=False)
    if rows and has_previous:
        page.previous_cursor = encode_cursor(rows[0], ordering=ordering, backwards=True)
    return page
