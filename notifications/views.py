"""The notifications page, opening and marking read, the e-mail preferences page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from servicedesk.redirects import safe_next_url

from . import selectors, services
from .forms import PreferenceForm


def _back(request):
    """Back where the form came from when that is on this site, else the list."""
    return redirect(safe_next_url(request, reverse("notifications:list")))


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)


class OpenView(LoginRequiredMixin, View):
    """A notification's link: marks it read, then shows its ticket.

    A GET (it is a link) whose only effect is idempotent: read stays read.
    """

    def get(self, request, pk):
        notification = get_object_or_404(
            selectors.notification_list(user=request.user), pk=pk
        )
        services.notification_mark_read(notification=notification, user=request.user)
        if notification.ticket_id is None:  # news of an outage notice
            return redirect("home")
        return redirect("tickets:detail", notification.ticket_id)


class MarkReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        notification = get_object_or_404(
            selectors.notification_list(user=request.user), pk=pk
        )
        services.notification_mark_read(notification=notification, user=request.user)
        return _back(request)


class MarkAllReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        services.notification_mark_all_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return _back(request)


class PreferenceView(LoginRequiredMixin, FormView):
    template_name = "notifications/preferences.html"
    form_class = PreferenceForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["instance"] = selectors.preference_get(user=self.request.user)
        return kwargs

    def form_valid(self, form):
        services.preference_update(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your e-mail settings are saved."))
        return redirect("notifications:preferences")
