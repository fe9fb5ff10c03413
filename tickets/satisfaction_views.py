"""Satisfaction (CSAT) pages: the ticket page's form and the e-mail link's page.

Both save through `services.satisfaction_rate`. The link's page is public (the
signed link stands in for signing in) but never changes anything on a GET:
it shows a confirmation form whose POST saves the rating.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.base import TemplateResponseMixin

from . import policies, selectors, services
from .forms import SatisfactionForm, add_service_errors
from .models import Ticket
from .satisfaction_links import BadLink, ExpiredLink, satisfaction_link_read
from .views import TicketActionView


class TicketSatisfactionView(TicketActionView):
    """The rating form on the ticket page (the requester of a resolved ticket).

    Anyone else gets 404, as from the API (the service says the same).
    """

    def check_policy(self, ticket) -> None:
        if not policies.can_rate_ticket(self.request.user, ticket):
            raise Http404(_("No such ticket."))

    def handle(self, ticket):
        form = SatisfactionForm(self.request.POST, auto_id="satisfaction_%s")
        if not form.is_valid():
            return self.render_page(ticket, satisfaction_form=form)
        try:
            rating = services.satisfaction_rate(
                ticket=ticket, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            return self.failed("satisfaction_form", form, error)
        messages.success(self.request, thanks(rating))
        return redirect("tickets:detail", pk=ticket.pk)


def thanks(rating) -> str:
    return _("Thank you! Your rating “%(rating)s” of %(reference)s is saved.") % {
        "rating": rating.get_rating_display(),
        "reference": rating.ticket.reference,
    }


class LinkRefused(Exception):
    """The link cannot be used: says why, with the status to answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class SatisfactionLinkView(TemplateResponseMixin, View):
    """`/satisfaction/<token>/`: confirm the rating clicked in the e-mail.

    GET shows the form with the clicked rating chosen; POST saves it. Refused,
    with a page saying why and nothing saved: a link whose signature does not
    verify (made up or changed), an expired one, one for an earlier
    resolution of the ticket, and any link while someone other than the
    ticket's requester is signed in.
    """

    template_name = "tickets/satisfaction_link.html"

    def get(self, request, token):
        try:
            link, ticket, requester = self.check_link(token)
        except LinkRefused as refused:
            return self.refuse(refused)
        # The rating clicked; the comment of an earlier rating of this
        # resolution, so sending the form again does not wipe it.
        current = selectors.satisfaction_current(user=requester, ticket=ticket)
        comment = current.comment if current else ""
        form = SatisfactionForm(initial={"rating": link.rating, "comment": comment})
        return self.render_to_response(self.context(ticket, form))

    def post(self, request, token):
        try:
            link, ticket, requester = self.check_link(token)
        except LinkRefused as refused:
            return self.refuse(refused)
        form = SatisfactionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.context(ticket, form), status=400)
        try:
            rating = services.satisfaction_rate(
                ticket=ticket,
                by=requester,
                resolved_at=link.resolved_at,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.context(ticket, form), status=400)
        messages.success(request, thanks(rating))
        return redirect("tickets:satisfaction_thanks")

    def check_link(self, token):
        """(link, ticket, requester) of a usable link; else `LinkRefused`."""
        try:
            link = satisfaction_link_read(token)
        except ExpiredLink:
            raise LinkRefused(
                _(
                    "This link has expired. You can still rate the ticket on its "
                    "page after signing in."
                )
            ) from None
        except BadLink:
            raise LinkRefused(_("This link is not valid.")) from None
        user = self.request.user
        if user.is_authenticated and user.pk != link.requester_id:
            raise LinkRefused(
                _(
                    "This link is for the person who asked for help with the "
                    "ticket. Sign out to use it, or rate your own tickets on "
                    "their pages."
                ),
                status=403,
            )
        ticket = (
            Ticket.objects.select_related("requester").filter(pk=link.ticket_id).first()
        )
        requester = ticket.requester if ticket else None
        if requester is None or requester.pk != link.requester_id:
            raise LinkRefused(_("This link is not valid."))
        if not requester.is_active:
            raise LinkRefused(_("This link is not valid."), status=403)
        try:
            services.satisfaction_check_resolution(
                ticket=ticket, resolved_at=link.resolved_at
            )
        except ValidationError as error:
            raise LinkRefused(" ".join(error.messages)) from None
        return link, ticket, requester

    def context(self, ticket, form) -> dict:
        return {"ticket": ticket, "form": form}

    def refuse(self, refused: LinkRefused):
        return self.render_to_response({"problem": str(refused)}, status=refused.status)


class SatisfactionThanksView(TemplateView):
    """Where a saved rating from an e-mail link lands (the message says which)."""

    template_name = "tickets/satisfaction_thanks.html"
