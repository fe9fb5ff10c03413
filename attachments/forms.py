"""The plain form upload, for pages used without JavaScript."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .storage import StorageUnavailable

# Multipart framing around the file: a request this much above the limit can
# only hold a file over the limit, so it is refused before it is read.
MULTIPART_OVERHEAD = 64 * 1024


def request_too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD


class AttachmentUploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    internal = forms.BooleanField(label=_("Internal (IT staff only)"), required=False)

    def __init__(self, *args, ticket, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.user = user
        self.attachment = None

    def save(self):
        """Store and register the file; errors land on the form."""
        uploaded = self.cleaned_data["file"]
        try:
            self.attachment = services.attachment_upload(
                ticket=self.ticket,
                by=self.user,
                fileobj=uploaded,
                filename=uploaded.name,
                content_type=uploaded.content_type,
                internal=self.cleaned_data["internal"],
            )
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                for message in messages:
                    self.add_error("file", message)
        except PermissionDenied as exc:
            self.add_error(None, str(exc))
        except StorageUnavailable:
            self.add_error(
                None, _("File storage is unavailable right now. Try again shortly.")
            )
        return self.attachment
