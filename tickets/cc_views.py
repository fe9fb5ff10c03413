"""The ticket page's CC and follow forms (POST only, back to the ticket page)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import policies, services
from .forms import CCAddForm, CCRemoveForm, FollowForm
from .people import display_name
from .views import SERVICE_ERRORS, TicketActionView


class TicketCCAddView(TicketActionView):
    policy = staticmethod(policies.can_manage_cc)

    def handle(self, ticket):
        form = CCAddForm(self.request.POST)
        if not form.is_valid():
            return self.render_page(ticket, cc_add_form=form)
        try:
            cc = services.ticket_cc_add(
                ticket=ticket, person=form.cleaned_data["email"], by=self.request.user
            )
        except SERVICE_ERRORS as error:
            return self.failed("cc_add_form", form, error)
        name = display_name(cc.user, self.request.user)
        messages.success(
            self.request, _("%(name)s is now copied on this ticket.") % {"name": name}
        )
        return redirect("tickets:detail", pk=ticket.pk)


class TicketCCRemoveView(TicketActionView):
    """Take someone off the CCs; a CC'd user leaving loses the page with it."""

    def handle(self, ticket):
        form = CCRemoveForm(self.request.POST)
        if not form.is_valid():
            return redirect("tickets:detail", pk=ticket.pk)
        user = self.request.user
        removed = form.cleaned_data["user"]
        try:
            services.ticket_cc_remove(ticket=ticket, person=removed, by=user)
        except SERVICE_ERRORS as error:
            messages.error(self.request, str(error) or _("Not allowed."))
            return redirect("tickets:detail", pk=ticket.pk)
        if removed == user.pk:
            messages.success(
                self.request,
                _("You are no longer copied on %(reference)s.")
                % {"reference": ticket.reference},
            )
            return redirect("tickets:my_tickets")
        messages.success(self.request, _("Removed from the ticket's CCs."))
        return redirect("tickets:detail", pk=ticket.pk)


class TicketFollowView(TicketActionView):
    policy = staticmethod(policies.can_follow_ticket)

    def handle(self, ticket):
        form = FollowForm(self.request.POST)
        form.is_valid()  # a missing or odd value means "stop following"
        if form.cleaned_data.get("follow"):
            services.ticket_follow(ticket=ticket, by=self.request.user)
            messages.success(
                self.request, _("You will be told of this ticket's changes.")
            )
        else:
            services.ticket_unfollow(ticket=ticket, by=self.request.user)
            messages.success(self.request, _("You no longer follow this ticket."))
        return redirect("tickets:detail", pk=ticket.pk)
