"""JSON shapes of tickets, comments and history (DESIGN.md, "A ticket in JSON").

Who sees what (a requester never sees staff e-mail addresses) is asked of
`tickets.policies`; the viewing user comes from the serializer context.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from sla.services import sla_state_at

from .. import policies, selectors
from ..models import (
    Category,
    Comment,
    EventKind,
    Incident,
    LinkKind,
    Priority,
    SlaState,
    Status,
    Ticket,
    TicketCC,
    TicketEvent,
    TicketLink,
)
from ..people import display_name

User = get_user_model()


def _viewer(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the active language.")

    class Meta:
        model = Category
        fields = ["slug", "name"]


class PersonSerializer(serializers.ModelSerializer):
    """A person on a ticket; `email` only for staff and the person themself."""

    name = serializers.SerializerMethodField()
    # Output only, yet not `read_only`: drf-spectacular lists every read-only
    # field as required, and the e-mail is left out for most viewers.
    email = serializers.EmailField(
        required=False, help_text="Shown to staff and to the person themself."
    )

    class Meta:
        model = User
        fields = ["id", "name", "email"]

    def get_name(self, person) -> str:
        return display_name(person, _viewer(self))

    def to_representation(self, person):
        data = super().to_representation(person)
        if not policies.can_see_contact_details(_viewer(self), person):
            data.pop("email")
        return data


class TagNamesField(serializers.ListField):
    """A ticket's tags as names; internal, so left out for all but staff."""

    child = serializers.CharField()

    def get_attribute(self, ticket):
        if not policies.can_see_internal(_viewer(self)):
            raise SkipField  # not read at all: no query, no key
        return ticket.tags.all()

    def to_representation(self, tags):
        return [tag.name for tag in tags]


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {"id": {"type": "integer"}, "reference": {"type": "string"}},
    }
)
class MergedIntoField(serializers.Field):
    """Where a merged ticket went: `{id, reference}`, or null.

    Null too for a viewer who may not see the target (a requester not on it):
    they learn from `status` and the history that it was merged, not where.
    """

    def get_attribute(self, ticket):
        return selectors.merged_into_visible(user=_viewer(self), ticket=ticket)

    def to_representation(self, target):
        return {"id": target.pk, "reference": target.reference}


class TicketIncidentSerializer(serializers.ModelSerializer):
    """The outage notice a ticket is linked to, as its viewers see it."""

    class Meta:
        model = Incident
        fields = ["id", "title", "status"]
        read_only_fields = fields


class TicketSerializer(serializers.ModelSerializer):
    category = CategorySerializer(read_only=True)
    requester = PersonSerializer(read_only=True)
    assignee = PersonSerializer(read_only=True, allow_null=True)
    # Service levels are internal: staff only. Output only, yet not
    # `read_only` (see PersonSerializer.email): requesters get none of them.
    first_response_due_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Staff only."
    )
    resolution_due_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Staff only; null while the resolution clock is paused or stopped.",
    )
    sla_state = serializers.ChoiceField(
        choices=SlaState.choices,
        required=False,
        help_text="Staff only; `warning` and `breached` as of the response.",
    )
    tags = TagNamesField(
        required=False, help_text="Staff only: internal labels, by name."
    )
    merged_into = MergedIntoField(
        read_only=True,
        help_text="The ticket this one was merged into; null if not merged, or "
        "if the caller may not see that ticket.",
    )
    incident = TicketIncidentSerializer(
        read_only=True,
        allow_null=True,
        help_text="The outage notice the ticket is linked to (resolving it "
        "answers the ticket); null if none.",
    )

    class Meta:
        model = Ticket
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "status",
            "priority",
            "category",
            "requester",
            "assignee",
            "location",
            "contact_phone",
            "created_at",
            "updated_at",
            "first_responded_at",
            "resolved_at",
            "closed_at",
            "version",
            "first_response_due_at",
            "resolution_due_at",
            "sla_state",
            "tags",
            "merged_into",
            "incident",
        ]
        read_only_fields = fields

    SLA_FIELDS = ("first_response_due_at", "resolution_due_at", "sla_state")

    def to_representation(self, ticket):
        data = super().to_representation(ticket)
        if policies.can_see_internal(_viewer(self)):
            data["sla_state"] = sla_state_at(ticket, timezone.now())
        else:
            for name in self.SLA_FIELDS:
                data.pop(name)
        return data


