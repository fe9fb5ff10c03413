"""Service levels: the school's working calendar and the targets per priority.

Targets are working time in minutes: a "day" in a target is the calendar's
working day (9 hours with the default Mon–Fri 09:00–18:00). Korean public
holidays (substitute days included) come from the `holidays` package, not
from these tables; closures and special hours are kept here by the admins.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Category, Priority


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def check_hours(opens, closes):
    if opens is not None and closes is not None and opens >= closes:
        raise ValidationError(
            {"closes": _("The closing time must be after the opening time.")}
        )


class WorkingHours(models.Model):
    """The regular hours of one weekday; a weekday without a row is closed."""

    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, unique=True
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["weekday"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="sla_hours_opens_before_closes",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        check_hours(self.opens, self.closes)


class Closure(models.Model):
    """A day the IT team does not work, besides weekends and public holidays."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class SpecialHours(models.Model):
    """Other hours for a period (a vacation): they replace the regular hours
    on the days that have regular hours; closed days stay closed."""

    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("special hours")
        verbose_name_plural = _("special hours")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes"))
                & models.Q(starts_on__lte=models.F("ends_on")),
                name="sla_special_hours_valid",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.starts_on} – {self.ends_on})"

    def clean(self):
        check_hours(self.opens, self.closes)
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError(
                {"ends_on": _("The last day must not be before the first day.")}
            )


class Policy(models.Model):
    """Targets for one priority; with a category, for that category only."""

    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every category without a target of its own."),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response (working minutes)"),
        help_text=_("Working time; a working day is 540 minutes (09:00–18:00)."),
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (working minutes)"),
        help_text=_("Working time; a working day is 540 minutes (09:00–18:00)."),
    )

    class Meta:
        verbose_name = _("service level target")
        verbose_name_plural = _("service level targets")
        ordering = ["category_id", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority"],
                condition=models.Q(category__isnull=True),
                name="sla_policy_default_unique",
            ),
            models.UniqueConstraint(
                fields=["priority", "category"],
                condition=models.Q(category__isnull=False),
                name="sla_policy_category_unique",
            ),
        ]

    def __str__(self):
        return f"{self.get_priority_display()} · {self.category or _('all categories')}"
