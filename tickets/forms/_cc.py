"""The ticket page's CC and follow forms; the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CCAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("Someone with an account here: they will see this ticket."),
    )


class CCRemoveForm(forms.Form):
    user = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class FollowForm(forms.Form):
    """Follow (true) or stop following (false) the ticket."""

    follow = forms.BooleanField(required=False, widget=forms.HiddenInput)
