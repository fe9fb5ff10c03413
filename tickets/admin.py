"""Django admin for tickets and categories.

Every change goes through `tickets.services`, as from the API: the add form calls
`ticket_create`, the change form `ticket_details_update` and `ticket_update`,
the actions `ticket_close` and `ticket_assign`. The form checks the status rules
with `tickets.policies` first, so a refused change is a form error, not a 500.
History and comments are shown read-only; tickets are never deleted.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.admin import CategoryAgentInline

from . import policies, presenters, services
from .models import Category, Comment, Priority, Status, Ticket, TicketEvent

DETAIL_FIELDS = ("title", "description", "location", "contact_phone")
WORKFLOW_FIELDS = ("status", "priority", "category", "assignee")
REFERENCE = re.compile(r"^(?:sd-?)?0*(\d{1,15})$", re.IGNORECASE)


class TicketAdminForm(forms.ModelForm):
    """Checks a change against the policies before the services write it."""

    user = None  # set by TicketAdmin.get_form

    class Meta:
        model = Ticket
        fields = ("requester", *DETAIL_FIELDS, *WORKFLOW_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            current = self.instance.category_id if self.instance.pk else None
            self.fields["category"].queryset = Category.objects.filter(
                is_active=True
            ) | Category.objects.filter(pk=current)

    def clean_status(self):
        status = self.cleaned_data["status"]
        ticket = self.instance
        changing = ticket.pk and status != ticket.status
        if changing and not policies.can_change_status(self.user, ticket, status):
            raise ValidationError(
                _("A ticket cannot go from “%(old)s” to “%(new)s”."),
                code="invalid_transition",
                params={
                    "old": Status(ticket.status).label,
                    "new": Status(status).label,
                },
            )
        return status

    def clean_assignee(self):
        assignee = self.cleaned_data.get("assignee")
        if assignee is not None and not policies.can_be_assigned(assignee):
            raise ValidationError(
                _("Tickets can only be assigned to active agents or admins."),
                code="invalid_assignee",
            )
        return assignee

    def clean_requester(self):
        requester = self.cleaned_data.get("requester")
        for_other = requester is not None and requester != self.user
        if for_other and not (requester.is_active and requester.is_requester):
            raise ValidationError(
                _("Tickets can be opened for active requesters only."),
                code="invalid_requester",
            )
        return requester


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = ("created_at", "author", "internal", "body")
    readonly_fields = fields
    ordering = ("created_at", "id")


class TicketEventInline(ReadOnlyInline):
    """The history, each entry in words as the ticket page says it (no raw codes)."""

    model = TicketEvent
    fields = ("created_at", "kind", "summary", "internal")
    readonly_fields = fields
    ordering = ("created_at", "id")
    verbose_name_plural = _("history")

    def __init__(self, parent_model, admin_site):
        super().__init__(parent_model, admin_site)
        self.sentences = {}  # event id -> sentence, filled by get_formset

    def get_formset(self, request, obj=None, **kwargs):
        # Inline instances are made per request, so the sentences belong to this one.
        if obj is not None:
            events = TicketEvent.objects.filter(ticket=obj).select_related("actor")
            self.sentences = {
                item["event"].pk: item["text"]
                for item in presenters.timeline(events, viewer=request.user)
            }
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("what happened"))
    def summary(self, event):
        return self.sentences.get(event.pk, "")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketAdminForm
    list_display = (
        "reference",
        "title",
        "status",
        "priority",
        "category",
        "requester",
        "assignee",
        "updated_at",
    )
    list_display_links = ("reference", "title")
    list_filter = (
        "status",
        "priority",
        "category",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    list_select_related = ("category", "requester", "assignee")
    search_fields = ("title", "description", "requester__email", "requester__name")
    search_help_text = _("Reference (SD-000123), title, description or requester.")
    date_hierarchy = "created_at"
    autocomplete_fields = ("requester", "assignee")
    inlines = (CommentInline, TicketEventInline)
    actions = ("close_selected", "assign_to_me")
    add_fieldsets = (
        (None, {"fields": ("requester", "title", "description", "category")}),
        (_("Details"), {"fields": ("priority", "location", "contact_phone")}),
    )
    change_fieldsets = (
        (None, {"fields": ("reference", "requester", *DETAIL_FIELDS)}),
        (_("Workflow"), {"fields": WORKFLOW_FIELDS}),
        (
            _("Times"),
            {
                "fields": (
                    "created_at",
                    "updated_at",
                    "first_responded_at",
                    "resolved_at",
                    "closed_at",
                    "version",
                )
            },
        ),
    )
    change_readonly_fields = (
        "reference",
        "requester",
        "created_at",
        "updated_at",
        "first_responded_at",
        "resolved_at",
        "closed_at",
        "version",
    )

    @admin.display(description=_("reference"), ordering="pk")
    def reference(self, ticket):
        return ticket.reference

    def get_fieldsets(self, request, obj=None):
        return self.change_fieldsets if obj else self.add_fieldsets

    def get_readonly_fields(self, request, obj=None):
        return self.change_readonly_fields if obj else ()

    def get_inlines(self, request, obj):
        return self.inlines if obj else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        match = REFERENCE.match(search_term.strip())
        if match:
            results |= queryset.filter(pk=int(match.group(1)))
        return results, may_have_duplicates

    def has_delete_permission(self, request, obj=None):
        return False  # tickets and their history are kept

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.ticket_create(
                by=request.user,
                requester=data["requester"],
                title=data["title"],
                description=data.get("description", ""),
                category=data["category"],
                priority=data.get("priority") or Priority.MEDIUM,
                location=data.get("location", ""),
                contact_phone=data.get("contact_phone", ""),
            )
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        changed = set(form.changed_data)
        details = {f: data[f] for f in DETAIL_FIELDS if f in changed}
        workflow = {f: data[f] for f in WORKFLOW_FIELDS if f in changed}
        if details:
            services.ticket_details_update(ticket=obj, by=request.user, **details)
        if workflow:
            services.ticket_update(ticket=obj, by=request.user, **workflow)
        obj.refresh_from_db()

    # --- actions --------------------------------------------------------------------

    def _run(self, request, queryset, change, done_message):
        done, refused = 0, []
        for ticket in queryset:
            try:
                change(ticket)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                reason = "; ".join(getattr(exc, "messages", None) or [str(exc)])
                refused.append(f"{ticket.reference}: {reason}")
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Close selected tickets"))
    def close_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda ticket: services.ticket_close(ticket=ticket, by=request.user),
            lambda n: ngettext("Closed %d ticket.", "Closed %d tickets.", n) % n,
        )

    @admin.action(description=_("Assign selected tickets to me"))
    def assign_to_me(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda ticket: services.ticket_assign(
                ticket=ticket, assignee=request.user, by=request.user
            ),
            lambda n: ngettext("Assigned %d ticket.", "Assigned %d tickets.", n) % n,
        )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_ko", "name_en", "is_active", "sort_order")
    list_editable = ("is_active", "sort_order")
    list_filter = ("is_active",)
    search_fields = ("slug", "name_ko", "name_en")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("sort_order", "slug")
    inlines = [CategoryAgentInline]
