"""The SLA calendar and targets, kept by the admins."""

from django.contrib import admin

from .models import Closure, Policy, SpecialHours, WorkingHours


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens", "closes"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


@admin.register(SpecialHours)
class SpecialHoursAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "opens", "closes"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = [
        "priority",
        "category",
        "first_response_minutes",
        "resolution_minutes",
    ]
    list_filter = ["priority", "category"]
    list_select_related = ["category"]
