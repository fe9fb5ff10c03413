"""Template pieces for the pages: a ticket's files and the file inputs.

The pages call `{% ticket_attachments ticket %}` on the ticket page and
`{% attachment_input ticket %}` (or with no ticket, on the new-ticket form)
inside their forms; the policies decide what appears.

They are Python rather than inclusion templates because the ticket page is
rendered on every uncached read. They write exactly what the templates wrote
(tests/test_attachments_ui.py), every value escaped, with the same messages.
"""

from functools import lru_cache
from html import escape as html_escape

from django import template
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tickets.selectors import read_for, ticket_reader

from .. import policies
from ..models import Attachment

register = template.Library()


# A ticket's files as the viewer may see them; the SQL compiled once per role.
_FILES = ticket_reader(
    lambda *, user, ticket: Attachment.objects.visible_to(user).filter(ticket=ticket),
    ("pk", "filename", "size", "internal"),
)


@register.simple_tag(takes_context=True)
def ticket_attachments(context, ticket):
    """The files on a ticket the viewer may see, and the plain upload form."""
    user = context["request"].user
    files = read_for(_FILES, user=user, ticket=ticket)
    texts = _texts(translation.get_language(), settings.ATTACHMENT_MAX_BYTES)
    api_urls = _api_urls(ticket)
    download_url = _download_url_maker()
    items = "".join(
        _list_item(download_url(pk), filename, size, internal, texts)
        for pk, filename, size, internal in files
    )
    if items:
        listing = f'\n  <ul class="attachment-list">\n    {items}\n  </ul>\n  '
    else:
        listing = f'\n  <p class="muted">{texts["no_files"]}</p>\n  '
    form = ""
    if policies.can_add_attachment(user, ticket):
        form = _upload_form(context, ticket, api_urls, texts)
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<link rel="stylesheet" href="{html_escape(static("css/attachments.css"))}">\n'
        '<section class="card attachments" aria-labelledby="attachments-title"'
        ' id="attachments"\n'
        f'  data-attachments data-ticket="{ticket.pk}"{api_urls}>\n'
        f'  <h2 id="attachments-title">{texts["files"]}</h2>\n'
        f"  {listing}\n"
        f"  {form}\n"
        "</section>\n"
        f"{_script()}\n"
    )


def _list_item(url, filename, size, internal, texts) -> str:
    marker = f'<span class="tag note-label">{texts["internal"]}</span>'
    return (
        f'\n    <li class="attachment{" internal" if internal else ""}">\n'
        f'      <a href="{html_escape(url)}" download>{html_escape(filename)}</a>\n'
        f'      <span class="muted">{html_escape(filesizeformat(size))}</span>\n'
        f"      {marker if internal else ''}\n"
        "    </li>\n    "
    )


def _upload_form(context, ticket, api_urls, texts) -> str:
    """The form that uploads one file without JavaScript (with it, in steps)."""
    request = context["request"]
    internal = policies.can_add_attachment(request.user, ticket, internal=True)
    internal_data = 'data-internal-field="internal" data-internal-value="on"'
    internal_box = (
        '\n    <label class="check"><input type="checkbox" name="internal"> '
        f"{texts['internal_box']}</label>\n    "
    )
    action = reverse("attachments:upload", args=[ticket.pk])
    return (
        '\n  <form method="post" enctype="multipart/form-data"'
        f' action="{html_escape(action)}"\n'
        '        class="attach-form" data-attach-form>\n'
        f"    {_csrf_input(context.get('csrf_token'))}\n"
        '    <input type="hidden" name="next"'
        f' value="{html_escape(request.get_full_path())}#attachments">\n'
        '    <div class="field">\n'
        f'      <label for="attach-file">{texts["attach_file"]}</label>\n'
        '      <input type="file" name="file" id="attach-file"'
        f' accept="{_accept()}" required data-attach\n'
        f'             data-max-bytes="{settings.ATTACHMENT_MAX_BYTES}"{api_urls}\n'
        f"             {internal_data if internal else ''}>\n"
        f'      <small class="help">{texts["form_help"]}</small>\n'
        "    </div>\n"
        f"    {internal_box if internal else ''}\n"
        f"    {texts['status']}\n"
        f'    <button type="submit" class="btn">{texts["upload"]}</button>\n'
        "  </form>\n  "
    )


