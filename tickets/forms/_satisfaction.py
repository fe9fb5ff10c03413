"""The satisfaction form: the ticket page's and the e-mail link's confirmation page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Satisfaction
from ..services.satisfaction import MAX_COMMENT_LENGTH


class SatisfactionForm(forms.Form):
    """Good or bad, and an optional comment (the service checks them again)."""

    rating = forms.ChoiceField(
        label=_("How did we do?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose “good” or “bad”.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=MAX_COMMENT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only you and the IT team see it."),
    )
