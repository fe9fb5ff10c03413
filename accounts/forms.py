"""HTML forms for signing in and (re)setting passwords."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .models import User, normalize_email_address
from .services import SignInLocked, sign_in_authenticate


class SignInForm(AuthenticationForm):
    """Django's sign-in form, counting failures in the shared throttle."""

    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or password is incorrect."),
        "locked": SignInLocked.message,
    }

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            try:
                self.user_cache = sign_in_authenticate(
                    request=self.request, email=email, password=password
                )
            except SignInLocked:
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked"
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class SetPasswordLinkForm(PasswordResetForm):
    """Password reset that also reaches accounts created without a password.

    Django's form skips users with an unusable password; accounts created by the
    directory sync have none yet, and this is how they get their first one.
    """

    def get_users(self, email):
        return User.objects.filter(
            email__iexact=normalize_email_address(email), is_active=True
        ).iterator()
