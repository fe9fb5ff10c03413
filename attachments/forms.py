"""The file pickers inside the pages' forms (new ticket, reply)."""

import json
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from . import services
from .services import MAX_FILENAME_LENGTH
from .storage import StorageUnavailable


@dataclass
class ChosenFile:
    """One file picked in a form: what it says it is, and its bytes if they came.

    Without JavaScript the bytes come with the form (`upload`); with it, the
    script sends each file's name, size and type (`<name>_chosen`, JSON) and
    puts the bytes straight into the storage once the form has done its work.
    """

    name: str
    size: int | None
    content_type: str
    upload: UploadedFile | None = None


def _described(raw: str) -> ChosenFile:
    try:
        facts = json.loads(raw)
    except ValueError:
        facts = None
    if not isinstance(facts, dict):
        facts = {}
    name, size, kind = facts.get("name"), facts.get("size"), facts.get("type")
    return ChosenFile(
        name=name if isinstance(name, str) else "",
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        content_type=kind if isinstance(kind, str) else "",
    )


class FilePicker(forms.FileInput):
    """`<input type="file" multiple>` whose value is the list of `ChosenFile`s."""

    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        uploads = files.getlist(name) if hasattr(files, "getlist") else []
        described = data.getlist(f"{name}_chosen") if hasattr(data, "getlist") else []
        return [
            ChosenFile(
                name=upload.name,
                size=upload.size,
                content_type=services.guess_content_type(
                    upload.name, upload.content_type
                ),
                upload=upload,
            )
            for upload in uploads
        ] + [_described(raw) for raw in described]

    def value_omitted_from_data(self, data, files, name):
        return False


class ChosenFilesField(forms.Field):
    """Files picked in a form, checked by the attachment rules before any write."""

    widget = FilePicker

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attach files"))
        super().__init__(**kwargs)

    def to_python(self, value):
        return list(value or [])

    def validate(self, value):
        super().validate(value)
        errors = []
        for chosen in value:
            try:
                services.clean_file(
                    filename=chosen.name,
                    content_type=chosen.content_type,
                    size=chosen.size,
                )
            except ValidationError as error:
                errors += [
                    ValidationError(
                        _("%(name)s: %(error)s"),
                        code="file_refused",
                        params={"name": chosen.name or "?", "error": message},
                    )
                    for message in error.messages
                ]
        if errors:
            raise ValidationError(errors)


class ChosenFilesForm(forms.Form):
    """The file picker of a form that is not itself about files (the reply)."""

    files = ChosenFilesField()


def store_chosen(chosen: ChosenFile, *, ticket, by, comment=None, internal=False):
    """Store and register a file whose bytes came with the form; the reason if not.

    Returns None when it is attached, else a message saying why it is not.
    """
    if chosen.upload is None:
        return _("it was not received")
    try:
        services.attachment_upload(
            ticket=ticket,
            by=by,
            fileobj=chosen.upload,
            filename=chosen.upload.name,
            content_type=chosen.upload.content_type,
            internal=internal,
            comment=comment,
        )
    except ValidationError as error:
        return " ".join(error.messages)
    except PermissionDenied as error:
        return str(error)
    except StorageUnavailable:
        return _("File storage is unavailable right now. Try again shortly.")
    return None


class NotUploadedForm(forms.Form):
    """The script's report of a file it could not upload (a message, no write)."""

    name = forms.CharField(max_length=MAX_FILENAME_LENGTH)
    reason = forms.CharField(max_length=300, required=False)
