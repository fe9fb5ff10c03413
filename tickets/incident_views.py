"""The outage notice pages: the IT team's list, form, detail, linking; "나도 같은 문제".

Thin views as in `tickets.views`: reads through `selectors.incidents` (and the
queue's one FilterSet for the ticket search), writes through
`services.incidents`, errors back on the form that caused them.
"""

from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView
from django.views.generic.base import TemplateResponseMixin

from servicedesk.redirects import safe_next_url

from . import policies, selectors
from .forms import (
    IncidentForm,
    IncidentLinkForm,
    IncidentResolveForm,
    PagingForm,
    VersionForm,
    add_service_errors,
)
from .selectors import incidents as incident_selectors
from .services import incidents as services
from .views import StaffOnlyMixin, TicketActionView

NAV = "incidents"


class IncidentListView(StaffOnlyMixin, TemplateView):
    template_name = "tickets/incidents/list.html"

    def get_context_data(self, **kwargs):
        incidents = incident_selectors.incident_list(user=self.request.user)
        return super().get_context_data(nav=NAV, incidents=incidents, **kwargs)


class IncidentCreateView(StaffOnlyMixin, FormView):
    template_name = "tickets/incidents/form.html"
    form_class = IncidentForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(nav=NAV, **kwargs)

    def form_valid(self, form):
        try:
            incident = services.incident_create(
                by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The outage notice is open and shows on the portal.")
        )
        return redirect(incident)


class IncidentMixin(StaffOnlyMixin):
    """A staff page about one notice (resolved ones too)."""

    def get_incident(self):
        return incident_selectors.incident_get(
            user=self.request.user, pk=self.kwargs["pk"]
        )


class IncidentPageMixin(TemplateResponseMixin, IncidentMixin):
    """The detail page, with whichever of its forms came back with errors."""

    template_name = "tickets/incidents/detail.html"

    def render_page(self, incident, **forms):
        context = {
            "nav": NAV,
            "incident": incident,
            "progress": None
            if incident.is_open
            else services.incident_progress(incident),
            "tickets": incident_selectors.incident_tickets(
                incident=incident, user=self.request.user
            ),
            "edit_form": IncidentForm.for_incident(incident),
            "resolve_form": IncidentResolveForm(),
            **forms,
        }
        return self.render_to_response(context)


class IncidentDetailView(IncidentPageMixin, View):
    def get(self, request, pk):
        return self.render_page(self.get_incident())


class IncidentUpdateView(IncidentPageMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        incident = self.get_incident()
        form = IncidentForm.for_incident(incident, request.POST)
        if form.is_valid():
            try:
                services.incident_update(
                    incident=incident, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The outage notice was updated."))
                return redirect(incident)
        return self.render_page(incident, edit_form=form)


class IncidentResolveView(IncidentPageMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        incident = self.get_incident()
        form = IncidentResolveForm(request.POST)
        if form.is_valid():
            try:
                result = services.incident_resolve(
                    incident=incident,
                    by=request.user,
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                resolved_message(request, result)
                return redirect(incident)
        return self.render_page(incident, resolve_form=form)


def resolved_message(request, result) -> None:
    resolved, skipped = len(result.resolved), len(result.skipped)
    if result.already_resolved and not resolved:
        messages.info(request, _("This outage notice was already resolved."))
        return
    if result.waiting:
        messages.info(
            request,
            ngettext(
                "%(count)s linked ticket is waiting: the background worker answers "
                "it shortly, or press “Answer the waiting tickets now”.",
                "%(count)s linked tickets are waiting: the background worker answers "
                "them shortly, or press “Answer the waiting tickets now”.",
                len(result.waiting),
            )
            % {"count": len(result.waiting)},
        )
    messages.success(
        request,
        ngettext(
            "Resolved: %(count)s linked ticket was answered and resolved.",
            "Resolved: %(count)s linked tickets were answered and resolved.",
            resolved,
        )
        % {"count": resolved},
    )
    if skipped and not result.already_resolved:
        messages.info(
            request,
            ngettext(
                "%(count)s linked ticket was already resolved or closed: left as it was.",
                "%(count)s linked tickets were already resolved or closed: left as they were.",
                skipped,
            )
            % {"count": skipped},
        )


class IncidentLinkView(IncidentMixin, TemplateView):
    """Search the queue (its one FilterSet) and link the ticked tickets."""

    template_name = "tickets/incidents/link.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav=NAV, incident=self.incident, view=self, **kwargs
        )

    @cached_property
    def incident(self):
        return self.get_incident()

    @cached_property
    def filterset(self):
        data = self.request.GET.copy()
        data.setdefault("status", "open")
        menus = {
            "staff": lambda: list(selectors.staff_list()),
            "categories": lambda: list(selectors.category_list()),
        }
        return selectors.ticket_filterset(
            user=self.request.user, filters=data, menus=menus
        )

    @cached_property
    def paging(self):
        return PagingForm(self.request.GET, default_page_size=self.page_size)

    @cached_property
    def page(self):
        """The matching tickets, one keyset page; `errors` for a bad filter."""
        try:
            tickets = selectors.filterset_tickets(self.filterset)
            page = selectors.ticket_page(tickets, **self.paging.values())
        except ValidationError as error:
            return {"rows": [], "errors": error.messages, "next_url": None}
        next_url = None
        if page.next_cursor:
            query = self.request.GET.copy()
            query["cursor"] = page.next_cursor
            next_url = f"{self.request.path}?{query.urlencode()}"
        return {"rows": page.rows, "errors": [], "next_url": next_url}

    def post(self, request, pk):
        incident = self.incident
        form = IncidentLinkForm(request.POST)
        back = safe_next_url(request, reverse("tickets:incident_link", args=[pk]))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(back)
        try:
            count = services.incident_link_tickets(
                incident=incident,
                by=request.user,
                ticket_ids=form.cleaned_data["tickets"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(back)
        messages.success(
            request,
            ngettext("%(count)s ticket linked.", "%(count)s tickets linked.", count)
            % {"count": count},
        )
        return redirect(incident)


class IncidentAffectedView(LoginRequiredMixin, View):
    """ "나도 같은 문제": count me in, tell me when it is fixed (no ticket needed)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        incident = incident_selectors.incident_get(user=request.user, pk=pk)
        back = safe_next_url(request, reverse("home"))
        try:
            services.incident_subscribe(incident=incident, by=request.user)
        except (ValidationError, PermissionDenied, Http404) as error:
            messages.error(request, " ".join(_error_messages(error)))
            return HttpResponseRedirect(back)
        messages.success(
            request,
            _("Thank you. We will tell you when “%(title)s” is fixed.")
            % {"title": incident.title},
        )
        return HttpResponseRedirect(back)


def _error_messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or _("Not allowed.")]


class TicketIncidentUnlinkView(TicketActionView):
    """The ticket page's "Unlink": take this ticket off its outage notice."""

    policy = staticmethod(policies.can_unlink_incident)

    def handle(self, ticket):
        form = VersionForm(self.request.POST)
        if not form.is_valid():
            return self.render_page(ticket, incident_unlink_form=form)
        try:
            services.incident_unlink_ticket(
                ticket=ticket,
                by=self.request.user,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            # Not linked any more, or changed since it was shown: the page as
            # it is now says which, with the reason on top.
            for message in error.messages:
                messages.error(self.request, message)
        else:
            messages.success(
                self.request, _("The ticket is no longer linked to the outage notice.")
            )
        return redirect("tickets:detail", pk=ticket.pk)
