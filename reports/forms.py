"""The report's period, from the query string (pages, CSV and API alike)."""

import datetime as dt
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from tickets import selectors as ticket_selectors

from .periods import CUSTOM, PERIOD_CHOICES, TERM, Period, local_today, period_for

# The report's own filters: a subset of the queue's, read by the same FilterSet.
FILTERS = ("category", "priority", "assignee")
# A custom period spans at most this many days (two school years).
MAX_DAYS = 731
# The dates a period may use: the day after the last must exist, and no
# helpdesk has tickets from before this.
EARLIEST, LATEST = dt.date(1970, 1, 1), dt.date(2999, 12, 31)


class PeriodForm(forms.Form):
    """`period` (term, month, week, custom) and, for custom, `from` and `to`.

    No period means this term, or a custom period when dates are given (the
    API's `?from=…&to=…`); a named period ignores dates. `from` and `to` are
    not Python names, so they are added in `__init__`.
    """

    period = forms.ChoiceField(
        label=_("Period"), choices=PERIOD_CHOICES, required=False
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or local_today()
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(
                    attrs={"type": "date", "min": EARLIEST, "max": LATEST},
                    format="%Y-%m-%d",
                ),
                input_formats=["%Y-%m-%d"],
                validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
            )

    def clean(self):
        data = super().clean()
        first, last = data.get("from"), data.get("to")
        kind = data.get("period") or (CUSTOM if first or last else TERM)
        data["period"] = kind
        if kind != CUSTOM:
            return data
        if "from" in self.errors or "to" in self.errors:
            return data
        if first is None or last is None:
            raise ValidationError(
                _("A custom period needs both a start and an end date."),
                code="incomplete_period",
            )
        if last < first:
            self.add_error("to", _("The end date is before the start date."))
        elif (last - first).days + 1 > MAX_DAYS:
            self.add_error(
                "to",
                _("A period can be at most %(days)s days long.") % {"days": MAX_DAYS},
            )
        return data

    def get_period(self) -> Period:
        """The chosen period (call after `is_valid()`)."""
        data = self.cleaned_data
        if data["period"] == CUSTOM:
            return Period(data["from"], data["to"])
        return period_for(data["period"], today=self.today)


class ReportQuery:
    """A report's query string: the period and the queue's filters, checked.

    The filters are read by the queue's FilterSet (`category`, `priority`,
    `assignee`), so they mean and check exactly what they do on the queue.
    `menus` gives its form drop-down menus (the page).
    """

    def __init__(self, data, *, user, menus: dict | None = None):
        self.data = data
        self.period_form = PeriodForm(data)
        self.filterset = ticket_selectors.ticket_filterset(
            user=user, filters=data, menus=menus
        )

    @cached_property
    def errors(self) -> dict[str, list[str]]:
        """{field: [message]} for what is wrong; empty when the report can run."""
        errors = {}
        if not self.period_form.is_valid():
            errors.update(self.period_form.errors)
        if not self.filterset.is_valid():
            errors.update(
                (name, messages)
                for name, messages in self.filterset.errors.items()
                if name in FILTERS
            )
        return {
            "non_field_errors" if name == "__all__" else name: list(messages)
            for name, messages in errors.items()
        }

    @property
    def period(self) -> Period:
        return self.period_form.get_period()

    @property
    def filters(self) -> dict[str, str]:
        return {name: self.data.get(name, "") for name in FILTERS}
