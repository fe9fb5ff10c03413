"""Posting the Django admin's change forms in tests, as a browser would."""


def admin_form_data(client, url: str, **changes) -> dict:
    """What the admin's change form at `url` would post unchanged, plus `changes`."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for sub_form in inline.formset.forms:
            for name in sub_form.fields:
                data[sub_form.add_prefix(name)] = sub_form[name].value()
    data.update(changes)
    return {key: "" if value is None else value for key, value in data.items()}
