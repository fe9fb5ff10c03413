"""The HTML pages: the requester portal and the staff queue.

Thin views: reads go through `selectors` (always scoped by `visible_to`),
writes through `services`, and who may do what is asked of `policies`. A
service's ValidationError goes back onto the form that caused it, with what the
user typed; success redirects (Post/Redirect/Get).
"""

from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.models import User

from . import cache as ticket_cache
from . import policies, selectors, services
from .forms import (
    BulkActionForm,
    CloseForm,
    QueueFilterForm,
    ReplyForm,
    StaffUpdateForm,
    TicketCreateForm,
    TicketListForm,
    TicketOnBehalfForm,
    VersionForm,
    add_service_errors,
    encode_cursor,
    is_conflict,
)
from .models import Category, EventKind, Priority, Status, Ticket
from .templatetags import tickets_ui
from .templatetags.tickets_ui import display_name

SERVICE_ERRORS = (ValidationError, PermissionDenied, Http404)


def staff_list():
    """Agents and admins, for the assignee menus (one query per page)."""
    return list(User.objects.staff().order_by("name", "email"))


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


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


class TicketListMixin:
    """A filtered ticket list paged by cursor ("next" / "previous" links)."""

    list_url_name = ""
    render_rows = None  # (tickets, viewer) -> the rows' HTML

    content_template = ""

    def get(self, request, *args, **kwargs):
        """The whole page from the versioned cache (tickets/cache.py).

        On a cache hit the view runs no query of its own: the key holds the
        data version, the viewer and the full path; the CSRF token and the
        unread badge are this request's own.
        """
        key = (
            ticket_cache.page_key(request, self.list_url_name)
            if ticket_cache.enabled()
            else None
        )
        return ticket_cache.cached_page(request, key, self.render_whole)

    def render_whole(self, csrf_token, badge_mark) -> str:
        context = self.get_context_data(
            **self.render_content(csrf_token),
            csrf_token=csrf_token,
            badge_mark=badge_mark,
        )
        return render_to_string(self.template_name, context, request=self.request)

    def render_content(self, csrf_token) -> dict:
        context = {**self.content_context(), "csrf_token": csrf_token}
        html = render_to_string(self.content_template, context, request=self.request)
        return {"content_html": html}

    def rows_of(self, queryset, form):
        """`page_of`, with its rows rendered."""
        page = self.page_of(queryset, form)
        rows = page["tickets"]
        page["has_rows"] = bool(rows)
        page["rows_html"] = self.render_rows(rows, self.request.user)
        return page

    def page_of(self, queryset, form):
        position, backwards = form.position()
        ordering = form.chosen_ordering
        rows, more = selectors.ticket_keyset_page(
            queryset,
            ordering=ordering,
            size=form.chosen_page_size,
            position=position,
            backwards=backwards,
        )
        has_next = True if backwards else more
        has_previous = more if backwards else position is not None
        links = {"next_url": None, "previous_url": None}
        if rows and has_next:
            links["next_url"] = self.link(
                encode_cursor(rows[-1], ordering=ordering, backwards=False)
            )
        if has_previous:
            cursor = (
                encode_cursor(rows[0], ordering=ordering, backwards=True)
                if rows
                else ""
            )
            links["previous_url"] = self.link(cursor)
        return {"tickets": rows, **links}

    def link(self, cursor: str) -> str:
        query = self.request.GET.copy()
        query.pop("cursor", None)
        if cursor:
            query["cursor"] = cursor
        return self.list_url() + (f"?{query.urlencode()}" if query else "")

    def list_url(self) -> str:
        return reverse(self.list_url_name)


class MyTicketsView(LoginRequiredMixin, TicketListMixin, TemplateView):
    """A requester's own tickets, most recently updated first."""

    template_name = "tickets/my_tickets.html"
    content_template = "tickets/my_tickets_content.html"
    list_url_name = "tickets:my_tickets"
    render_rows = staticmethod(tickets_ui.my_ticket_rows)

    def get_context_data(self, **kwargs):
        return super().get_context_data(nav="my_tickets", **kwargs)

    def content_context(self):
        user = self.request.user
        form = TicketListForm(self.request.GET)
        queryset = selectors.ticket_filter(
            Ticket.objects.visible_to(user).filter(requester=user),
            user=user,
            **form.filter_values(),
        )
        return {
            "form": form,
            "list_url": self.list_url(),
            **self.rows_of(queryset, form),
        }


