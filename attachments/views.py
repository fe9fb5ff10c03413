"""Local-storage endpoints, the pages' uploads and download links.

The local endpoints stand in for an object storage when STORAGE_BACKEND=local:
a signed, expiring URL is the only credential, as with a presigned S3 URL.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from servicedesk.redirects import safe_next_url
from tickets.models import Ticket

from . import services
from .forms import (
    NotUploadedForm,
    store_chosen,
)
from .models import Attachment, UploadSlot
from .storage import BadUploadToken, LocalStorage, StorageUnavailable, get_backend


def _refuse(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _local_backend():
    backend = get_backend()
    return backend if isinstance(backend, LocalStorage) else None


@method_decorator(csrf_exempt, name="dispatch")
class LocalUploadView(View):
    """PUT the body of a signed upload URL to LOCAL_UPLOAD_ROOT, streaming it.

    Like S3, it refuses a tampered or expired URL and a content type or length
    other than the signed one (403); the body is never read into memory.
    """

    http_method_names = ["put"]

    def put(self, request, token):
        backend = _local_backend()
        if backend is None:
            return _refuse(404, _("Local uploads are not enabled."))
        try:
            grant = backend.read_upload_token(token)
        except BadUploadToken:
            return _refuse(403, _("This upload URL is invalid or has expired."))
        if request.content_type != grant["type"]:
            return _refuse(403, _("The content type is not the signed one."))
        if request.META.get("CONTENT_LENGTH") != str(grant["size"]):
            return _refuse(403, _("The content length is not the signed one."))
        if not UploadSlot.objects.filter(
            key=grant["key"], registered_at__isnull=True
        ).exists():
            return _refuse(403, _("This upload URL is no longer valid."))
        try:
            received = backend.write_stream(grant["key"], request, size=grant["size"])
        except StorageUnavailable:
            return _refuse(503, _("File storage is unavailable right now."))
        if received != grant["size"]:
            return _refuse(400, _("The body does not have the signed length."))
        return JsonResponse({}, status=200)


class LocalDownloadView(View):
    """Serve a file for a signed download URL, always as an attachment."""

    def get(self, request, token):
        backend = _local_backend()
        if backend is None:
            return _refuse(404, _("Local downloads are not enabled."))
        try:
            grant = backend.read_download_token(token)
        except BadUploadToken:
            return _refuse(403, _("This download URL is invalid or has expired."))
        try:
            handle = open(backend.path(grant["key"]), "rb")  # noqa: SIM115
        except FileNotFoundError:
            return _refuse(404, _("The file is gone."))
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=grant["name"],
            content_type=grant["type"],
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


def _back(request, ticket):
    """To the page the form was on (its `next`), else the ticket's files."""
    files = reverse("tickets:detail", args=[ticket.pk]) + "#attachments"
    # Not `redirect()`: it would try a `next` such as "home" as a URL name.
    return HttpResponseRedirect(safe_next_url(request, files))


# --- After a form that came with files (new ticket, reply) -----------------------


def wants_upload_targets(request) -> bool:
    """True when the page's script sent the form and will upload the files itself."""
    preferred = request.get_preferred_type(["text/html", "application/json"])
    return preferred == "application/json"


def files_answer(request, *, ticket, url, files, comment=None, internal=False):
    """The answer to a form that just opened `ticket` (or `comment` on it).

    The script asked for JSON: it gets where to put the files and where to go
    next, and no page is rendered (which would use up the success message
    meant for the page it goes to). Without it, the files came with the form:
    store them now; any that fails leads to the reply form with a message.
    """
    if wants_upload_targets(request):
        return JsonResponse(
            {
                "url": url,
                "presign_url": reverse("ticket-attachments-presign", args=[ticket.pk]),
                "register_url": reverse("ticket-attachments", args=[ticket.pk]),
                "failed_url": reverse("attachments:not-uploaded", args=[ticket.pk]),
                "comment": comment.pk if comment else None,
            }
        )
    failed = []
    for chosen in files:
        reason = store_chosen(
            chosen, ticket=ticket, by=request.user, comment=comment, internal=internal
        )
        if reason:
            failed.append((chosen.name, reason))
    if failed:
        _say_not_uploaded(request, failed)
        url = reverse("tickets:detail", args=[ticket.pk]) + "#reply"
    return HttpResponseRedirect(url)


def _say_not_uploaded(request, failed) -> None:
    for name, reason in failed:
        messages.warning(
            request,
            _(
                "The file “%(name)s” did not upload (%(reason)s). "
                "The rest is saved: attach the file again here, with a reply."
            )
            % {"name": name, "reason": reason},
        )


class NotUploadedView(LoginRequiredMixin, View):
    """The script reports files it could not upload after the form's write.

    Only a message for the page the script then goes to: nothing is stored.
    """

    http_method_names = ["post"]

    def post(self, request, ticket_id):
        get_object_or_404(Ticket.objects.visible_to(request.user), pk=ticket_id)
        form = NotUploadedForm(request.POST)
        if not form.is_valid():
            return JsonResponse(form.errors, status=400)
        reason = form.cleaned_data["reason"] or _("the upload failed")
        _say_not_uploaded(request, [(form.cleaned_data["name"], reason)])
        return HttpResponse(status=204)


class AttachmentDownloadView(LoginRequiredMixin, View):
    """The pages' download link: the permission check, then the signed URL."""

    def get(self, request, pk):
        attachment = get_object_or_404(
            Attachment.objects.visible_to(request.user).select_related("ticket"),
            pk=pk,
        )
        try:
            url = services.attachment_download_url(
                attachment=attachment, by=request.user
            )
        except StorageUnavailable:
            return _refuse(503, _("File storage is unavailable right now."))
        response = redirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
