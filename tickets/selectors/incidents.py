"""Reads of outage notices (incidents): the banner, the staff list, one notice.

Open notices are public to everyone signed in; resolved ones, the linked
tickets and who opened them are the IT team's. A ticket shows the title and
status of its own notice, resolved or not, to whoever sees the ticket
(`ticket_incident`).
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.roles import is_staff_member

from ..models import OPEN_INCIDENT_STATUSES, Incident, IncidentSubscriber, Ticket


def _count_of(queryset: QuerySet, field: str):
    """The number of `queryset` rows whose `field` is the outer notice."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(queryset: QuerySet, *, user) -> QuerySet:
    """Annotate `affected` ("나도 같은 문제" presses) and `affected_by_me`; staff
    also get `linked` (tickets linked)."""
    queryset = queryset.annotate(
        affected=_count_of(IncidentSubscriber.objects.all(), "incident"),
        affected_by_me=Exists(
            IncidentSubscriber.objects.filter(incident=OuterRef("pk"), user=user.pk)
        ),
    )
    if is_staff_member(user):
        queryset = queryset.annotate(linked=_count_of(Ticket.objects.all(), "incident"))
    return queryset


def incident_open_list(*, user) -> QuerySet:
    """The open notices, newest first, with their counts (one query)."""
    return with_counts(
        Incident.objects.filter(status__in=OPEN_INCIDENT_STATUSES)
        .select_related("category")
        .order_by("-created_at", "-id"),
        user=user,
    )


def incident_list(*, user) -> QuerySet:
    """Every notice the user may see: all for staff, the open ones otherwise."""
    if not is_staff_member(user):
        return incident_open_list(user=user)
    return with_counts(
        Incident.objects.select_related("category", "created_by").order_by(
            "-created_at", "-id"
        ),
        user=user,
    )


def incident_get(*, user, pk) -> Incident:
    """One notice the user may see (with its counts), or Http404."""
    return get_object_or_404(incident_list(user=user), pk=pk)


def incident_banner(*, user) -> list[dict]:
    """The banner's rows: plain values, so the versioned cache can keep them."""
    return [
        {
            "id": incident.pk,
            "title": incident.title,
            "message": incident.message,
            "status": incident.status,
            "status_label": incident.get_status_display(),
            "category": incident.category.name if incident.category else "",
            "locations": incident.locations,
            "affected": incident.affected,
            "affected_by_me": incident.affected_by_me,
        }
        for incident in incident_open_list(user=user)
    ]


def incident_tickets(*, incident: Incident, user) -> QuerySet:
    """The tickets linked to a notice (staff's detail page)."""
    return (
        Ticket.objects.visible_to(user)
        .filter(incident=incident)
        .select_related("requester", "assignee", "category")
        .order_by("pk")
    )


# What a ticket shows of its notice (the ticket page's box, the API's `incident`).
TICKET_INCIDENT_FIELDS = ("id", "title", "status")


def ticket_incident(*, ticket: Ticket) -> Incident | None:
    """The notice a ticket (one the caller may see) is linked to, or None.

    No query for a ticket on no notice; else one, of the few columns shown.
    Anyone who sees the ticket may see its notice's title and status.
    """
    if not ticket.incident_id:
        return None
    return (
        Incident.objects.only(*TICKET_INCIDENT_FIELDS)
        .filter(pk=ticket.incident_id)
        .first()
    )
