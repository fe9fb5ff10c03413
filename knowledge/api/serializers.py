"""JSON shapes of articles. Which articles a caller gets is `visible_to`'s job."""

from rest_framework import serializers

from tickets.api.serializers import CategorySerializer

from ..models import Article


class ArticleSummarySerializer(serializers.ModelSerializer):
    """An article in a list or a suggestion: enough to show and link it."""

    category = CategorySerializer(read_only=True, allow_null=True)
    url = serializers.CharField(
        source="absolute_url",
        read_only=True,
        help_text="The article's page, absolute (staff paste it into replies).",
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "language",
            "category",
            "status",
            "internal",
            "url",
            "updated_at",
        ]
        read_only_fields = fields


class ArticleSerializer(ArticleSummarySerializer):
    body_html = serializers.CharField(
        read_only=True, help_text="The Markdown body rendered and sanitised."
    )

    class Meta(ArticleSummarySerializer.Meta):
        fields = [
            *ArticleSummarySerializer.Meta.fields,
            "body",
            "body_html",
            "created_at",
        ]
        read_only_fields = fields


class SuggestQuerySerializer(serializers.Serializer):
    """The query of a suggestion request: text, as any text field takes it."""

    # A CharField refuses NUL characters, which PostgreSQL cannot compare.
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The title being typed (only its first 200 characters are read).",
    )


class SuggestionsSerializer(serializers.Serializer):
    results = ArticleSummarySerializer(many=True)


class DeflectionSerializer(serializers.Serializer):
    counted = serializers.BooleanField(
        help_text="false: this reader was already counted for this article today."
    )
