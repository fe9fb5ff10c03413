"""Outage notices (incidents): open, update, link tickets, "나도 같은 문제", resolve.

Every change checks the policy and runs in a transaction that also moves the
data version (`counters.touch`), so the portal's cached banner
(`tickets.templatetags.incidents_ui`) and the ticket pages are never stale.
Linking a ticket, or taking it off its notice, is a change of the ticket: a
public history entry (requesters see the notice's title, which the banner
shows everyone anyway) and a new `version`, but no notification (DESIGN.md,
"Notifications", tells nobody of it). Resolving answers and
resolves every linked open ticket through the ticket services, a transaction
each, so each gets its history and one notification, as if an agent had
pressed "send and mark resolved" on it.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import services as notification_services

from .. import policies
from ..models import (
    Category,
    EventKind,
    Incident,
    IncidentStatus,
    IncidentSubscriber,
    Status,
    Ticket,
    TicketEvent,
)
from . import counters
from ._common import (
    UNSET,
    check_version,
    check_visible,
    clip,
    field_error,
    lock,
    record,
    save,
    validate_category,
    write,
)
from .tickets import ticket_reply_and_status_change

FINISHED_TICKET_STATUSES = (Status.RESOLVED, Status.CLOSED)

logger = logging.getLogger(__name__)


class _Default:
    def __repr__(self):
        return "DEFAULT"


DEFAULT = _Default()
"""`incident_resolve`'s `limit` when the caller leaves it to the setting."""


def _check_staff(by) -> None:
    if not policies.can_manage_incidents(by):
        raise PermissionDenied(_("Only IT staff can manage outage notices."))


def _lock(incident: Incident) -> Incident:
    counters.touch()
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _check_open(incident: Incident) -> None:
    if not incident.is_open:
        raise field_error(
            "status",
            _("This outage notice is resolved and can no longer change."),
            "incident_resolved",
        )


@write
def incident_create(
    *,
    by,
    title: str,
    message: str = "",
    category: Category | None = None,
    locations: str = "",
    status: str = IncidentStatus.INVESTIGATING,
) -> Incident:
    """Open an outage notice (staff); it shows on the portal at once."""
    _check_staff(by)
    if category is not None:
        validate_category(category)
    if status not in (IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED):
        raise field_error(
            "status",
            _("A new outage notice is investigating or identified."),
            "invalid_choice",
        )
    counters.touch()
    incident = Incident(
        title=(title or "").strip(),
        message=(message or "").strip(),
        category=category,
        locations=(locations or "").strip(),
        status=status,
        created_by=by,
    )
    incident.full_clean(exclude=["category", "created_by"])
    incident.save()
    return incident


@write
def incident_update(
    *,
    incident: Incident,
    by,
    title=UNSET,
    message=UNSET,
    category=UNSET,
    locations=UNSET,
    status=UNSET,
) -> Incident:
    """Change an open notice's text or move it between investigating and identified.

    Resolving is `incident_resolve`, which also answers the linked tickets.
    """
    _check_staff(by)
    incident = _lock(incident)
    _check_open(incident)
    if status is not UNSET and status not in (
        IncidentStatus.INVESTIGATING,
        IncidentStatus.IDENTIFIED,
    ):
        raise field_error(
            "status",
            _("Resolve the outage notice with a message to the affected people."),
            "invalid_choice",
        )
    if category:
        validate_category(category)
    values = {
        "title": title,
        "message": message,
        "locations": locations,
        "status": status,
    }
    for name, value in values.items():
        if value is not UNSET:
            setattr(incident, name, (value or "").strip())
    if category is not UNSET:
        incident.category = category
    incident.full_clean(exclude=["category", "created_by"])
    incident.save()
    return incident


@write
def incident_subscribe(*, incident: Incident, by) -> IncidentSubscriber:
    """ "나도 같은 문제": count `by` as affected; they are told when it is fixed.

    Pressing it again changes nothing.
    """
    if not policies.can_see_incidents(by):
        raise PermissionDenied(_("Sign in to report that you are affected."))
    incident = _lock(incident)
    _check_open(incident)
    subscriber, _created = IncidentSubscriber.objects.get_or_create(
        incident=incident, user=by
    )
    return subscriber


