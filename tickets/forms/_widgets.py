"""Fields shared by the pages' forms."""

from django import forms


class CategoryChoiceField(forms.ModelChoiceField):
    """A category menu that names each category in the active language."""

    def label_from_instance(self, obj):
        return obj.name
