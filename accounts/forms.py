"""HTML forms for signing in and (re)setting passwords."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .backends import sign_in_was_locked
from .models import Language, User
from .throttling import SignInLocked


class LockedMessageMixin:
    """Say "locked" instead of "incorrect" when the sign-in limits refused.

    The counting itself is in the authentication backend, which Django's forms
    reach through authenticate(); this only chooses the message.
    """

    def get_invalid_login_error(self):
        if sign_in_was_locked(self.request):
            return forms.ValidationError(SignInLocked.message, code="locked")
        return super().get_invalid_login_error()


class SignInForm(LockedMessageMixin, AuthenticationForm):
    """Django's sign-in form, with the e-mail as the user name."""

    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or password is incorrect."),
    }


class AdminSignInForm(LockedMessageMixin, AdminAuthenticationForm):
    """The admin site's sign-in form (servicedesk/urls.py), same message."""


class SetPasswordLinkForm(PasswordResetForm):
    """Password reset that also reaches accounts created without a password.

    Django's form skips users with an unusable password; accounts created by the
    directory sync have none yet, and this is how they get their first one.
    """

    def get_users(self, email):
        return User.objects.by_email(email).filter(is_active=True).iterator()


class LanguageForm(forms.Form):
    """The settings page: which language the user reads the desk in."""

    language = forms.ChoiceField(
        label=_("Language"),
        # Each language in its own name, as the header's switch shows them.
        choices=[(Language.KOREAN, "한국어"), (Language.ENGLISH, "English")],
        widget=forms.RadioSelect,
        help_text=_("Pages, e-mails and notifications use this language."),
    )
