from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_staff_member

from .models import NotificationKind, NotificationPreference

# The kinds of event each kind of user can receive.
REQUESTER_KINDS = (
    NotificationKind.TICKET_CREATED,
    NotificationKind.REPLY_STAFF,
    # From the others on their ticket: the requester or someone CC'd.
    NotificationKind.REPLY_REQUESTER,
    NotificationKind.STATUS_CHANGED,
    NotificationKind.CC_ADDED,
    NotificationKind.MERGED,
    NotificationKind.INCIDENT_RESOLVED,
)

# What those kinds mean to a requester, where the staff's wording would mislead.
REQUESTER_LABELS = {
    "email_reply_requester": _("replies from the requester or people copied (CC)"),
}


def preference_fields_for(user) -> list[str]:
    kinds = NotificationKind.values if is_staff_member(user) else REQUESTER_KINDS
    return [f"email_{kind}" for kind in kinds]


class PreferenceForm(forms.ModelForm):
    """E-mail on/off per kind of event; only the kinds the user can receive."""

    class Meta:
        model = NotificationPreference
        fields = [f"email_{kind}" for kind in NotificationKind.values]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        shown = set(preference_fields_for(user))
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
        if not is_staff_member(user):
            for name, label in REQUESTER_LABELS.items():
                self.fields[name].label = label
