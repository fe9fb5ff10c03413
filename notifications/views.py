"""The notifications page, mark read, and the e-mail preferences page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from . import services
from .forms import PreferenceForm
from .models import Notification
from .rendering import ticket_path


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user).select_related("ticket")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for notification in context["notifications"]:
            notification.url = ticket_path(notification.ticket)
        return context


def _back(request, fallback="notifications:list"):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


class MarkReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        notification = get_object_or_404(
            Notification.objects.for_user(request.user), pk=pk
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
        kwargs["instance"] = services.preference_get(user=self.request.user)
        return kwargs

    def form_valid(self, form):
        services.preference_update(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your e-mail settings are saved."))
        return redirect("notifications:preferences")
