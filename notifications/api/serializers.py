from rest_framework import serializers

from ..forms import preference_fields_for
from ..models import Notification, NotificationKind, NotificationPreference


class NotificationSerializer(serializers.ModelSerializer):
    ticket = serializers.IntegerField(
        source="ticket_id", read_only=True, allow_null=True
    )
    # Null for news of an outage notice ("incident_resolved").
    ticket_reference = serializers.CharField(
        source="ticket.reference", read_only=True, allow_null=True
    )
    read = serializers.BooleanField(source="is_read", read_only=True)
    text = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "ticket",
            "ticket_reference",
            "text",
            "read",
            "created_at",
        ]
        read_only_fields = fields

    def get_text(self, notification) -> str:
        """In the language the caller chose (`PATCH /api/me`)."""
        request = self.context.get("request")
        if request is None:
            return notification.display_text
        return notification.text_in(request.user.language)


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class PreferenceSerializer(serializers.ModelSerializer):
    """E-mail on/off per kind of event; every field optional on update."""

    class Meta:
        model = NotificationPreference
        fields = [f"email_{kind}" for kind in NotificationKind.values]
        extra_kwargs = {name: {"required": False} for name in fields}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self.context.get("user")
        if user is not None:
            shown = set(preference_fields_for(user))
            data = {name: value for name, value in data.items() if name in shown}
        return data
