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
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.admin import CategoryAgentInline

from . import policies, presenters, services
from .models import (
    CannedReply,
    Category,
    Comment,
    Incident,
    IncidentSubscriber,
    Priority,
    SatisfactionRating,
    Status,
    Tag,
    Ticket,
    TicketCC,
    TicketEvent,
    TicketFollower,
)

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


class TicketCCInline(ReadOnlyInline):
    """Who is copied on the ticket; added and removed through the services."""

    model = TicketCC
    fields = ("user", "added_by", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "added_by")


class TicketFollowerInline(ReadOnlyInline):
    """The staff who follow the ticket; they follow and unfollow on its page."""

    model = TicketFollower
    fields = ("user", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


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
    inlines = (TicketCCInline, TicketFollowerInline, CommentInline, TicketEventInline)
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


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    """The team's shared canned replies; the agents keep their own ones (API)."""

    list_display = ("title", "language", "updated_at")
    list_filter = ("language",)
    search_fields = ("title", "body")
    fields = ("title", "language", "body")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(owner=None)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.fields}
        if change:
            services.canned_reply_update(canned=obj, by=request.user, **data)
        else:
            created = services.canned_reply_create(by=request.user, shared=True, **data)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.canned_reply_delete(canned=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for canned in queryset:
            services.canned_reply_delete(canned=canned, by=request.user)


class TagAdminForm(forms.ModelForm):
    """A tag's new name, normalised, refused if another tag has it."""

    class Meta:
        model = Tag
        fields = ("name",)

    def clean_name(self):
        try:
            name = services.tag_name_normalize(self.cleaned_data["name"], field="name")
        except ValidationError as error:
            raise ValidationError(error.message_dict["name"]) from None
        if any(tag.pk != self.instance.pk for tag in services.tags_by_name([name])):
            raise ValidationError(
                _("Another tag is called “%(name)s”: merge the two instead."),
                code="duplicate_tag",
                params={"name": name},
            )
        return name


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """The staff-only tags: rename, merge (action) and delete, via the services.

    Tags are made by tagging tickets (the ticket page, the queue, the API), so
    there is no add form here.
    """

    form = TagAdminForm
    list_display = ("name", "ticket_count", "created_at")
    search_fields = ("name",)
    actions = ("merge_selected",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ticket_count=Count("tickets"))

    @admin.display(description=_("tickets"), ordering="ticket_count")
    def ticket_count(self, tag):
        return tag.ticket_count

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.tag_rename(tag=obj, name=form.cleaned_data["name"], by=request.user)

    def delete_model(self, request, obj):
        services.tags_delete(tags=[obj], by=request.user)

    def delete_queryset(self, request, queryset):
        services.tags_delete(tags=list(queryset), by=request.user)

    @admin.action(description=_("Merge the selected tags into the most used one"))
    def merge_selected(self, request, queryset):
        tags = sorted(queryset, key=lambda tag: (-tag.ticket_count, tag.pk))
        if len(tags) < 2:
            self.message_user(
                request, _("Select at least two tags to merge."), messages.WARNING
            )
            return
        services.tags_merge(tags=tags, into=tags[0], by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)s tag merged into “%(name)s”.",
                "%(count)s tags merged into “%(name)s”.",
                len(tags) - 1,
            )
            % {"count": len(tags) - 1, "name": tags[0].name},
            messages.SUCCESS,
        )


class IncidentSubscriberInline(admin.TabularInline):
    model = IncidentSubscriber
    extra = 0
    fields = ("user", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Outage notices, to look up: they are opened, linked and resolved on the
    staff pages (/incidents/), whose services answer the linked tickets."""

    list_display = ("title", "status", "category", "created_at", "resolved_at")
    list_filter = ("status", "category")
    search_fields = ("title", "message", "locations")
    date_hierarchy = "created_at"
    list_select_related = ("category",)
    inlines = [IncidentSubscriberInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    """Requesters' ratings, to look up: only requesters rate (the ticket page,
    the API and the e-mail's links, through `services.satisfaction_rate`)."""

    list_display = ("ticket", "rating", "resolved_at", "updated_at", "requester")
    list_filter = ("rating",)
    search_fields = ("comment",)
    date_hierarchy = "resolved_at"
    list_select_related = ("ticket", "requester")
    fields = ("ticket", "requester", "rating", "comment", "resolved_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
