"""Limits and helpers shared by the pages' forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

MAX_TEXT_LENGTH = 20000
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
MAX_BULK_TICKETS = 100

phone_validator = RegexValidator(
    r"^[0-9+()\-.\s]{3,40}$",
    _("Use digits, spaces and + - ( ) only, for example 02-1234-5678."),
)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, beside its field if it has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def is_conflict(error: ValidationError) -> bool:
    """True when a service refused a stale form (an older ticket `version`)."""
    if hasattr(error, "error_dict"):
        return False
    return any(item.code == "conflict" for item in error.error_list)


class TickedTicketsField(forms.Field):
    """The ids of the tickets ticked in a list: whole numbers in a bigint ("²" is
    not one), each once, sorted, at most `limit` (`too_many` says so)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Tick at least one ticket first."),
        "invalid": _("Tick tickets from the list."),
    }

    def __init__(self, *, limit: int, too_many, **kwargs):
        self.limit, self.too_many = limit, too_many
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        ticket_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
        try:
            ids = sorted({ticket_id.clean(item) for item in value})
        except ValidationError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None
        if len(ids) > self.limit:
            raise ValidationError(
                self.too_many, code="too_many", params={"limit": self.limit}
            )
        return ids
