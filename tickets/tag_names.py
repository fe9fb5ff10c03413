"""Tag names as stored: one spelling for what staff type.

Outer spaces stripped, inner runs of white space one space (NFC, so a Korean
name typed on any keyboard compares equal), at most `Tag.MAX_LENGTH`
characters, no commas (the pages take several tags as one comma-separated
field) and no control characters. "VPN" and "vpn" are the same tag; the
first spelling is kept. Free of services, so the list filters use it too.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Tag


def _error(field, message, code):
    return ValidationError({field: ValidationError(message, code=code)})


MAX_TAGS_PER_TICKET = 20


def tag_name_normalize(raw, *, field: str = "tags") -> str:
    """The tag's name as stored, or ValidationError (code `invalid_tag`)."""
    if not isinstance(raw, str):
        raise _error(field, _("Each tag must be text."), "invalid_tag")
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if not name:
        raise _error(field, _("A tag cannot be empty."), "invalid_tag")
    if len(name) > Tag.MAX_LENGTH:
        raise _error(
            field,
            _("A tag can be at most %(limit)s characters long.")
            % {"limit": Tag.MAX_LENGTH},
            "invalid_tag",
        )
    if "," in name or not name.isprintable():
        raise _error(
            field,
            _("“%(name)s”: a tag cannot contain commas or control characters.")
            % {"name": name},
            "invalid_tag",
        )
    return name


def tag_names_normalize(values, *, field: str = "tags") -> list[str]:
    """Several names normalised, repeats (whatever their case) dropped."""
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise _error(field, _("Give the tags as a list."), "invalid_tag")
    names: dict[str, str] = {}
    for value in values:
        name = tag_name_normalize(value, field=field)
        names.setdefault(name.casefold(), name)
    if len(names) > MAX_TAGS_PER_TICKET:
        raise _error(
            field,
            _("A ticket can have at most %(limit)s tags.")
            % {"limit": MAX_TAGS_PER_TICKET},
            "too_many_tags",
        )
    return list(names.values())
