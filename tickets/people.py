"""How people are named to a viewer: the one display-name rule.

Pages, the API and e-mails all name people through `display_name`, so a
requester never learns a nameless staff member's e-mail address anywhere.
"""

from django.utils.translation import gettext as _

from . import policies


def display_name(someone, viewer) -> str:
    """A person's name; their e-mail only for viewers allowed to see it."""
    if someone is None:
        return _("System")
    if someone.name:
        return someone.name
    if policies.can_see_contact_details(viewer, someone):
        return someone.email
    return _("IT staff") if someone.is_agent_or_admin else _("Requester")