class QueueView(StaffOnlyMixin, TicketListMixin, TemplateView):
    """The staff queue: filters, search, sort, counts per status, bulk changes.

    A fixed number of queries whatever the page size: the session and user,
    the staff and category menus, the counts, the page itself, the badge.
    """

    template_name = "tickets/queue.html"
    content_template = "tickets/queue_content.html"
    list_url_name = "tickets:queue"
    render_rows = staticmethod(tickets_ui.queue_rows)

    def get_context_data(self, **kwargs):
        return super().get_context_data(nav="queue", **kwargs)

    def content_context(self):
        user = self.request.user
        staff = selectors.staff_rows()
        form = QueueFilterForm(
            self.request.GET, staff=staff, categories=selectors.category_rows()
        )
        queryset = selectors.ticket_filter(
            Ticket.objects.visible_to(user), user=user, **form.filter_values()
        )
        counts = selectors.ticket_counts(user=user)
        return {
            "form": form,
            "list_url": self.list_url(),
            "status_tabs": self.status_tabs(counts, form.status_filter),
            "bulk_form": BulkActionForm(staff=staff),
            **self.rows_of(queryset, form),
        }

    def status_tabs(self, counts, current):
        """Links to each status with its count, keeping the other filters."""
        open_total = sum(counts[code] for code in selectors.OPEN_STATUSES)
        tabs = [("open", _("Open"), open_total)]
        tabs += [(code, label, counts[code]) for code, label in Status.choices]
        tabs.append(("all", _("All"), sum(counts.values())))
        query = self.request.GET.copy()
        query.pop("cursor", None)
        url = self.list_url()
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
        back = safe_next(request, reverse("tickets:queue"))
        form = BulkActionForm(request.POST, staff=staff_list())
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        tickets = selectors.ticket_list(user=request.user).filter(
            pk__in=form.cleaned_data["tickets"]
        )
        done, failed = 0, []
        for ticket in tickets:
            try:
                self.apply(form, ticket)
                done += 1
            except SERVICE_ERRORS as error:
                failed.append(f"{ticket.reference}: {' '.join(_messages(error))}")
        if done:
            messages.success(
                request,
                ngettext(
                    "%(count)s ticket changed.", "%(count)s tickets changed.", done
                )
                % {"count": done},
            )
        for failure in failed:
            messages.error(request, failure)
        return redirect(back)

    def apply(self, form, ticket):
        by = self.request.user
        if form.cleaned_data["operation"] == BulkActionForm.ASSIGN:
            return services.ticket_assign(
                ticket=ticket, assignee=form.assignee_for(by), by=by
            )
        return services.ticket_status_change(
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
        about = self.request.GET.get("about", "")
        if not about.isdigit() or len(about) > 18:
            return {}
        earlier = selectors.ticket_list(user=self.request.user).filter(pk=about).first()
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
        return redirect("tickets:detail", pk=ticket.pk)


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


class TicketPageMixin(TicketPolicyMixin):
    """Renders the ticket page with whichever of its forms came back with errors."""

    template_name = "tickets/ticket_detail.html"
    content_template = "tickets/ticket_detail_content.html"

    def render_page(self, ticket, **forms):
        """The page with the given forms (errors and all); never cached."""
        return ticket_cache.cached_page(
            self.request,
            None,
            lambda token, badge: self.render_whole(ticket, token, badge, forms),
        )

    def render_whole(self, ticket, csrf_token, badge_mark, forms=None) -> str:
        is_staff = policies.is_staff_member(self.request.user)
        context = {
            "nav": "queue" if is_staff else "my_tickets",
            **self.render_content(ticket, csrf_token, forms),
            "csrf_token": csrf_token,
            "badge_mark": badge_mark,
        }
        return render_to_string(self.template_name, context, request=self.request)

    def render_content(self, ticket, csrf_token, forms=None) -> dict:
        context = {
            **self.page_context(ticket, **(forms or {})),
            "csrf_token": csrf_token,
        }
        return {
            "title_html": escape(f"{ticket.reference} {ticket.title}"),
            "content_html": render_to_string(
                self.content_template, context, request=self.request
            ),
        }

    def page_context(self, ticket, **forms):
        user = self.request.user
        is_staff = policies.is_staff_member(user)
        staff = selectors.staff_rows() if is_staff else []
        context = {
            "nav": "queue" if is_staff else "my_tickets",
            "ticket": ticket,
            "comments": selectors.comment_rows(user=user, ticket=ticket),
            "timeline": timeline(
                selectors.event_rows(user=user, ticket=ticket), viewer=user
            ),
            "is_staff": is_staff,
            "can_reply": policies.can_reply(user, ticket),
            "can_close": policies.can_close_ticket(user, ticket),
            "can_see_contact": policies.can_see_contact_details(user, ticket.requester),
            "reply_form": ReplyForm(user=user, ticket=ticket),
            "close_form": CloseForm(initial={"version": ticket.version}),
        }
        if policies.can_edit_staff_fields(user, ticket):
            context["staff_form"] = StaffUpdateForm(ticket=ticket, staff=staff)
        if policies.can_assign(user, ticket) and ticket.assignee_id != user.pk:
            context["assign_form"] = VersionForm(initial={"version": ticket.version})
        context.update(forms)
        return context


class TicketDetailView(TicketPageMixin, View):
    def get(self, request, pk):
        """The page from the versioned cache, keyed by ticket and viewer.

        The viewer is in the key, so a requester's entry (rendered without the
        internal notes, files and history) is never anyone else's; every
        change to the ticket, its comments (internal notes too), files or
        history raises the data version in its own transaction.
        """
        key = (
            ticket_cache.page_key(request, "tickets:detail", pk)
            if ticket_cache.enabled()
            else None
        )
        return ticket_cache.cached_page(
            request,
            key,
            lambda token, badge: self.render_whole(self.get_ticket(), token, badge),
        )


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
        if not form.is_valid():
            return self.render_page(ticket, reply_form=form)
        try:
            comment = services.ticket_reply(
                ticket=ticket,
                by=user,
                body=form.cleaned_data["body"],
                internal=form.internal,
            )
        except SERVICE_ERRORS as error:
            return self.reply_refused(form, error)
        if comment.internal:
            messages.success(self.request, _("Internal note added."))
        else:
            messages.success(self.request, _("Your reply was sent."))
        url = reverse("tickets:detail", kwargs={"pk": ticket.pk})
        return redirect(f"{url}#comment-{comment.pk}")

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
        form = StaffUpdateForm(self.request.POST, ticket=ticket, staff=staff_list())
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
        messages.success(self.request, _("The ticket is assigned to you."))
        return redirect("tickets:detail", pk=ticket.pk)


# --- History ----------------------------------------------------------------------------


def timeline(events, *, viewer) -> list[dict]:
    """Each history entry with a sentence saying what happened."""
    events = list(events)
    people_ids = {
        int(value)
        for event in events
        if event.kind == EventKind.ASSIGNED
        for value in (event.old_value, event.new_value)
        if value.isdigit()
    }
    people = (
        {person.pk: person for person in User.objects.filter(pk__in=people_ids)}
        if people_ids
        else {}
    )
    categories = (
        {category.slug: category for category in Category.objects.all()}
        if any(event.kind == EventKind.CATEGORY_CHANGED for event in events)
        else {}
    )
    return [
        {"event": event, "text": _sentence(event, viewer, people, categories)}
        for event in events
    ]


def _value(event, value, viewer, people, categories) -> str:
    if event.kind == EventKind.ASSIGNED:
        person = people.get(int(value)) if value.isdigit() else None
        return display_name(person, viewer) if person else _("nobody")
    if event.kind == EventKind.STATUS_CHANGED and value in Status.values:
        return Status(value).label
    if event.kind == EventKind.PRIORITY_CHANGED and value in Priority.values:
        return Priority(value).label
    if event.kind == EventKind.CATEGORY_CHANGED and value in categories:
        return categories[value].name
    return value


def _field_name(field: str) -> str:
    return _field_label(field, translation.get_language())


@lru_cache(maxsize=256)
def _field_label(field: str, language: str) -> str:
    """A ticket field's name in the language (most entries have no field)."""
    try:
        return str(Ticket._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


# What each kind of history entry says; only the one shown is translated.
SENTENCES = {
    EventKind.CREATED: gettext_lazy("%(who)s opened the ticket."),
    EventKind.REPLIED: gettext_lazy("%(who)s replied."),
    EventKind.INTERNAL_NOTE: gettext_lazy("%(who)s added an internal note."),
    EventKind.STATUS_CHANGED: gettext_lazy(
        "%(who)s changed the status from %(old)s to %(new)s."
    ),
    EventKind.PRIORITY_CHANGED: gettext_lazy(
        "%(who)s changed the priority from %(old)s to %(new)s."
    ),
    EventKind.CATEGORY_CHANGED: gettext_lazy(
        "%(who)s changed the category from %(old)s to %(new)s."
    ),
    EventKind.DETAILS_CHANGED: gettext_lazy(
        "%(who)s edited the ticket details (%(field)s)."
    ),
    EventKind.ATTACHMENT_ADDED: gettext_lazy("%(who)s attached a file %(new)s."),
}
ASSIGNED = gettext_lazy("%(who)s assigned the ticket to %(new)s.")
UNASSIGNED = gettext_lazy("%(who)s unassigned the ticket.")


def _sentence(event, viewer, people, categories) -> str:
    who = display_name(event.actor, viewer)
    old = _value(event, event.old_value, viewer, people, categories)
    new = _value(event, event.new_value, viewer, people, categories)
    values = {"who": who, "old": old, "new": new, "field": _field_name(event.field)}
    if event.kind == EventKind.ASSIGNED:
        template = ASSIGNED if event.new_value else UNASSIGNED
    else:
        template = SENTENCES.get(event.kind, "%(who)s: %(field)s %(new)s")
    return str(template) % values


def home_page(request):
    """`/` for a signed-in user: the queue for staff, "my tickets" otherwise."""
    if policies.is_staff_member(request.user):
        return QueueView.as_view()(request)
    return MyTicketsView.as_view()(request)
