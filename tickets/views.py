"""The HTML pages: the requester portal and the staff queue.

Thin views: reads go through `selectors` (always scoped by `visible_to`),
writes through `services`, and who may do what is asked of `policies`. A
service's ValidationError goes back onto the form that caused it, with what the
user typed; success redirects (Post/Redirect/Get).

The lists' and the ticket page's heavy parts are template fragments cached
under versioned keys (tickets/cache.py): the views hand the templates lazy
values (querysets, cached properties) that only a cache miss evaluates.
"""

import time
from functools import cached_property, partial

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView
from django.views.generic.base import TemplateResponseMixin

from attachments.forms import ChosenFilesForm
from attachments.views import files_answer
from servicedesk.redirects import safe_next_url
from sla import presenters as sla_presenters

from . import cache as ticket_cache
from . import cc_page, policies, presenters, selectors, services
from .filters import OPEN_STATUSES
from .forms import (
    BulkActionForm,
    CannedInsertForm,
    CloseForm,
    FollowUpForm,
    LinkAddForm,
    MergeForm,
    PagingForm,
    ReplyForm,
    SavedViewForm,
    SavedViewRenameForm,
    StaffUpdateForm,
    TicketCreateForm,
    TicketOnBehalfForm,
    TicketTagsForm,
    VersionForm,
    add_service_errors,
    is_conflict,
)
from .models import Priority, Status
from .selectors import incidents as incident_selectors

SERVICE_ERRORS = (ValidationError, PermissionDenied, Http404)


# --- Mixins ------------------------------------------------------------------------


class StaffOnlyMixin(LoginRequiredMixin):
    """Pages of the IT team: signed-out visitors sign in, requesters get 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not policies.is_staff_member(request.user):
            raise PermissionDenied(_("This page is for IT staff."))
        return super().dispatch(request, *args, **kwargs)


class TicketPolicyMixin(LoginRequiredMixin):
    """Finds the ticket among those the user may see (else 404) and asks `policy`."""

    policy = None  # a function (user, ticket) -> bool from tickets.policies

    def get_ticket(self):
        return selectors.ticket_get(user=self.request.user, pk=self.kwargs["pk"])

    def check_policy(self, ticket) -> None:
        if self.policy is not None and not self.policy(self.request.user, ticket):
            raise PermissionDenied(_("You cannot do this on this ticket."))


# --- Lists ------------------------------------------------------------------------------


class TicketListView(LoginRequiredMixin, TemplateView):
    """A filtered ticket list paged by cursor ("next" / "previous" links).

    Everything the list shows is a cached property that the template reads
    inside its `{% cache %}` fragment: a cache hit runs none of their queries.
    """

    list_url_name = ""
    nav = ""
    default_status = "all"
    default_page_size = 25
    with_tags = False  # staff lists show each row's tags (internal)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav=self.nav,
            list_url=reverse(self.list_url_name),
            **ticket_cache.page_fragments(self.request, self.list_url_name),
            **kwargs,
        )

    def filter_data(self):
        data = self.request.GET.copy()
        if not data.get("status"):
            data["status"] = self.default_status
        return data

    def base_filters(self) -> dict:
        return {}

    @cached_property
    def filterset(self):
        menus = {"staff": lambda: self.staff, "categories": lambda: self.categories}
        return selectors.ticket_filterset(
            user=self.request.user, filters=self.filter_data(), menus=menus
        )

    @cached_property
    def staff(self) -> list:
        """Agents and admins for the menus: read once, only if a menu is drawn."""
        return list(selectors.staff_list())

    @cached_property
    def categories(self) -> list:
        return list(selectors.category_list())

    @cached_property
    def paging(self):
        return PagingForm(self.request.GET, default_page_size=self.default_page_size)

    @cached_property
    def page(self):
        """This page's rows and links; a bad filter or link shows as an error."""
        try:
            tickets = selectors.filterset_tickets(self.filterset)
        except ValidationError:
            return presenters.ListPage(rows=[])
        tickets = tickets.filter(**self.base_filters())
        try:
            page = selectors.ticket_page(
                tickets, **self.paging.values(), tags=self.with_tags
            )
        except ValidationError as error:
            page = selectors.ticket_page(
                tickets, size=self.paging.values()["size"], tags=self.with_tags
            )
            return presenters.ListPage(
                rows=page.rows,
                next_url=self.link(page.next_cursor),
                errors=[
                    message
                    for messages_ in error.message_dict.values()
                    for message in messages_
                ],
            )
        return presenters.ListPage(
            rows=page.rows,
            next_url=self.link(page.next_cursor),
            previous_url=self.link(page.previous_cursor)
            if page.previous_cursor
            else (self.link("") if page.has_previous else None),
        )

    def link(self, cursor):
        if cursor is None:
            return None
        query = self.request.GET.copy()
        query.pop("cursor", None)
        if cursor:
            query["cursor"] = cursor
        url = reverse(self.list_url_name)
        return url + (f"?{query.urlencode()}" if query else "")


