"""The report pages: the dashboard, its tables as CSV, and the queue as CSV.

Thin views: the figures come from `selectors.report_summary` (cached under
the data version, tickets/cache.py), the tables and charts from `presenters`,
the CSV from `csv_export`. Staff only (tickets.views.StaffOnlyMixin).
"""

from functools import cached_property

from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import formats, timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from sla.selectors import with_sla_state
from tickets import cache as ticket_cache
from tickets import selectors as ticket_selectors
from tickets.models import Priority, SlaState, Status, reference_for
from tickets.pagination import ORDERINGS
from tickets.views import QueueView, StaffOnlyMixin

from . import presenters
from .csv_export import csv_response
from .forms import ReportQuery
from .selectors import report_summary, report_summary_cached


class ReportMixin(StaffOnlyMixin):
    """The period and the filters (the queue's FilterSet) of a report URL."""

    @cached_property
    def query(self) -> ReportQuery:
        menus = {"staff": lambda: self.staff, "categories": lambda: self.categories}
        return ReportQuery(self.request.GET, user=self.request.user, menus=menus)

    @cached_property
    def staff(self) -> list:
        """Agents and admins for the menu: read once, only if the form is drawn."""
        return list(ticket_selectors.staff_list())

    @cached_property
    def categories(self) -> list:
        return list(ticket_selectors.category_list())

    def error_messages(self) -> list[str]:
        return [
            message for messages in self.query.errors.values() for message in messages
        ]

    @cached_property
    def summary(self) -> dict:
        return report_summary_cached(
            user=self.request.user,
            period=self.query.period,
            filters=self.query.filters,
        )


class ReportView(ReportMixin, TemplateView):
    """`/reports/`: backlog, flow, times, SLA, reopenings and load, with charts."""

    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(nav="reports", **kwargs)
        errors = self.error_messages()
        context.update(
            period_form=self.query.period_form,
            filter_form=self.query.filterset.form,
            errors=errors,
            query=self.request.GET.urlencode(),
        )
        if errors:
            # This answer shows what was typed wrong: rendered, never stored.
            return {**context, **ticket_cache.NO_FRAGMENTS}
        context.update(ticket_cache.page_fragments(self.request, "reports"))
        # Lazy: a cached fragment reads none of it.
        context["report"] = SimpleLazyObject(self.report_context)
        return context

    def render_to_response(self, context, **kwargs):
        status = 400 if context["errors"] else 200
        return super().render_to_response(context, status=status, **kwargs)

    def report_context(self) -> dict:
        # The page caches its HTML (the fragment), so not the figures as well.
        summary = report_summary(
            user=self.request.user,
            period=self.query.period,
            filters=self.query.filters,
        )
        tables = presenters.report_tables(summary)
        backlog = summary["backlog"]

        def bucket_label(day):
            return formats.date_format(day, "n/j")

        return {
            "summary": summary,
            "tables": tables,
            "flow_chart": presenters.column_chart(
                summary["flow"],
                series=[("created", "series-created"), ("resolved", "series-resolved")],
                label=bucket_label,
            ),
            "category_chart": presenters.bar_chart(backlog["by_category"]),
            "busiest_chart": presenters.bar_chart(summary["busiest"]["categories"]),
            "locations_chart": presenters.bar_chart(summary["busiest"]["locations"]),
        }


class ReportTableExportView(ReportMixin, View):
    """`/reports/export/<table>.csv`: one table of the report, as on the page."""

    def get(self, request, table):
        errors = self.error_messages()
        if errors:
            return export_error(request, errors)
        tables = presenters.report_tables(self.summary)
        if table not in tables:
            raise Http404(_("No such report table."))
        chosen = tables[table]
        period = self.query.period
        filename = f"report-{table}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
        return csv_response(filename, chosen.columns, chosen.rows)


class QueueExportView(QueueView):
    """`/queue/export.csv?<the queue's query string>`: the queue's tickets.

    The queue's own FilterSet, default status and sort order (this is the
    queue view, answering CSV): every matching ticket, not one page. Rows are
    read in chunks from a server-side cursor and streamed as written.
    """

    CHUNK = 2000

    def get(self, request, *args, **kwargs):
        try:
            tickets = self.filtered_tickets()
        except ValidationError as error:
            messages = [text for texts in error.message_dict.values() for text in texts]
            return export_error(request, messages)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return csv_response(f"queue-{stamp}.csv", self.columns(), self.rows(tickets))

    def filtered_tickets(self):
        tickets = ticket_selectors.filterset_tickets(self.filterset)
        # The service level as the queue shows it now (the stored state only
        # changes at the ticket's next write or the breach watcher's round),
        # at the moment the `sla_state` filter used.
        tickets = with_sla_state(tickets, now=self.filterset.now)
        return tickets.order_by(*ORDERINGS[self.paging.values()["ordering"]])

    @staticmethod
    def columns() -> list:
        return [
            _("Reference"),
            _("Title"),
            _("Status"),
            _("Priority"),
            _("Category"),
            _("Requester"),
            _("Requester e-mail"),
            _("Assignee"),
            _("Assignee e-mail"),
            _("Location"),
            _("Created"),
            _("Updated"),
            _("First responded"),
            _("Resolved"),
            _("Closed"),
            _("Resolution due"),
            _("Service level"),
        ]

    def rows(self, tickets):
        """The rows, lazily; the labels are read now, in the reader's language
        (the response is streamed after the request's middleware is done)."""
        english = (translation.get_language() or "").startswith("en")
        statuses, states, priorities = (
            {code: str(label) for code, label in choices}
            for choices in (Status.choices, SlaState.choices, Priority.choices)
        )
        values = tickets.values_list(
            "pk",
            "title",
            "status",
            "priority",
            "category__name_en" if english else "category__name_ko",
            "requester__name",
            "requester__email",
            "assignee__name",
            "assignee__email",
            "location",
            "created_at",
            "updated_at",
            "first_responded_at",
            "resolved_at",
            "closed_at",
            "resolution_due_at",
            "current_sla_state",
        )
        return (
            [
                reference_for(pk),
                title,
                statuses.get(status, status),
                priorities.get(priority, priority),
                *middle,
                states.get(sla_state, sla_state),
            ]
            for pk, title, status, priority, *middle, sla_state in values.iterator(
                chunk_size=self.CHUNK
            )
        )


def export_error(request, errors):
    return TemplateResponse(
        request, "reports/export_error.html", {"errors": errors}, status=400
    )
