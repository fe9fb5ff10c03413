"""The attachment API: a thin adapter over attachments.services."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets.models import Comment, Ticket

from .. import services
from ..models import Attachment
from ..selectors import attachment_list
from ..storage import StorageUnavailable
from . import examples
from .serializers import (
    AttachmentSerializer,
    ErrorSerializer,
    PresignRequestSerializer,
    PresignResponseSerializer,
    RegisterRequestSerializer,
)


class StorageDown(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("File storage is unavailable right now. Try again shortly.")
    default_code = "storage_unavailable"


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="`{field: [message]}`"),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed for this user."),
    404: OpenApiResponse(
        ErrorSerializer, description="No such ticket, or not yours to see."
    ),
    503: OpenApiResponse(
        ErrorSerializer,
        description="The file storage cannot be reached.",
        examples=[examples.STORAGE_DOWN],
    ),
}
TICKET_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The ticket's id."
)
ATTACHMENT_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The attachment's id."
)


class AttachmentAPIView(APIView):
    def handle_exception(self, exc):
        if isinstance(exc, StorageUnavailable):
            exc = StorageDown()
        return super().handle_exception(exc)

    def get_ticket(self) -> Ticket:
        queryset = Ticket.objects.visible_to(self.request.user)
        return get_object_or_404(queryset, pk=self.kwargs["id"])


class TicketAttachmentsView(AttachmentAPIView):
    serializer_class = AttachmentSerializer

    @extend_schema(
        operation_id="tickets_attachments_list",
        summary="List a ticket's attachments",
        description="Files the caller may see: internal ones for staff only.",
        parameters=[TICKET_ID],
        responses={200: AttachmentSerializer(many=True), 404: ERRORS[404]},
        examples=[examples.ATTACHMENT_LIST],
    )
    def get(self, request, id):
        ticket = self.get_ticket()
        attachments = attachment_list(user=request.user, ticket=ticket)
        attachments = attachments.select_related("uploader")
        data = AttachmentSerializer(
            attachments, many=True, context={"request": request}
        ).data
        return Response(data)

    @extend_schema(
        operation_id="tickets_attachments_register",
        summary="Register an uploaded file (step 3)",
        description="After the PUT to `upload_url`: checks the object exists under "
        "this ticket's key with the declared size, then records it. The key must "
        "come from a presign of this ticket by the same caller. Requesters cannot "
        "register internal files (403).",
        parameters=[TICKET_ID],
        request=RegisterRequestSerializer,
        responses={
            201: AttachmentSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
            503: ERRORS[503],
        },
        examples=[examples.REGISTER_REQUEST, examples.ATTACHMENT],
    )
    def post(self, request, id):
        ticket = self.get_ticket()
        serializer = RegisterRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        comment_id = data.pop("comment", None)
        comment = None
        if comment_id is not None:
            # Scoped like every read: a note the caller may not see is "not there".
            comment = (
                Comment.objects.visible_to(request.user)
                .filter(pk=comment_id, ticket=ticket)
                .first()
            )
            if comment is None:
                raise exceptions.ValidationError(
                    {"comment": [_("That comment is not on this ticket.")]}
                )
        attachment = services.attachment_register(
            ticket=ticket, by=request.user, comment=comment, **data
        )
        body = AttachmentSerializer(attachment, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class AttachmentPresignView(AttachmentAPIView):
    @extend_schema(
        operation_id="tickets_attachments_presign",
        summary="Ask for an upload URL (step 1)",
        description="Checks permission, the size limit and the type allow-list, "
        "picks the storage key and returns a URL valid for a short time. Send the "
        "file there with `method` and exactly `headers` (the URL is signed with "
        "the content type and length; anything else is refused). Requesters "
        "cannot upload internal files (403).",
        parameters=[TICKET_ID],
        request=PresignRequestSerializer,
        responses={
            200: PresignResponseSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
            503: ERRORS[503],
        },
        examples=[examples.PRESIGN_REQUEST, examples.PRESIGN_RESPONSE],
    )
    def post(self, request, id):
        ticket = self.get_ticket()
        serializer = PresignRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = services.attachment_presign(
            ticket=ticket, by=request.user, **serializer.validated_data
        )
        return Response(
            {
                "upload_url": request.build_absolute_uri(grant.upload_url),
                "method": grant.method,
                "headers": grant.headers,
                "key": grant.key,
                "expires_in": grant.expires_in,
            }
        )


class AttachmentDownloadView(AttachmentAPIView):
    @extend_schema(
        operation_id="attachments_download",
        summary="Download a file",
        description="Redirects (302) to a short-lived signed URL that serves the "
        "file as an attachment under its original name.",
        parameters=[ATTACHMENT_ID],
        responses={
            (302, "*/*"): OpenApiResponse(description="`Location`: the signed URL."),
            404: ERRORS[404],
            503: ERRORS[503],
        },
    )
    def get(self, request, id):
        attachment = get_object_or_404(
            Attachment.objects.visible_to(request.user).select_related("ticket"),
            pk=id,
        )
        url = services.attachment_download_url(attachment=attachment, by=request.user)
        response = Response(status=status.HTTP_302_FOUND)
        response["Location"] = request.build_absolute_uri(url)
        response["Cache-Control"] = "private, no-store"
        return response