class MyTicketsView(TicketListView):
    """A requester's own tickets, most recently updated first."""

    template_name = "tickets/my_tickets.html"
    list_url_name = "tickets:my_tickets"
    nav = "my_tickets"

    def base_filters(self) -> dict:
        # Their own tickets and those they are CC'd on (rows marked "CC").
        return {"pk__in": selectors.ticket_ids_involving(user=self.request.user)}


class QueueView(StaffOnlyMixin, TicketListView):
    """The staff queue: filters, search, sort, counts per status, bulk changes."""

    template_name = "tickets/queue.html"
    list_url_name = "tickets:queue"
    nav = "queue"
    default_status = "open"
    default_page_size = 50
    with_tags = True

    @cached_property
    def saved_view_tabs(self) -> list[dict]:
        """The user's and the team's saved views, each a link with its count.

        Read inside the page's cached fragment; the counts are cached on their
        own under the data version (a query per view at most on a miss), so
        paging through the queue does not count again.
        """
        views = list(selectors.saved_view_list(user=self.request.user))
        if not views:
            return []
        parts = ("saved-view-counts", *((view.pk, view.query) for view in views))
        if any("sla_state" in view.query for view in views):
            parts += (int(time.time() // 60),)  # "due soon" moves with the clock
        counts = ticket_cache.get_or_compute(
            self.request.user,
            parts,
            partial(selectors.saved_view_counts, user=self.request.user, views=views),
        )
        current = self.current_view_query
        url = reverse(self.list_url_name)
        return [
            {
                "view": view,
                "count": counts.get(view.pk, 0),
                "url": f"{url}?{view.query}",
                "current": view.query == current,
            }
            for view in views
        ]

    @cached_property
    def current_view_query(self) -> str | None:
        """This page's filters as a saved view stores them (None if invalid)."""
        try:
            return services.saved_view_query_normalize(
                user=self.request.user, query=self.request.GET
            )
        except ValidationError:
            return None

    @cached_property
    def save_view_form(self):
        query = self.request.GET.copy()
        query.pop("cursor", None)
        return SavedViewForm(initial={"query": query.urlencode()})

    @cached_property
    def bulk_form(self):
        return BulkActionForm(staff=self.staff)

    MORE_FILTERS = ("priority", "category", "tag")

    @cached_property
    def more_filters_active(self) -> bool:
        """True when a filter kept under "More filters" is not at its default."""
        form = self.filterset.form
        return (
            any(self.request.GET.get(name) for name in self.MORE_FILTERS)
            or any(name in form.errors for name in self.MORE_FILTERS)
            or not all(
                self.paging.is_default(name) for name in ("ordering", "page_size")
            )
        )

    # Column headers that sort the list: (column, first click, second click).
    SORT_COLUMNS = (
        ("ticket", "-created_at", "created_at"),
        ("priority", "-priority", "priority"),
        ("due", "resolution_due_at", "-resolution_due_at"),
        ("updated", "-updated_at", "updated_at"),
    )
    # The service-level tabs: (`sla_state` filter, label).
    SLA_TABS = (
        ("", gettext_lazy("Any due time")),
        ("warning", gettext_lazy("Due soon")),
        ("breached", gettext_lazy("Overdue")),
    )

    @cached_property
    def paging(self):
        return PagingForm(
            self.request.GET, default_page_size=self.default_page_size, sla=True
        )

    @cached_property
    def page(self):
        """The list's page, each row with its due time and working time left."""
        page = super().page
        page.rows = sla_presenters.with_due_display(page.rows, now=timezone.now())
        return page

    @cached_property
    def sla_tabs(self):
        """Links to the tickets due soon and overdue, keeping the other filters."""
        current = self.request.GET.get("sla_state", "")
        query = self.request.GET.copy()
        query.pop("cursor", None)
        url = reverse(self.list_url_name)
        tabs = []
        for code, label in self.SLA_TABS:
            query["sla_state"] = code
            if not code:
                query.pop("sla_state")
            tabs.append(
                {
                    "label": label,
                    "url": f"{url}?{query.urlencode()}" if query else url,
                    "current": code == current,
                }
            )
        return tabs

    @cached_property
    def counts(self) -> dict[str, int]:
        return selectors.ticket_counts(user=self.request.user)

    @cached_property
    def total(self) -> int | None:
        """How many tickets match the filters; None when a filter is invalid."""
        try:
            return selectors.ticket_total(self.filterset, status_counts=self.counts)
        except ValidationError:
            return None

    @cached_property
    def sort_headers(self) -> dict[str, dict]:
        """Per sortable column: the link that sorts by it and its `aria-sort`.

        The link sets the list's `ordering` (the one the "Sort by" menu sets);
        on the column the list is sorted by, it turns the order round.
        """
        current = self.paging.values()["ordering"]
        query = self.request.GET.copy()
        query.pop("cursor", None)
        url = reverse(self.list_url_name)
        headers = {}
        for column, first, second in self.SORT_COLUMNS:
            sorted_here = current in (first, second)
            query["ordering"] = second if current == first else first
            headers[column] = {
                "url": f"{url}?{query.urlencode()}",
                "aria_sort": (
                    ("descending" if current.startswith("-") else "ascending")
                    if sorted_here
                    else None
                ),
            }
        return headers

    @cached_property
    def status_tabs(self):
        """Links to each status with its count, keeping the other filters."""
        counts = self.counts
        current = self.filter_data().get("status")
        open_total = sum(counts[code] for code in OPEN_STATUSES)
        tabs = [("open", _("Open"), open_total)]
        tabs += [(code, label, counts[code]) for code, label in Status.choices]
        tabs.append(("all", _("All"), sum(counts.values())))
        query = self.request.GET.copy()
        query.pop("cursor", None)
        url = reverse(self.list_url_name)
        result = []
        for code, label, count in tabs:
            query["status"] = code
            result.append(
                {
                    "code": code,
                    "label": label,
                    "count": count,
                    "url": f"{url}?{query.urlencode()}",
                    "current": code == current,
                }
            )
        return result


class BulkActionView(StaffOnlyMixin, View):
    """Assign, or change the status of, several tickets ticked in the queue."""

    http_method_names = ["post"]

    def post(self, request):
        back = safe_next_url(request, reverse("tickets:queue"))
        form = BulkActionForm(request.POST, staff=selectors.staff_list())
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(back)
        tickets = selectors.tickets_by_ids(
            user=request.user, ids=form.cleaned_data["tickets"]
        )
        done, claimed, failed = 0, 0, []
        status_change = form.cleaned_data["operation"] == BulkActionForm.STATUS
        for ticket in tickets:
            unassigned = ticket.assignee_id is None
            try:
                changed = self.apply(form, ticket)
            except SERVICE_ERRORS as error:
                failed.append(f"{ticket.reference}: {' '.join(_messages(error))}")
                continue
            done += 1
            # A status change assigns nobody's ticket put in progress to its actor.
            if status_change and unassigned and changed.assignee_id is not None:
                claimed += 1
        if done:
            messages.success(
                request,
                ngettext(
                    "%(count)s ticket changed.", "%(count)s tickets changed.", done
                )
                % {"count": done},
            )
        if claimed:
            messages.info(
                request,
                ngettext(
                    "%(count)s of them had no assignee: it is assigned to you.",
                    "%(count)s of them had no assignee: they are assigned to you.",
                    claimed,
                )
                % {"count": claimed},
            )
        for failure in failed:
            messages.error(request, failure)
        return HttpResponseRedirect(back)

    def apply(self, form, ticket):
        by = self.request.user
        if form.cleaned_data["operation"] == BulkActionForm.ASSIGN:
            return services.ticket_assign(
                ticket=ticket, assignee=form.assignee_for(by), by=by
            )
        if form.cleaned_data["operation"] in (form.TAG_ADD, form.TAG_REMOVE):
            tag = [form.cleaned_data["tag"]]
            adding = form.cleaned_data["operation"] == form.TAG_ADD
            return services.ticket_tags_change(
                ticket=ticket,
                by=by,
                add=tag if adding else [],
                remove=[] if adding else tag,
            )
        return services.ticket_status_change_and_claim(
            ticket=ticket, status=form.cleaned_data["status"], by=by
        )


def _messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or _("Not allowed.")]


# --- Opening tickets ------------------------------------------------------------------


class TicketCreateView(LoginRequiredMixin, FormView):
    """A new ticket; `?about=<id>` starts it from an earlier (closed) ticket."""

    template_name = "tickets/ticket_form.html"
    form_class = TicketCreateForm
    nav = "new"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        about = FollowUpForm(self.request.GET)
        if not about.is_valid():
            return {}
        earlier = selectors.ticket_find(
            user=self.request.user, pk=about.cleaned_data["about"]
        )
        return followup_initial(earlier) if earlier else {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(nav=self.nav, **kwargs)

    def form_valid(self, form):
        try:
            ticket = services.ticket_create(
                by=self.request.user, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Ticket %(reference)s is open. We will reply here.")
            % {"reference": ticket.reference},
        )
        # The files were checked with the form; now they go to the new ticket
        # (or the page's script is told where to put them).
        return files_answer(
            self.request,
            ticket=ticket,
            url=reverse("tickets:detail", args=[ticket.pk]),
            files=form.cleaned_data["files"],
        )


class TicketOnBehalfView(StaffOnlyMixin, TicketCreateView):
    """Staff open a ticket for someone who phoned or walked in."""

    form_class = TicketOnBehalfForm
    nav = "on_behalf"


def followup_initial(ticket, description: str = "") -> dict:
    """A new ticket's starting values, following up an earlier one."""
    title = _("Follow-up to %(reference)s: %(title)s") % {
        "reference": ticket.reference,
        "title": ticket.title,
    }
    return {
        "title": title[:200],
        "category": ticket.category_id,
        "priority": ticket.priority
        if ticket.priority != Priority.URGENT
        else Priority.HIGH,
        "location": ticket.location,
        "contact_phone": ticket.contact_phone,
        "description": description
        or _("About %(reference)s:") % {"reference": ticket.reference} + "\n\n",
    }


# --- The ticket page ------------------------------------------------------------------


# The ticket page's forms (their ids in ticket_detail_content.html): each
# gets this request's CSRF token from outside the cached fragment.
CSRF_FORM_IDS = (
    "reply",
    "followup",
    "assign-me",
    "manage",
    "close",
    "satisfaction",
    "tags",
    "link-add",
    "link-remove",
    "merge",
    "cc-add",
    "cc-remove",
    "follow",
    "incident-unlink",
)


class TicketPageMixin(TemplateResponseMixin, TicketPolicyMixin):
    """Renders the ticket page with whichever of its forms came back with errors."""

    template_name = "tickets/ticket_detail.html"

    def render_page(self, ticket, **forms):
        return self.render_to_response(self.page_context(ticket, **forms))

    def page_context(self, ticket, **forms):
        """The page's context; the forms and lists are lazy.

        They are built only when the page's fragment is not in the cache
        (tickets/cache.py). Forms sent back with errors (`forms`) belong to
        this request, so that answer is rendered without the cache.
        """
        user = self.request.user
        is_staff = policies.is_staff_member(user)
        context = {
            "view": self,
            "nav": "queue" if is_staff else "my_tickets",
            "ticket": ticket,
            "comments": selectors.comment_list(user=user, ticket=ticket),
            "timeline": SimpleLazyObject(
                partial(
                    presenters.timeline,
                    selectors.event_list(user=user, ticket=ticket),
                    viewer=user,
                )
            ),
            "is_staff": is_staff,
            "can_reply": policies.can_reply(user, ticket),
            "can_close": policies.can_close_ticket(user, ticket),
            "can_see_contact": policies.can_see_contact_details(user, ticket.requester),
            "reply_form": SimpleLazyObject(
                partial(ReplyForm, user=user, ticket=ticket)
            ),
            "close_form": SimpleLazyObject(
                partial(CloseForm, initial={"version": ticket.version})
            ),
            "csrf_form_ids": CSRF_FORM_IDS,
            **cc_page.cc_context(user, ticket),
            **ticket_cache.page_fragments(self.request, "tickets:detail", ticket.pk),
        }
        if policies.can_edit_staff_fields(user, ticket):
            context["staff_form"] = SimpleLazyObject(
                lambda: StaffUpdateForm(ticket=ticket, staff=selectors.staff_list())
            )
        if policies.can_tag_ticket(user, ticket):
            # Tags are internal: staff only. Lazy, as below.
            tags = SimpleLazyObject(lambda: list(ticket.tags.all()))
            context["ticket_tags"] = tags
            context["tags_form"] = SimpleLazyObject(
                lambda: TicketTagsForm(
                    initial={"tags": ", ".join(tag.name for tag in tags)}
                )
            )
        if is_staff:
            # Service levels are internal: staff only. Lazy, as below.
            context["sla"] = SimpleLazyObject(
                partial(sla_presenters.ticket_due_display, ticket, now=timezone.now())
            )
            # Lazy: read only when the page's fragment is not in the cache.
            context["requester_tickets"] = selectors.requester_recent_tickets(
                user=user, ticket=ticket
            )
        if policies.can_insert_canned_reply(user, ticket):
            # Lazy, like the lists above; the viewer's own ones are in the
            # fragment key (the viewer), and every canned-reply write moves the
            # data version (tickets/receivers.py).
            context["canned_replies"] = selectors.canned_reply_list(user=user)
        context.update(self.merge_and_links_context(ticket))
        context.update(self.incident_context(ticket))
        if policies.can_assign(user, ticket) and ticket.assignee_id != user.pk:
            context["assign_form"] = SimpleLazyObject(
                partial(VersionForm, initial={"version": ticket.version})
            )
        if forms:
            context.update(forms, **ticket_cache.NO_FRAGMENTS)
        return context

    def merge_and_links_context(self, ticket) -> dict:
        """Links and the merge form (staff), where a merged ticket went (all).

        Lazy, like the rest: read only when the fragment is not in the cache.
        """
        user = self.request.user
        context = {}
        if ticket.merged_into_id:
            context["merged_into"] = SimpleLazyObject(
                partial(selectors.merged_into_visible, user=user, ticket=ticket)
            )
        if policies.can_manage_links(user, ticket):
            context["links"] = SimpleLazyObject(
                partial(selectors.ticket_links, user=user, ticket=ticket)
            )
            context["link_form"] = SimpleLazyObject(partial(LinkAddForm, user=user))
        if policies.can_merge_ticket(user, ticket) and not (
            ticket.merged_into_id or ticket.is_closed
        ):
            context["merge_form"] = SimpleLazyObject(partial(MergeForm, user=user))
        return context

    def incident_context(self, ticket) -> dict:
        """The outage notice the ticket is linked to (all), the unlink form (staff).

        Nothing for a ticket on no notice; else lazy, like the rest: one query,
        only when the fragment is not in the cache.
        """
        if not ticket.incident_id:
            return {}
        context = {
            "linked_incident": SimpleLazyObject(
                partial(incident_selectors.ticket_incident, ticket=ticket)
            )
        }
        if policies.can_unlink_incident(self.request.user, ticket):
            context["incident_unlink_form"] = SimpleLazyObject(
                partial(VersionForm, initial={"version": ticket.version})
            )
        return context


class TicketDetailView(TicketPageMixin, View):
    def get(self, request, pk):
        return self.render_page(self.get_ticket())


class TicketActionView(TicketPageMixin, View):
    """A form on the ticket page: POST only; a GET goes back to the page."""

    http_method_names = ["get", "post"]

    def get(self, request, pk):
        return redirect("tickets:detail", pk=pk)

    def post(self, request, pk):
        ticket = self.get_ticket()
        self.check_policy(ticket)
        return self.handle(ticket)

    def failed(self, form_name, form, error):
        """Show a refused change beside its field, on the ticket as it is now."""
        if isinstance(error, ValidationError):
            add_service_errors(form, error)
        else:
            form.add_error(None, str(error) or _("Not allowed."))
        ticket = self.get_ticket()
        if isinstance(error, ValidationError) and is_conflict(error):
            messages.warning(
                self.request,
                _(
                    "Someone else changed this ticket while you were looking at it. "
                    "Below is the ticket as it is now, with your changes still in "
                    "the form: check them and send again."
                ),
            )
            if hasattr(form, "refresh_version"):
                form.refresh_version(ticket)
        return self.render_page(ticket, **{form_name: form})


class TicketReplyView(TicketActionView):
    policy = staticmethod(policies.can_view_ticket)

    def handle(self, ticket):
        user = self.request.user
        form = ReplyForm(self.request.POST, user=user, ticket=ticket)
        # The reply form's file picker: checked before the reply is written.
        files = ChosenFilesForm(self.request.POST, self.request.FILES)
        if not all([form.is_valid(), files.is_valid()]):
            return self.render_page(ticket, reply_form=form, files_form=files)
        message = {"body": form.cleaned_data["body"], "internal": form.internal}
        try:
            if form.status:
                comment = services.ticket_reply_and_status_change(
                    ticket=ticket,
                    by=user,
                    status=form.status,
                    version=form.cleaned_data["version"],
                    **message,
                )
            else:
                comment = services.ticket_reply(ticket=ticket, by=user, **message)
        except SERVICE_ERRORS as error:
            return self.reply_refused(form, error)
        messages.success(self.request, self.sent_message(comment, form.status))
        url = reverse("tickets:detail", kwargs={"pk": ticket.pk})
        return files_answer(
            self.request,
            ticket=ticket,
            url=f"{url}#comment-{comment.pk}",
            files=files.cleaned_data["files"],
            comment=comment,
            internal=comment.internal,
        )

    @staticmethod
    def sent_message(comment, status: str) -> str:
        if status:
            label = Status(comment.ticket.status).label
            if comment.internal:
                text = _("Internal note added; the ticket is now “%(status)s”.")
            else:
                text = _("Your reply was sent; the ticket is now “%(status)s”.")
            return text % {"status": label}
        if comment.internal:
            return _("Internal note added.")
        return _("Your reply was sent.")

    def reply_refused(self, form, error):
        ticket = self.get_ticket()
        if ticket.is_closed and not policies.can_reply(self.request.user, ticket):
            # Closed meanwhile: keep the text in a new ticket's form instead.
            followup = TicketCreateForm(
                user=self.request.user,
                initial=followup_initial(ticket, form.data.get("body", "")),
            )
            form.add_error(None, " ".join(_messages(error)))
            return self.render_page(ticket, reply_form=form, followup_form=followup)
        return self.failed("reply_form", form, error)


class TicketCannedInsertView(TicketActionView):
    """The canned replies' "Insert" button, without JavaScript.

    The ticket page again, the chosen reply filled in after what was typed;
    nothing is sent.
    """

    policy = staticmethod(policies.can_insert_canned_reply)

    def handle(self, ticket):
        user = self.request.user
        form = CannedInsertForm(self.request.POST, user=user)
        typed = ReplyForm(self.request.POST, user=user, ticket=ticket)
        typed.is_valid()  # only to keep the visibility chosen, if it is one
        initial = {
            "body": self.request.POST.get("body", ""),
            "visibility": typed.cleaned_data.get("visibility", ReplyForm.PUBLIC),
            "version": typed.cleaned_data.get("version") or ticket.version,
        }
        if form.is_valid():
            filled = services.canned_reply_fill(
                canned=form.cleaned_data["canned"], ticket=ticket, by=user
            )
            initial["body"] = form.message_with(filled)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(self.request, error)
        reply_form = ReplyForm(user=user, ticket=ticket, initial=initial)
        return self.render_page(ticket, reply_form=reply_form)


class TicketCloseView(TicketActionView):
    policy = staticmethod(policies.can_close_ticket)

    def handle(self, ticket):
        form = CloseForm(self.request.POST)
        if not form.is_valid():
            return self.render_page(ticket, close_form=form)
        try:
            services.ticket_close(
                ticket=ticket,
                by=self.request.user,
                version=form.cleaned_data["version"],
            )
        except SERVICE_ERRORS as error:
            return self.failed("close_form", form, error)
        messages.success(self.request, _("The ticket is closed."))
        return redirect("tickets:detail", pk=ticket.pk)


class TicketUpdateView(TicketActionView):
    policy = staticmethod(policies.can_edit_staff_fields)

    def handle(self, ticket):
        form = StaffUpdateForm(
            self.request.POST, ticket=ticket, staff=selectors.staff_list()
        )
        if not form.is_valid():
            return self.render_page(ticket, staff_form=form)
        try:
            services.ticket_update(
                ticket=ticket, by=self.request.user, **form.cleaned_data
            )
        except SERVICE_ERRORS as error:
            return self.failed("staff_form", form, error)
        messages.success(self.request, _("The ticket is updated."))
        return redirect("tickets:detail", pk=ticket.pk)


class TicketAssignToMeView(TicketActionView):
    policy = staticmethod(policies.can_assign)

    def handle(self, ticket):
        form = VersionForm(self.request.POST)
        if not form.is_valid():
            return self.render_page(ticket, assign_form=form)
        try:
            services.ticket_assign(
                ticket=ticket,
                assignee=self.request.user,
                by=self.request.user,
                version=form.cleaned_data["version"],
            )
        except SERVICE_ERRORS as error:
            return self.failed("assign_form", form, error)
        messages.success(
            self.request,
            _("%(reference)s is assigned to you.") % {"reference": ticket.reference},
        )
        # From a queue row the agent goes on down the queue.
        detail = reverse("tickets:detail", kwargs={"pk": ticket.pk})
        return HttpResponseRedirect(safe_next_url(self.request, detail))


def home_page(request):
    """`/` for a signed-in user: the queue for staff, "my tickets" otherwise."""
    if policies.is_staff_member(request.user):
        return QueueView.as_view()(request)
    return MyTicketsView.as_view()(request)


# --- Tags and saved views (staff) -------------------------------------------------


class TicketTagsView(TicketActionView):
    """The ticket page's tag field: the ticket gets exactly the tags typed."""

    policy = staticmethod(policies.can_tag_ticket)

    def handle(self, ticket):
        form = TicketTagsForm(self.request.POST)
        if not form.is_valid():
            return self.render_page(ticket, tags_form=form)
        try:
            services.ticket_tags_set(
                ticket=ticket, by=self.request.user, tags=form.cleaned_data["tags"]
            )
        except SERVICE_ERRORS as error:
            return self.failed("tags_form", form, error)
        messages.success(self.request, _("The tags are saved."))
        return redirect("tickets:detail", pk=ticket.pk)


class SavedViewListView(StaffOnlyMixin, TemplateView):
    """The saved views: rename, share or delete them; POST saves a new one."""

    template_name = "tickets/saved_views.html"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs):
        user = self.request.user
        views = [
            {
                "view": view,
                "form": SavedViewRenameForm(view=view),
                "can_change": policies.can_change_saved_view(user, view),
            }
            for view in selectors.saved_view_list(user=user)
        ]
        return super().get_context_data(nav="queue", views=views, **kwargs)

    def post(self, request):
        form = SavedViewForm(request.POST)
        if not form.is_valid():
            return self.refused(form.errors.values(), form.data.get("query", ""))
        try:
            view = services.saved_view_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused([_messages(error)], form.cleaned_data["query"])
        messages.success(
            request, _("The view “%(name)s” is saved.") % {"name": view.name}
        )
        return redirect(reverse("tickets:queue") + f"?{view.query}")

    def refused(self, errors, query: str):
        """Back to the queue as it was, the reasons shown there."""
        for messages_ in errors:
            for message in messages_:
                messages.error(self.request, message)
        return HttpResponseRedirect(
            reverse("tickets:queue") + (f"?{query}" if len(query) < 2000 else "")
        )


class SavedViewChangeView(StaffOnlyMixin, View):
    """Rename a saved view or (un)share it: its owner, or an admin if shared."""

    http_method_names = ["post"]

    def post(self, request, pk):
        view = selectors.saved_view_get(user=request.user, pk=pk)
        if not policies.can_change_saved_view(request.user, view):
            raise PermissionDenied(_("You cannot change this view."))
        form = SavedViewRenameForm(request.POST, view=view)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("tickets:saved_views")
        try:
            services.saved_view_update(
                view=view,
                by=request.user,
                name=form.cleaned_data["name"],
                shared=form.cleaned_data["shared"],
            )
        except ValidationError as error:
            for message in _messages(error):
                messages.error(request, message)
            return redirect("tickets:saved_views")
        messages.success(request, _("The view is saved."))
        return redirect("tickets:saved_views")


class SavedViewDeleteView(StaffOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        view = selectors.saved_view_get(user=request.user, pk=pk)
        if not policies.can_change_saved_view(request.user, view):
            raise PermissionDenied(_("You cannot delete this view."))
        services.saved_view_delete(view=view, by=request.user)
        messages.success(
            request, _("The view “%(name)s” is deleted.") % {"name": view.name}
        )
        return redirect("tickets:saved_views")