@write
def incident_link_tickets(*, incident: Incident, by, ticket_ids) -> int:
    """Link open tickets to the notice (staff); return how many were newly linked.

    All or nothing: an unknown id, a resolved or closed ticket, or one linked
    to another notice refuses the whole request with a message naming it.
    Tickets already linked to this notice stay as they are; each newly linked
    one gets a public history entry and a new `version` (`_link`).
    """
    _check_staff(by)
    incident = _lock(incident)
    _check_open(incident)
    ids = sorted({int(pk) for pk in ticket_ids})
    if not ids:
        raise field_error("tickets", _("Choose at least one ticket."), "required")
    tickets = list(
        Ticket.objects.visible_to(by)
        .filter(pk__in=ids)
        .select_for_update(of=("self",))
        .select_related("incident")
        .only("pk", "status", "incident__title")
        .order_by("pk")
    )
    problems = _link_problems(incident, ids, tickets)
    if problems:
        raise field_error("tickets", " ".join(problems), "invalid_ticket")
    new = [ticket.pk for ticket in tickets if ticket.incident_id != incident.pk]
    _link(new, incident=incident, by=by)
    return len(new)


def _link(ids: list[int], *, incident: Incident, by) -> None:
    """Link the (locked) tickets `ids`: what `save` and `record` do, in bulk.

    Two statements whatever the number of tickets (one UPDATE moving each
    row's `version` and `updated_at` as `save` does, one INSERT of the
    history entries), not two per ticket: a notice links hundreds. The rows
    are locked by the caller, so `version + 1` is every ticket's next one.
    """
    if not ids:
        return
    Ticket.objects.filter(pk__in=ids).update(
        incident=incident, version=F("version") + 1, updated_at=timezone.now()
    )
    TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket_id=pk,
            actor=by,
            kind=EventKind.INCIDENT_LINKED,
            field="incident",
            new_value=clip(incident.title),
        )
        for pk in ids
    )


@write
def incident_unlink_ticket(*, ticket: Ticket, by, version: int | None = None) -> Ticket:
    """Take one ticket off its outage notice (staff); return the ticket.

    Whatever the notice's status: a ticket still waiting for a resolved
    notice's answer is then left to a person. The ticket's public history
    says so (the notice's title), and its `version` moves; a stale `version`
    is refused (code "conflict"), a ticket on no notice too ("not_linked").
    """
    check_visible(by, ticket)
    if not policies.can_unlink_incident(by, ticket):
        raise PermissionDenied(_("Only IT staff can manage outage notices."))
    ticket = lock(ticket)
    check_version(ticket, version)
    if ticket.incident_id is None:
        raise field_error(
            "incident",
            _("%(ref)s is not linked to an outage notice.") % {"ref": ticket.reference},
            "not_linked",
        )
    title = Incident.objects.values_list("title", flat=True).get(pk=ticket.incident_id)
    ticket.incident = None
    record(
        ticket,
        kind=EventKind.INCIDENT_UNLINKED,
        by=by,
        field="incident",
        old=title,
    )
    return save(ticket, {"incident"})


def _link_problems(incident: Incident, ids: list[int], tickets: list) -> list[str]:
    found = {ticket.pk for ticket in tickets}
    problems = [
        _("No such ticket: %(id)s.") % {"id": pk} for pk in ids if pk not in found
    ]
    for ticket in tickets:
        if ticket.status in FINISHED_TICKET_STATUSES:
            problems.append(
                _("%(ref)s is %(status)s: only open tickets can be linked.")
                % {"ref": ticket.reference, "status": Status(ticket.status).label}
            )
        elif ticket.incident_id not in (None, incident.pk):
            problems.append(
                _("%(ref)s is already linked to “%(title)s”.")
                % {"ref": ticket.reference, "title": ticket.incident.title}
            )
    return problems


@dataclass
class Resolution:
    """What `incident_resolve` did: tickets answered, left alone, still waiting."""

    incident: Incident
    resolved: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    already_resolved: bool = False


def incident_resolve(
    *, incident: Incident, by, message: str, limit: int | None | _Default = DEFAULT
) -> Resolution:
    """Resolve the notice: one public reply to, and resolve, every linked ticket.

    First the notice itself, in one transaction: resolved (by `by`), its
    message kept, and the people who pressed "나도 같은 문제" told (in-app and
    e-mail). Then up to `limit` linked tickets (default
    `INCIDENTS_ANSWER_IN_REQUEST`; None: all) are answered here, each in a
    transaction of its own, through `ticket_reply_and_status_change`: the
    reply and the resolution in its history and one notification to its
    requester. The rest (`waiting`) are answered by the notifications
    worker's rounds (`incident_answer_round`), or by resolving again, which
    answers the next `limit`. 500 tickets are not one long transaction, and a
    request that dies half way loses nothing.

    A linked ticket is answered once: only while it is open and unchanged
    since the notice was resolved (a requester who reopened it since, or a
    ticket already resolved or closed, is left alone: `skipped`). So
    resolving a resolved notice tells nobody twice.
    """
    _check_staff(by)
    if limit is DEFAULT:
        limit = settings.INCIDENTS_ANSWER_IN_REQUEST
    incident, already = _incident_close(incident=incident, by=by, message=message)
    result = Resolution(incident=incident, already_resolved=already)
    waiting = []
    for pk, version, status, updated_at in incident.tickets.order_by("pk").values_list(
        "pk", "version", "status", "updated_at"
    ):
        if status in FINISHED_TICKET_STATUSES or updated_at >= incident.resolved_at:
            result.skipped.append(pk)
        else:
            waiting.append((pk, version))
    answer_now = waiting if limit is None else waiting[:limit]
    result.waiting = [pk for pk, _version in waiting[len(answer_now) :]]
    for pk, version in answer_now:
        if _linked_ticket_answer(
            Ticket(pk=pk), version=version, incident=incident, by=by
        ):
            result.resolved.append(pk)
        else:
            result.skipped.append(pk)
    result.skipped.sort()
    return result


