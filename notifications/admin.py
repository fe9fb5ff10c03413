from django.conf import settings
from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox
from .models import (
    CategoryAgent,
    Notification,
    NotificationPreference,
    OutboundEmail,
    OutboundEmailStatus,
)


class LanguageFilter(admin.SimpleListFilter):
    """The mail's language by its name ("한국어"), not its code ("ko")."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(language=self.value())
        return queryset


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    # Seven short columns fit next to the filters at 1280 px; the times of the next
    # attempt and of sending, and the whole subject and error, are on the mail's page.
    list_display = (
        "created_at",
        "to_address",
        "short_subject",
        "kind",
        "status",
        "attempts",
        "short_error",
    )
    list_filter = ("status", "kind", LanguageFilter, "rendered")
    search_fields = ("to_address", "subject", "message_id", "last_error")
    date_hierarchy = "created_at"
    list_select_related = ()
    actions = ["retry", "mark_failed"]
    # Every field, read-only; the language by its name rather than its code.
    fields = [
        "language_name" if field.name == "language" else field.name
        for field in OutboundEmail._meta.fields
        if field.name != "id"
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        # Mails are queued by ticket changes only.
        return False

    def has_change_permission(self, request, obj=None):
        # Viewable, never edited by hand; actions change the state.
        return False

    @admin.display(description=_("language"))
    def language_name(self, obj):
        return dict(settings.LANGUAGES).get(obj.language, obj.language)

    @admin.display(description=_("subject"), ordering="subject")
    def short_subject(self, obj):
        return Truncator(obj.subject).chars(60)

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return Truncator(obj.last_error).chars(60)

    @admin.action(description=_("Retry sending (failed or pending mails)"))
    def retry(self, request, queryset):
        count = outbox.outbound_retry(queryset)
        self.message_user(
            request,
            ngettext("%d mail queued again.", "%d mails queued again.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Give up (mark pending mails failed)"))
    def mark_failed(self, request, queryset):
        count = outbox.outbound_mark_failed(
            queryset, reason=f"Marked failed by {request.user.email}."
        )
        self.message_user(
            request,
            ngettext("%d mail marked failed.", "%d mails marked failed.", count)
            % count,
            messages.WARNING,
        )

    def changelist_view(self, request, extra_context=None):
        failed = OutboundEmail.objects.filter(status=OutboundEmailStatus.FAILED).count()
        if failed and "status__exact" not in request.GET:
            self.message_user(
                request,
                ngettext(
                    "%d e-mail could not be delivered.",
                    "%d e-mails could not be delivered.",
                    failed,
                )
                % failed,
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "ticket", "text", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("recipient__email", "text")
    raw_id_fields = ("recipient", "actor", "ticket")
    list_select_related = ("recipient", "ticket")
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "email_ticket_created",
        "email_reply_staff",
        "email_reply_requester",
        "email_internal_note",
        "email_assigned",
        "email_status_changed",
        "email_sla_warning",
        "email_sla_breach",
    )
    search_fields = ("user__email", "user__name")
    raw_id_fields = ("user",)
    list_select_related = ("user",)


class CategoryAgentInline(admin.TabularInline):
    """For the categories' admin page: the agents named for a category."""

    model = CategoryAgent
    extra = 1
    autocomplete_fields = ()
    verbose_name = _("agent told of new tickets")
    verbose_name_plural = _("agents told of new tickets (empty: all agents)")


@admin.register(CategoryAgent)
class CategoryAgentAdmin(admin.ModelAdmin):
    list_display = ("category", "agent")
    list_filter = ("category",)
    search_fields = ("agent__email", "agent__name", "category__slug")
    list_select_related = ("category", "agent")
