"""Every write to attachments: presign, register, form upload, cleanup.

The three-step flow: `attachment_presign` checks permission and limits, picks
the key and hands out a signed upload URL (recording an `UploadSlot`); the
client puts the bytes straight into the storage; `attachment_register` checks
the object is there with the declared size and records the `Attachment` and
its history entry. Errors are Django's own (`ValidationError` with a code,
`PermissionDenied`, `Http404`) or `storage.StorageUnavailable`.
"""

import logging
import mimetypes
import posixpath
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import services as ticket_services
from tickets.models import Comment, Ticket

from . import policies
from .models import Attachment, UploadSlot
from .storage import StorageUnavailable, get_backend

logger = logging.getLogger(__name__)

MAX_FILENAME_LENGTH = 255
MAX_SAFE_NAME_LENGTH = 100
_UNSAFE_CHARACTERS = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class UploadGrant:
    """What a client needs for step 2: where and how to put the file."""

    upload_url: str
    method: str
    headers: dict[str, str]
    key: str
    expires_in: int


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- Checks shared by every way in ------------------------------------------------


def clean_filename(filename: str) -> str:
    """The name as the user gave it, refused when empty or path-like."""
    name = unicodedata.normalize("NFC", (filename or "").strip())
    if not name:
        raise _error("filename", _("The file needs a name."), "empty_filename")
    if (
        "/" in name
        or "\\" in name
        or name in (".", "..")
        or any(unicodedata.category(ch).startswith("C") for ch in name)
    ):
        raise _error(
            "filename",
            _("The file name must not contain a path or control characters."),
            "invalid_filename",
        )
    if len(name) > MAX_FILENAME_LENGTH:
        raise _error(
            "filename",
            _("The file name is longer than %(max)d characters.")
            % {"max": MAX_FILENAME_LENGTH},
            "filename_too_long",
        )
    return name


def safe_name(filename: str) -> str:
    """A storage-safe rendering of a clean name (letters, digits, . - _)."""
    stem, ext = posixpath.splitext(filename)
    stem = _UNSAFE_CHARACTERS.sub("_", stem).strip("._") or "file"
    ext = _UNSAFE_CHARACTERS.sub("", ext)[:16]
    return stem[: MAX_SAFE_NAME_LENGTH - len(ext)] + ext


def clean_content_type(content_type: str) -> str:
    base = (content_type or "").split(";", 1)[0].strip().lower()
    allowed = {value.strip().lower() for value in settings.ATTACHMENT_TYPES}
    if base not in allowed:
        raise _error(
            "content_type",
            _("Files of type “%(type)s” are not allowed.")
            % {"type": base or _("unknown")},
            "type_not_allowed",
        )
    return base


def guess_content_type(filename: str, declared: str = "") -> str:
    """For form uploads: the browser's type, or one guessed from the name."""
    declared = (declared or "").strip()
    if declared and declared != "application/octet-stream":
        return declared
    return mimetypes.guess_type(filename)[0] or declared


def clean_size(size) -> int:
    limit = settings.ATTACHMENT_MAX_BYTES
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise _error("size", _("The file is empty."), "empty_file")
    if size > limit:
        raise _error(
            "size",
            _("The file is larger than the limit of %(limit)s.")
            % {"limit": filesizeformat(limit)},
            "too_large",
        )
    return size


def clean_file(*, filename: str, content_type: str, size) -> tuple[str, str, int]:
    """Name, type and size checked together, as every way in checks a file.

    The pages' forms call this on the files chosen before they create anything
    (a ticket, a reply), so a refused file never leaves half a change behind.
    """
    return clean_filename(filename), clean_content_type(content_type), clean_size(size)


def check_can_attach(user, ticket: Ticket, *, internal: bool) -> None:
    if not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists():
        raise Http404(_("No such ticket."))
    if policies.can_add_attachment(user, ticket, internal=internal):
        return
    if internal:
        raise PermissionDenied(_("Only IT staff can add internal attachments."))
    raise PermissionDenied(
        _("This ticket is closed. Please open a new ticket instead.")
    )


def new_key(ticket: Ticket, filename: str) -> str:
    return f"tickets/{ticket.pk}/{uuid.uuid4().hex}/{safe_name(filename)}"


def key_prefix(ticket: Ticket) -> str:
    return f"tickets/{ticket.pk}/"


# --- Step 1: an upload slot ---------------------------------------------------------