@write
def _incident_close(*, incident: Incident, by, message: str) -> tuple[Incident, bool]:
    """Mark the notice resolved and tell its followers; (notice, was it already)."""
    incident = _lock(incident)
    if not incident.is_open:
        return incident, True
    message = (message or "").strip()
    if not message:
        raise field_error(
            "message", _("Write what was fixed for the affected people."), "required"
        )
    incident.status = IncidentStatus.RESOLVED
    incident.resolved_at = timezone.now()
    incident.resolved_by = by
    incident.resolution = message
    incident.save()
    notification_services.notify_incident_resolved(
        incident=incident,
        actor=by,
        users=[row.user for row in incident.subscribers.select_related("user")],
    )
    return incident, False


def _linked_ticket_answer(
    ticket: Ticket, *, version: int, incident: Incident, by
) -> bool:
    """Answer and resolve one linked ticket unless it changed since it was read.

    The caller read it open and unchanged since the notice was resolved, at
    `version`; the version check under the row lock refuses it (nothing
    written) if anyone changed it in between.
    """
    try:
        ticket_reply_and_status_change(
            ticket=ticket,
            by=by,
            body=incident.resolution,
            status=Status.RESOLVED,
            version=version,
        )
    except ValidationError as error:
        if getattr(error, "code", None) != "conflict":
            raise
        return False
    return True


def _waiting_tickets():
    """Linked tickets of resolved notices still to answer (open, unchanged since)."""
    return (
        Ticket.objects.filter(
            incident__status=IncidentStatus.RESOLVED,
            updated_at__lt=F("incident__resolved_at"),
        )
        .exclude(status__in=FINISHED_TICKET_STATUSES)
        .order_by("pk")
    )


def incident_answer_round(*, limit: int) -> int:
    """Answer up to `limit` waiting linked tickets of resolved notices (a worker).

    Each ticket in a transaction of its own, claimed with `SELECT … FOR UPDATE
    SKIP LOCKED`, so several workers share the work and a ticket is answered
    once; the reply is by whoever resolved the notice. A ticket that cannot
    be answered (its resolver may no longer reply) is logged and left for a
    person (who can press "Answer the waiting tickets now" on the notice's
    page, answering as themself); the round then leaves that notice alone.
    Returns how many were answered.
    """
    answered, stuck = 0, set()
    while answered < limit:
        outcome = _answer_next_waiting(stuck_incidents=stuck)
        if outcome is None:
            break
        incident_id, ok = outcome
        if ok:
            answered += 1
        else:
            stuck.add(incident_id)
    return answered


@transaction.atomic
def _answer_next_waiting(*, stuck_incidents: set[int]) -> tuple[int, bool] | None:
    ticket = (
        _waiting_tickets()
        .exclude(incident__in=stuck_incidents)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("incident__resolved_by")
        .only("pk", "version", "incident")
        .first()
    )
    if ticket is None:
        return None
    incident = ticket.incident
    try:
        # Its own savepoint (`write`): a refusal rolls back that ticket only.
        # Locked since it was read, so the version check passes.
        answered = _linked_ticket_answer(
            ticket,
            version=ticket.version,
            incident=incident,
            by=incident.resolved_by or incident.created_by,
        )
    except (ValidationError, PermissionDenied, Http404):
        logger.exception(
            "Outage notice %s: could not answer ticket %s", incident.pk, ticket.pk
        )
        return incident.pk, False
    return incident.pk, answered


def incident_progress(incident: Incident) -> dict:
    """`{"linked", "waiting", "done"}`: how far answering a notice's tickets is."""
    linked = incident.tickets.count()
    waiting = (
        _waiting_tickets().filter(incident=incident).count()
        if not incident.is_open
        else linked
    )
    return {"linked": linked, "waiting": waiting, "done": linked - waiting}