@register.simple_tag(takes_context=True)
def attachment_input(context, ticket=None, internal_field="", internal_value=""):
    """A file picker inside another form; JavaScript does the three steps.

    `internal_field`/`internal_value`: the form's input that, when it has that
    value, makes the files internal (the reply form's visibility switch).
    """
    user = context["request"].user
    if ticket is not None and not policies.can_add_attachment(user, ticket):
        return mark_safe("\n")  # noqa: S308 (a constant)
    texts = _texts(translation.get_language(), settings.ATTACHMENT_MAX_BYTES)
    internal = ""
    if internal_field:
        internal = format_html(
            'data-internal-field="{}" data-internal-value="{}"',
            internal_field,
            internal_value,
        )
    return mark_safe(  # noqa: S308 (every value escaped)
        '<div class="field attach-field" data-attach-field hidden>\n'
        f'  <label for="attach-files">{texts["attach_files"]}</label>\n'
        '  <input type="file" id="attach-files" multiple'
        f' accept="{_accept()}" data-attach\n'
        f'         data-max-bytes="{settings.ATTACHMENT_MAX_BYTES}"'
        f"{_api_urls(ticket) if ticket is not None else ''}\n"
        f"         {internal}>\n"
        f'  <small class="help">{texts["input_help"]}</small>\n'
        f"  {texts['status']}\n"
        "</div>\n"
        f'<noscript><p class="help">{texts["no_script"]}</p></noscript>\n'
        f"{_script()}\n"
    )


def _csrf_input(token) -> str:
    """What `{% csrf_token %}` writes: nothing without a token or "NOTPROVIDED"."""
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
    )


def _api_urls(ticket) -> str:
    """The data attributes with the API's presign and register URLs."""
    presign = reverse("ticket-attachments-presign", args=[ticket.pk])
    register = reverse("ticket-attachments", args=[ticket.pk])
    return (
        f' data-presign-url="{html_escape(presign)}"'
        f' data-register-url="{html_escape(register)}"'
    )


def _download_url_maker():
    """`pk -> /attachments/<pk>/download/`, with one `reverse` for the block."""
    sentinel = 987654321
    url = reverse("attachments:download", args=[sentinel])
    before, after = url.split(str(sentinel))
    return lambda pk: f"{before}{pk}{after}"


def _accept() -> str:
    return html_escape(",".join(settings.ATTACHMENT_TYPES))


def _script() -> str:
    return f'<script src="{html_escape(static("js/attachments.js"))}" defer></script>'


@lru_cache(maxsize=32)
def _texts(language, max_bytes) -> dict[str, str]:
    """The blocks' messages in the language, escaped, with the size limit written in.

    A pure function of its arguments (the catalogs are read once a process).
    `{% blocktranslate %}` looked its messages up with "%" doubled around the
    `%(limit)s` it filled in; `{% translate %}` doubled and then restored "%".
    The `%(name)s` and `%(reason)s` left are for attachments.js to fill in.
    """
    limit = html_escape(filesizeformat(max_bytes))
    uploading = _("Uploading %%(name)s…").replace("%%", "%")
    failed = _("Could not upload %%(name)s: %%(reason)s").replace("%%", "%")
    too_large = html_escape(_("%%(name)s is larger than %(limit)s.")) % {"limit": limit}
    form_help = _(
        "Up to %(limit)s: images, PDF, text, CSV, ZIP, Office and HWP documents."
    )
    input_help = _("Up to %(limit)s each. They are uploaded after the form is sent.")
    no_script = _(
        "To attach files without JavaScript, use “Attach a file” on the ticket page "
        "after sending."
    )
    return {
        "files": html_escape(_("Files")),
        "no_files": html_escape(_("No files yet.")),
        "internal": html_escape(_("Internal")),
        "attach_file": html_escape(_("Attach a file")),
        "attach_files": html_escape(_("Attach files")),
        "internal_box": html_escape(_("Internal (IT staff only)")),
        "upload": html_escape(_("Upload")),
        "form_help": html_escape(form_help) % {"limit": limit},
        "input_help": html_escape(input_help) % {"limit": limit},
        "no_script": html_escape(no_script),
        "status": (
            '<p class="attach-status" data-attach-status'
            f' data-msg-uploading="{html_escape(uploading)}"'
            f' data-msg-done="{html_escape(_("Uploaded."))}"'
            f' data-msg-too-large="{too_large}"'
            f' data-msg-failed="{html_escape(failed)}"'
            ' role="status" aria-live="polite"></p>'
        ),
    }
