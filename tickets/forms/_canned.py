"""The reply form's canned-reply picker, for pages without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ._common import MAX_TEXT_LENGTH


class CannedInsertForm(forms.Form):
    """The reply form's "Insert": the canned reply chosen, and what was typed.

    Sent with the whole reply form, so nothing typed is lost; the page comes
    back with the filled-in text added to the message, and nothing is sent.
    """

    canned = forms.ModelChoiceField(
        label=_("Canned reply"),
        queryset=None,
        error_messages={
            "required": _("Choose a canned reply."),
            "invalid_choice": _("That canned reply is no longer there."),
        },
    )
    body = forms.CharField(required=False, strip=False, max_length=MAX_TEXT_LENGTH)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["canned"].queryset = selectors.canned_reply_list(user=user)

    def message_with(self, filled: str) -> str:
        """The typed message with the canned reply's text after it."""
        typed = self.cleaned_data["body"].rstrip()
        return f"{typed}\n\n{filled}" if typed else filled
