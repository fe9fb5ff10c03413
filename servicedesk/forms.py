"""The form renderer: Django's templates, with the project's field layout."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Widgets from Django's own templates, field groups from `includes/field.html`.

    `TemplatesSetting` renders through the TEMPLATES engine, so form templates
    share its cached loader and the project's `templates/` folder.
    """

    field_template_name = "includes/field.html"
