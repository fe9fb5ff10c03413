"""The ticket page's staff actions on links and merging (forms in
templates/tickets/includes/merge_links.html); the services write."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from attachments.storage import StorageUnavailable

from . import policies, selectors, services
from .forms import LinkAddForm, LinkRemoveForm, MergeForm
from .views import SERVICE_ERRORS, TicketActionView


class TicketLinkAddView(TicketActionView):
    policy = staticmethod(policies.can_manage_links)

    def handle(self, ticket):
        form = LinkAddForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            return self.render_page(ticket, link_form=form)
        try:
            services.ticket_link_add(
                ticket=ticket,
                other=form.cleaned_data["ticket"],
                kind=form.cleaned_data["kind"],
                by=self.request.user,
            )
        except SERVICE_ERRORS as error:
            return self.failed("link_form", form, error)
        messages.success(
            self.request,
            _("Linked to %(reference)s.")
            % {"reference": form.cleaned_data["ticket"].reference},
        )
        return redirect("tickets:detail", pk=ticket.pk)


class TicketLinkRemoveView(TicketActionView):
    policy = staticmethod(policies.can_manage_links)

    def handle(self, ticket):
        form = LinkRemoveForm(self.request.POST)
        if not form.is_valid():
            messages.error(self.request, _("Choose a link to remove."))
            return redirect("tickets:detail", pk=ticket.pk)
        link = selectors.ticket_link_get(
            user=self.request.user, ticket=ticket, pk=form.cleaned_data["link"]
        )
        services.ticket_link_remove(link=link, by=self.request.user)
        messages.success(
            self.request,
            _("The link to %(reference)s is removed.")
            % {"reference": link.other_ticket.reference},
        )
        return redirect("tickets:detail", pk=ticket.pk)


class TicketMergeView(TicketActionView):
    policy = staticmethod(policies.can_merge_ticket)

    def handle(self, ticket):
        form = MergeForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            return self.render_page(ticket, merge_form=form)
        try:
            services.ticket_merge(
                source=ticket, by=self.request.user, **form.cleaned_data
            )
        except SERVICE_ERRORS as error:
            return self.failed("merge_form", form, error)
        except StorageUnavailable:
            form.add_error(
                None,
                _(
                    "The files could not be copied: the file storage is "
                    "unavailable right now. Nothing was merged; try again shortly."
                ),
            )
            return self.render_page(ticket, merge_form=form)
        messages.success(
            self.request,
            _("%(source)s is merged into %(target)s.")
            % {
                "source": ticket.reference,
                "target": form.cleaned_data["into"].reference,
            },
        )
        return redirect("tickets:detail", pk=form.cleaned_data["into"].pk)