@transaction.atomic
def attachment_presign(
    *,
    ticket: Ticket,
    by,
    filename: str,
    content_type: str,
    size: int,
    internal: bool = False,
) -> UploadGrant:
    """Hand out a signed URL to upload one file to `ticket`.

    The URL carries the content type and length in its signature, so the
    storage refuses any other file; it expires after ATTACHMENT_UPLOAD_EXPIRES.
    """
    check_can_attach(by, ticket, internal=internal)
    filename, content_type, size = clean_file(
        filename=filename, content_type=content_type, size=size
    )
    key = new_key(ticket, filename)
    expires = settings.ATTACHMENT_UPLOAD_EXPIRES
    upload = get_backend().presign_upload(
        key, content_type=content_type, size=size, expires=expires
    )
    UploadSlot.objects.create(
        key=key,
        ticket=ticket,
        uploader=by,
        filename=filename,
        content_type=content_type,
        size=size,
        internal=internal,
    )
    return UploadGrant(upload.url, upload.method, upload.headers, key, expires)


# --- Step 3: registering the upload -------------------------------------------------


def _claim_slot(*, ticket: Ticket, by, key: str) -> UploadSlot:
    """The unregistered slot behind `key`, issued for this ticket to `by`."""
    if not (key or "").startswith(key_prefix(ticket)):
        raise _error(
            "key", _("This upload does not belong to this ticket."), "wrong_ticket"
        )
    slot = (
        UploadSlot.objects.select_for_update()
        .filter(key=key, ticket=ticket, uploader=by, registered_at__isnull=True)
        .first()
    )
    if slot is None:
        raise _error(
            "key",
            _("No upload is waiting under this key (unknown or already registered)."),
            "unknown_key",
        )
    return slot


def _check_matches_slot(slot: UploadSlot, *, filename, content_type, size, internal):
    if size != slot.size:
        raise _error(
            "size",
            _("The size does not match the upload slot (%(size)d bytes).")
            % {"size": slot.size},
            "size_mismatch",
        )
    if content_type != slot.content_type:
        raise _error(
            "content_type",
            _("The type does not match the upload slot."),
            "type_mismatch",
        )
    if filename != slot.filename:
        raise _error(
            "filename", _("The name does not match the upload slot."), "name_mismatch"
        )
    if internal != slot.internal:
        raise _error(
            "internal",
            _("Internal or not must match the upload slot."),
            "internal_mismatch",
        )


def _check_comment(comment: Comment | None, *, ticket: Ticket, by, internal: bool):
    if comment is None:
        return
    visible = Comment.objects.visible_to(by).filter(pk=comment.pk, ticket=ticket)
    if not visible.exists():
        raise _error(
            "comment", _("That comment is not on this ticket."), "wrong_comment"
        )
    if comment.internal and not internal:
        raise _error(
            "comment",
            _("A file on an internal note must be internal too."),
            "internal_comment",
        )


def _check_stored_size(key: str, size: int) -> None:
    stored = get_backend().object_size(key)
    if stored is None:
        raise _error("key", _("No file was uploaded under this key."), "not_uploaded")
    if stored != size:
        raise _error(
            "size",
            _("The uploaded file has %(stored)d bytes, not %(size)d.")
            % {"stored": stored, "size": size},
            "size_mismatch",
        )


@transaction.atomic
def attachment_register(
    *,
    ticket: Ticket,
    by,
    key: str,
    filename: str,
    content_type: str,
    size: int,
    internal: bool = False,
    comment: Comment | None = None,
) -> Attachment:
    """Record an uploaded file once the storage confirms it is there in full."""
    check_can_attach(by, ticket, internal=internal)
    filename = clean_filename(filename)
    content_type = clean_content_type(content_type)
    size = clean_size(size)
    slot = _claim_slot(ticket=ticket, by=by, key=key)
    _check_matches_slot(
        slot, filename=filename, content_type=content_type, size=size, internal=internal
    )
    _check_comment(comment, ticket=ticket, by=by, internal=internal)
    _check_stored_size(key, size)
    return _record(slot, ticket=ticket, by=by, comment=comment)


def _record(slot: UploadSlot, *, ticket: Ticket, by, comment) -> Attachment:
    slot.registered_at = timezone.now()
    slot.save(update_fields=["registered_at"])
    attachment = Attachment.objects.create(
        ticket=ticket,
        comment=comment,
        uploader=by,
        filename=slot.filename,
        content_type=slot.content_type,
        size=slot.size,
        key=slot.key,
        internal=slot.internal,
    )
    ticket_services.ticket_attachment_added(ticket=ticket, attachment=attachment, by=by)
    return attachment


