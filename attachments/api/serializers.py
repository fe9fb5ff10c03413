"""Shapes of the attachment API; services do the checking."""

from django.urls import reverse
from rest_framework import serializers

from ..models import Attachment


class PresignRequestSerializer(serializers.Serializer):
    filename = serializers.CharField(
        max_length=1000, allow_blank=True, trim_whitespace=False
    )
    content_type = serializers.CharField(max_length=255)
    size = serializers.IntegerField(min_value=0)
    internal = serializers.BooleanField(default=False)


class PresignResponseSerializer(serializers.Serializer):
    upload_url = serializers.URLField(help_text="Absolute URL to send the file to.")
    method = serializers.CharField(help_text="Always PUT.")
    headers = serializers.DictField(
        child=serializers.CharField(),
        help_text="Headers the upload must carry exactly (the content type).",
    )
    key = serializers.CharField(help_text="Storage key to register afterwards.")
    expires_in = serializers.IntegerField(help_text="Seconds the URL stays valid.")


class RegisterRequestSerializer(PresignRequestSerializer):
    key = serializers.CharField(max_length=500)
    comment = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of a comment on this ticket."
    )


class UploaderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AttachmentSerializer(serializers.ModelSerializer):
    uploader = UploaderSerializer(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "ticket",
            "comment",
            "filename",
            "content_type",
            "size",
            "internal",
            "uploader",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        path = reverse("attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
