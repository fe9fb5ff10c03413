"""Widgets written in Python for the pages' forms (same HTML as Django's)."""

from html import escape as html_escape

from django import forms
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.formats import localize
from django.utils.functional import Promise

from .. import selectors

# --- Widgets written in Python ---------------------------------------------------------
# The pages show up to seven menus of fifty options: Django's widget templates
# cost more than the rest of such a page. These functions write exactly what
# those templates write (tests/test_widgets.py compares them); any other widget
# still goes through the templates.

_WIDGETS = "django/forms/widgets/"


def _text(value) -> str:
    """A value as `{{ value|stringformat:'s' }}` writes it (escaped unless safe).

    Django's `conditional_escape`, without the lazy-text wrapper around every
    call (a page's menus write a few hundred values).
    """
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(localize(option['label']))}</option>"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(localize(group_name))}">')
        for option in options:
            if option["template_name"] != f"{_WIDGETS}select_option.html":
                return None
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(localize(value)) if value else ''}</textarea>"
    )


def _input_option(widget: dict) -> str:
    if not widget.get("wrap_label"):
        return _input(widget)
    target = widget["attrs"].get("id")
    label_for = f' for="{_text(target)}"' if target else ""
    label = _text(localize(widget["label"]))
    return f"<label{label_for}>{_input(widget)} {label}</label>"


_WIDGET_WRITERS = {
    **{
        f"{_WIDGETS}{name}.html": _input
        for name in ("input", "text", "hidden", "email", "number", "tel", "url")
    },
    f"{_WIDGETS}select.html": _select,
    f"{_WIDGETS}select_option.html": _option,
    f"{_WIDGETS}textarea.html": _textarea,
    f"{_WIDGETS}radio_option.html": _input_option,
    f"{_WIDGETS}input_option.html": _input_option,
}


class PageRenderer(BaseRenderer):
    """The form renderer of the pages' forms: common widgets written in Python."""

    def render(self, template_name, context, request=None):
        write = _WIDGET_WRITERS.get(template_name)
        html = write(context["widget"]) if write else None
        if html is None:
            return get_default_renderer().render(template_name, context, request)
        return html


class PageForm(forms.Form):
    default_renderer = PageRenderer()


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def active_categories():
    return selectors.category_list(active_only=True)