class CategorySlugField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": gettext_lazy("Unknown category “{value}”."),
        "invalid": gettext_lazy("Give the category's slug, e.g. “network”."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        kwargs.setdefault("queryset", Category.objects.filter(is_active=True))
        kwargs.setdefault("help_text", "Category slug, e.g. `network`.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # A slug is text: a list would become a lookup Django reads by recursion
        # (deep ones a 500). PostgreSQL refuses NUL in any text, even in a lookup.
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string", "format": "email"}]}
)
class UserReferenceField(serializers.Field):
    """A user given by id or by e-mail address."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("No user with this id or e-mail address."),
        "invalid": gettext_lazy("Give a user id or an e-mail address."),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        text = str(data).strip()
        if "\x00" in text:
            self.fail("invalid")
        if "@" in text:
            user = User.objects.filter(email__iexact=text).first()
        else:
            user = User.objects.filter(pk=self.user_id(text)).first()
        if user is None:
            self.fail("does_not_exist")
        return user

    def user_id(self, text: str) -> int:
        try:
            return serializers.IntegerField(min_value=1).run_validation(text)
        except serializers.ValidationError:
            self.fail("invalid")

    def to_representation(self, value):
        return value.pk


class TicketCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=20000, allow_blank=True, required=False, default=""
    )
    priority = serializers.ChoiceField(
        choices=Priority.choices,
        default=Priority.MEDIUM,
        help_text="Requesters may choose low, medium or high; only staff set urgent.",
    )
    category = CategorySlugField()
    location = serializers.CharField(
        max_length=200, allow_blank=True, required=False, default=""
    )
    contact_phone = serializers.CharField(
        max_length=40, allow_blank=True, required=False, default=""
    )
    requester = UserReferenceField(
        required=False,
        help_text="Staff only: open the ticket for this requester (id or e-mail).",
    )


class TicketUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    category = CategorySlugField(required=False)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        # A whole number before any lookup (not "²", not a list).
        pk_field=serializers.IntegerField(min_value=1),
        allow_null=True,
        required=False,
        help_text="An agent's or admin's id, or null to unassign.",
    )
    tags = serializers.ListField(
        child=serializers.CharField(trim_whitespace=False, allow_blank=True),
        required=False,
        help_text="The ticket's tags, all of them (replaces the list): names are "
        "trimmed, inner spaces collapsed, matched whatever their case, at most "
        "50 characters, no commas. Internal: the ticket's `version` stays.",
    )
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version you edited; a different current version answers 409.",
    )


class TicketActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version you saw; a different current version answers 409.",
    )


class TicketCountsSerializer(serializers.Serializer):
    new = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    waiting = serializers.IntegerField()
    resolved = serializers.IntegerField()
    closed = serializers.IntegerField()


class CommentSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "internal", "created_at"]
        read_only_fields = fields


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    internal = serializers.BooleanField(
        default=False, help_text="An internal note (staff only)."
    )
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="Then move the ticket to this status, in the same transaction "
        "(“send and mark resolved”): if the move is refused, nothing is sent. "
        "The status rules apply (a requester may only close).",
    )
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="With `status`: the ticket version you saw; a stale one is "
        "refused (409) and nothing is sent.",
    )


class TicketEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "kind",
            "field",
            "old_value",
            "new_value",
            "actor",
            "comment",
            "internal",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, event):
        data = super().to_representation(event)
        if event.kind == EventKind.MERGED_INTO and not selectors.reference_visible(
            user=_viewer(self), reference=event.new_value
        ):
            data["new_value"] = ""  # merged into a ticket the caller may not see
        return data


class TicketErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TicketCCSerializer(serializers.ModelSerializer):
    """One person copied on a ticket (CC)."""

    user = PersonSerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True, help_text="When added.")

    class Meta:
        model = TicketCC
        fields = ["user", "created_at"]


class TicketCCCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(
        max_length=254, help_text="The e-mail address of an active user."
    )


class TicketFollowSerializer(serializers.Serializer):
    following = serializers.BooleanField(read_only=True)


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string", "example": "SD-000123"}]}
)
class TicketReferenceField(serializers.Field):
    """Another ticket, by id (`123`) or reference (`SD-000123`), among those the
    caller may see; anything else is "No such ticket."."""

    default_error_messages = {"no_such_ticket": gettext_lazy("No such ticket.")}

    def to_internal_value(self, data):
        user = self.context["request"].user
        ticket = selectors.ticket_by_reference(user=user, text=data)
        if ticket is None:
            self.fail("no_such_ticket")
        return ticket

    def to_representation(self, ticket):
        return ticket.reference


class LinkedTicketSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ticket
        fields = ["id", "reference", "title", "status"]
        read_only_fields = fields


class TicketLinkSerializer(serializers.ModelSerializer):
    """A link as seen from one ticket: `ticket` is the one at the other end."""

    ticket = LinkedTicketSerializer(source="other_ticket", read_only=True)
    created_by = PersonSerializer(read_only=True)

    class Meta:
        model = TicketLink
        fields = ["id", "kind", "ticket", "created_by", "created_at"]
        read_only_fields = fields


class TicketLinkCreateSerializer(serializers.Serializer):
    ticket = TicketReferenceField(help_text="The other ticket: id or reference.")
    kind = serializers.ChoiceField(choices=LinkKind.choices, default=LinkKind.RELATED)


class TicketMergeSerializer(serializers.Serializer):
    into = TicketReferenceField(
        help_text="The ticket to merge this one into: id or reference."
    )
    add_requester_as_cc = serializers.BooleanField(
        default=False,
        help_text="Add this ticket's requester as CC on the target, so they "
        "can follow it there.",
    )