# --- Copies (a merge) ------------------------------------------------------------------


def attachment_copy(
    *, attachment: Attachment, ticket: Ticket, by, comment: Comment | None = None
) -> Attachment:
    """Copy a file to another ticket as an internal attachment (a merge).

    The bytes are copied in the storage under a key of the target ticket, so
    each row owns its own object: removing one file (or its ticket) never
    touches the other's. Call it inside the caller's transaction, after its
    policy checks; if that transaction rolls back, the caller removes the
    copied object (`attachment_copy_discard`). The uploader stays the
    person who uploaded the original.
    """
    key = new_key(ticket, attachment.filename)
    get_backend().copy(attachment.key, key)
    try:
        copy = Attachment.objects.create(
            ticket=ticket,
            comment=comment,
            uploader_id=attachment.uploader_id,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
            key=key,
            internal=True,
        )
        ticket_services.ticket_attachment_added(ticket=ticket, attachment=copy, by=by)
    except Exception:
        attachment_copy_discard([key])
        raise
    return copy


def attachment_copy_discard(keys) -> None:
    """Remove copied objects whose rows were rolled back (best effort)."""
    backend = get_backend()
    for key in keys:
        try:
            backend.delete(key)
        except StorageUnavailable:
            logger.warning("Could not remove the copied object %s", key)


# --- The form upload (no JavaScript) -----------------------------------------------


def attachment_upload(
    *,
    ticket: Ticket,
    by,
    fileobj,
    filename: str,
    content_type: str,
    internal: bool = False,
    comment: Comment | None = None,
) -> Attachment:
    """Store a file received by a plain form post, then register it.

    The same checks as the three steps; the bytes pass through Django (Django
    has already spooled them to a temporary file) into the same storage.
    """
    with transaction.atomic():
        check_can_attach(by, ticket, internal=internal)
        filename, content_type, size = clean_file(
            filename=filename,
            content_type=guess_content_type(filename, content_type),
            size=fileobj.size,
        )
        _check_comment(comment, ticket=ticket, by=by, internal=internal)
        slot = UploadSlot.objects.create(
            key=new_key(ticket, filename),
            ticket=ticket,
            uploader=by,
            filename=filename,
            content_type=content_type,
            size=size,
            internal=internal,
        )
    # The slot is committed first, so a failure below leaves an object the
    # cleanup command can find.
    fileobj.seek(0)
    get_backend().save(slot.key, fileobj, content_type=content_type)
    return attachment_register(
        ticket=ticket,
        by=by,
        key=slot.key,
        filename=filename,
        content_type=content_type,
        size=size,
        internal=internal,
        comment=comment,
    )


# --- Downloads -------------------------------------------------------------------------


def attachment_download_url(*, attachment: Attachment, by) -> str:
    """A short-lived URL serving the file as a download under its own name."""
    if not policies.can_view_attachment(by, attachment):
        raise Http404(_("No such attachment."))
    return get_backend().download_url(
        attachment.key,
        filename=attachment.filename,
        content_type=attachment.content_type,
        expires=settings.ATTACHMENT_DOWNLOAD_EXPIRES,
    )


# --- Cleanup ---------------------------------------------------------------------------


@dataclass
class CleanupResult:
    removed: int = 0
    failed: int = 0


def uploads_cleanup(*, max_age: int | None = None, dry_run: bool = False):
    """Remove objects handed out more than `max_age` seconds ago, never registered.

    A slot is dropped only once its object is gone, so an unreachable storage
    leaves it for the next run.
    """
    if max_age is None:
        max_age = settings.ATTACHMENT_UNREGISTERED_MAX_AGE
    cutoff = timezone.now() - timedelta(seconds=max_age)
    stale = UploadSlot.objects.filter(registered_at__isnull=True, created_at__lt=cutoff)
    result = CleanupResult()
    backend = get_backend()
    for pk in list(stale.values_list("pk", flat=True)):
        if dry_run or _slot_remove(pk, backend):
            result.removed += 1
        else:
            result.failed += 1
    return result


@transaction.atomic
def _slot_remove(pk: int, backend) -> bool:
    # The row lock keeps a registration of this very slot from running meanwhile.
    slot = (
        UploadSlot.objects.select_for_update(skip_locked=True)
        .filter(pk=pk, registered_at__isnull=True)
        .first()
    )
    if slot is None:
        return True
    try:
        backend.delete(slot.key)
    except StorageUnavailable:
        logger.warning("Could not remove unregistered upload %s", slot.key)
        return False
    slot.delete()
    return True
