"""Saved views: queue filters saved under a name, the owner's own or shared.

The queue shows them as tabs inside its cached fragment, so every change here
moves the data version in its transaction (tickets/cache.py).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .. import filters as ticket_filters
from .. import policies
from ..models import SavedView
from ..pagination import DEFAULT_ORDERING, ORDERINGS
from . import counters
from ._common import UNSET, field_error, write

MAX_SAVED_VIEWS = 30  # per owner


def saved_view_query_normalize(*, user, query) -> str:
    """The queue's query string as its filter form reads it, in one spelling.

    Only the filters and the order are kept (not the cursor or the page
    size); a filter at its default is left out, and the queue's default
    status ("open") is written out. A bad value is a ValidationError on
    `query`, with the filter form's message.
    """
    data = QueryDict(query) if isinstance(query, str) else query
    data = data.copy()
    if not data.get("status"):
        data["status"] = ticket_filters.OPEN
    filterset = ticket_filters.TicketFilter(data, user=user)
    if not filterset.is_valid():
        messages = [m for errors in filterset.errors.values() for m in errors]
        raise field_error("query", " ".join(messages), "invalid_filters")
    pairs = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ",".join(value)
        pairs.append((name, str(value)))
    ordering = data.get("ordering") or DEFAULT_ORDERING
    if ordering not in ORDERINGS:
        raise field_error(
            "query",
            _("Unknown ordering “%(value)s”.") % {"value": ordering},
            "invalid_filters",
        )
    if ordering != DEFAULT_ORDERING:
        pairs.append(("ordering", ordering))
    query = urlencode(pairs)
    if len(query) > SavedView.MAX_QUERY_LENGTH:
        raise field_error("query", _("These filters are too long to save."), "long")
    return query


def _clean_name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise field_error("name", _("Give the view a name."), "required")
    if len(name) > SavedView._meta.get_field("name").max_length:
        raise field_error(
            "name", _("A view's name can be at most 60 characters long."), "long"
        )
    return name


def _check_unique(owner, name, *, exclude=None) -> None:
    taken = SavedView.objects.filter(owner=owner, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise field_error(
            "name",
            _("You already have a view called “%(name)s”.") % {"name": name},
            "duplicate",
        )


@write
def saved_view_create(*, by, name: str, query, shared: bool = False) -> SavedView:
    """Save the queue's current filters (`query`) as a view of `by`'s."""
    if not policies.can_use_saved_views(by):
        raise PermissionDenied(_("Saved views are for IT staff."))
    name = _clean_name(name)
    errors = {}
    try:
        query = saved_view_query_normalize(user=by, query=query)
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        _check_unique(by, name)
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    own = SavedView.objects.filter(owner=by)
    if own.count() >= MAX_SAVED_VIEWS:
        raise ValidationError(
            _("You can keep at most %(limit)s views; delete one first."),
            code="too_many",
            params={"limit": MAX_SAVED_VIEWS},
        )
    last = own.aggregate(last=Max("position"))["last"]
    counters.touch()
    return SavedView.objects.create(
        owner=by,
        name=name,
        query=query,
        shared=bool(shared),
        position=0 if last is None else last + 1,
    )


def _check_change(by, view: SavedView) -> None:
    if not policies.can_change_saved_view(by, view):
        raise PermissionDenied(
            _("Only its owner (or an admin, for a shared view) can change this view.")
        )


@write
def saved_view_update(
    *, view: SavedView, by, name=UNSET, shared=UNSET, query=UNSET
) -> SavedView:
    """Rename a view, share or unshare it, or give it new filters."""
    _check_change(by, view)
    fields = []
    if name is not UNSET:
        view.name = _clean_name(name)
        _check_unique(view.owner_id, view.name, exclude=view)
        fields.append("name")
    if shared is not UNSET:
        view.shared = bool(shared)
        fields.append("shared")
    if query is not UNSET:
        view.query = saved_view_query_normalize(user=by, query=query)
        fields.append("query")
    if fields:
        counters.touch()
        view.save(update_fields=fields)
    return view


@write
def saved_view_delete(*, view: SavedView, by) -> None:
    _check_change(by, view)
    counters.touch()
    view.delete()
