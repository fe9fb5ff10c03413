"""Sign-in, sign-out, password and settings pages, and the language switch.

Django's own views with our templates, wherever Django has one.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import i18n
from django.views.generic import FormView

from . import services, throttling
from .forms import LanguageForm, SetPasswordLinkForm, SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        # The language the sign-in page was read in (the switch's cookie) is
        # the one the user just chose: keep it rather than fall back.
        response = super().form_valid(form)
        language = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language in dict(settings.LANGUAGES):
            services.user_language_set(user=form.get_user(), language=language)
        return response


class SignOutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SetPasswordLinkForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    throttled_message = _(
        "Too many requests for a password link. Please try again later."
    )

    @property
    def extra_email_context(self):
        # Read per request: a class attribute would keep the value of import time.
        return {"app_base_url": settings.APP_BASE_URL}

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


def set_language(request):
    """The header's switch: Django's set_language, saved on a signed-in user.

    The cookie keeps the choice for signed-out pages; the user's `language`
    decides their pages on every device, their e-mails and notifications.
    """
    response = i18n.set_language(request)
    language = request.POST.get("language")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        services.user_language_set(user=request.user, language=language)
    return response


class AccountSettingsView(LoginRequiredMixin, FormView):
    """The signed-in user's settings: the language (e-mail ones are linked)."""

    template_name = "registration/settings.html"
    form_class = LanguageForm
    extra_context = {"nav": "settings"}

    def get_initial(self):
        return {"language": self.request.user.language}

    def form_valid(self, form):
        language = form.cleaned_data["language"]
        services.user_language_set(user=self.request.user, language=language)
        with translation.override(language):
            messages.success(
                self.request, translation.gettext("Your settings are saved.")
            )
        response = redirect("accounts:settings")
        # Signed-out pages on this browser follow the choice too.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
