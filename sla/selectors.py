"""Reading the SLA state as it is now (warning and breached follow the clock)."""

import datetime as dt

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When

from tickets.models import SlaState

STORED = (SlaState.PAUSED, SlaState.MET, SlaState.BREACHED)


def with_sla_state(queryset: QuerySet, *, now: dt.datetime) -> QuerySet:
    """Annotate `current_sla_state`, the SQL twin of `services.sla_state_at`
    (the first response is due until `first_answered_at`, as in
    `services.breach_due_at`)."""
    return queryset.annotate(
        current_sla_state=Case(
            When(sla_state__in=STORED, then=F("sla_state")),
            When(
                Q(resolution_due_at__lte=now)
                | Q(first_answered_at__isnull=True, first_response_due_at__lte=now),
                then=Value(SlaState.BREACHED),
            ),
            When(sla_warning_at__lte=now, then=Value(SlaState.WARNING)),
            default=Value(SlaState.OK),
            output_field=CharField(),
        )
    )
