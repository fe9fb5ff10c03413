"""The shape of `GET /api/reports/summary` (also its OpenAPI schema)."""

from rest_framework import serializers


class CountSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True, help_text="Code, id or name (null: unassigned)."
    )
    label = serializers.CharField(help_text="In the caller's language.")
    count = serializers.IntegerField()


class BacklogSerializer(serializers.Serializer):
    open = serializers.IntegerField(help_text="New, in progress or waiting, now.")
    by_status = CountSerializer(many=True)
    by_category = CountSerializer(many=True, help_text="Open tickets.")
    by_priority = CountSerializer(many=True, help_text="Open tickets.")
    by_assignee = CountSerializer(many=True, help_text="Open tickets.")


class FlowSerializer(serializers.Serializer):
    bucket = serializers.DateField(help_text="The day, or the Monday of the week.")
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()


class TimesSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_blank=True)
    answered = serializers.IntegerField(
        help_text="Tickets first answered in the period."
    )
    first_response_median = serializers.IntegerField(
        allow_null=True, help_text="Working seconds."
    )
    first_response_p90 = serializers.IntegerField(
        allow_null=True, help_text="Working seconds."
    )
    resolved = serializers.IntegerField(help_text="Tickets resolved in the period.")
    resolution_median = serializers.IntegerField(
        allow_null=True, help_text="Working seconds."
    )
    resolution_p90 = serializers.IntegerField(
        allow_null=True, help_text="Working seconds."
    )


class TimesGroupsSerializer(serializers.Serializer):
    overall = TimesSerializer()
    by_category = TimesSerializer(many=True)
    by_agent = TimesSerializer(many=True, help_text="By current assignee.")


class SlaSerializer(serializers.Serializer):
    resolved_with_targets = serializers.IntegerField()
    met = serializers.IntegerField()
    breached = serializers.IntegerField()
    compliance_percent = serializers.FloatField(allow_null=True)
    first_responses_with_due = serializers.IntegerField()
    first_responses_on_time = serializers.IntegerField()
    first_response_percent = serializers.FloatField(allow_null=True)
    overdue_now = serializers.IntegerField()


class ReopensSerializer(serializers.Serializer):
    reopens = serializers.IntegerField()
    reopened_tickets = serializers.IntegerField()
    resolutions = serializers.IntegerField()
    rate_percent = serializers.FloatField(allow_null=True)


class BusiestSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Tickets created in the period.")
    categories = CountSerializer(many=True)
    locations = CountSerializer(many=True)


class SatisfactionSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="Ratings of resolutions made in the period."
    )
    good = serializers.IntegerField()
    bad = serializers.IntegerField()
    good_percent = serializers.FloatField(allow_null=True)


class PeriodSerializer(serializers.Serializer):
    to = serializers.DateField(help_text="The last day (included).")
    bucket = serializers.ChoiceField(
        choices=["day", "week"], help_text="How `flow` groups."
    )

    def get_fields(self):
        # `from` is a Python keyword, so it cannot be declared as an attribute.
        fields = {"from": serializers.DateField(help_text="The first day.")}
        return {**fields, **super().get_fields()}


class ReportSummarySerializer(serializers.Serializer):
    period = PeriodSerializer()
    backlog = BacklogSerializer()
    flow = FlowSerializer(many=True)
    times = TimesGroupsSerializer()
    sla = SlaSerializer()
    reopens = ReopensSerializer()
    busiest = BusiestSerializer()
    satisfaction = SatisfactionSerializer()
