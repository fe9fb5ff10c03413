"""Forms for tags (the ticket page) and saved views (the queue)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import SavedView, Tag
from ..tag_names import tag_name_normalize, tag_names_normalize


class TicketTagsForm(forms.Form):
    """A ticket's tags as one comma-separated field (all of them: it replaces)."""

    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=2000,
        help_text=_("Separate tags with commas, e.g. 반복문의, VPN."),
    )

    def clean_tags(self):
        parts = [part for part in self.cleaned_data["tags"].split(",") if part.strip()]
        try:
            return tag_names_normalize(parts)
        except ValidationError as error:
            raise ValidationError(error.message_dict["tags"]) from None


class TagNameFormField(forms.CharField):
    """One tag's name, normalised (the queue's bulk change)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", Tag.MAX_LENGTH * 4)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        try:
            return tag_name_normalize(value, field="tag")
        except ValidationError as error:
            raise ValidationError(error.message_dict["tag"]) from None


class SavedViewForm(forms.ModelForm):
    """Save the queue's current filters ("Save this view"); `query` rides along."""

    query = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)

    class Meta:
        model = SavedView
        fields = ["name", "shared"]


class SavedViewRenameForm(forms.Form):
    """Rename or (un)share a view; the service cleans the name and saves it."""

    name = forms.CharField(label=_("name"), max_length=60)
    shared = forms.BooleanField(label=_("shared with the team"), required=False)

    def __init__(self, *args, view, **kwargs):
        kwargs.setdefault("initial", {"name": view.name, "shared": view.shared})
        kwargs.setdefault("prefix", f"view-{view.pk}")
        super().__init__(*args, **kwargs)
