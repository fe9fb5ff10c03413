"""Sign-in, sign-out and password pages (Django's own views, our templates)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import throttling
from .forms import SetPasswordLinkForm, SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SetPasswordLinkForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"app_base_url": settings.APP_BASE_URL}
    throttled_message = _(
        "Too many requests for a password link. Please try again later."
    )

    def form_valid(self, form):
        # Limited per e-mail (account or not: the answer is the same) and per
        # client address, so nobody can fill a mailbox with links.
        allowed = throttling.password_reset_allowed(
            form.cleaned_data["email"], throttling.client_address(self.request)
        )
        if not allowed:
            form.add_error(None, ValidationError(self.throttled_message, code="limit"))
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    pass
