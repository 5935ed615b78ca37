"""Posting admin forms as a browser would: what the page shows, plus changes."""

from __future__ import annotations

from django.urls import reverse

# The API's messages in English, so that tests can read them whatever the default.
# Pages (the admin's too) do not follow the browser's language: a test that reads
# them in English asks for the `english` fixture (tests/conftest.py).
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def admin_url(model, view: str, *args) -> str:
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args
    )


def form_data(response, **changes) -> dict:
    """The POST a browser would send for the admin page `response`, with `changes`.

    Inline formsets are posted empty (their rows are read-only lists here).
    """
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = 0
        data[f"{prefix}-INITIAL_FORMS"] = 0
    data.update(changes)
    return data


def form_errors(response) -> dict:
    """The admin form's errors, as {field or "__all__": [messages]}."""
    return {
        name: list(errors)
        for name, errors in response.context["adminform"].form.errors.items()
    }


def post_change(client, obj, **changes):
    """Open `obj`'s admin change page and post it back with `changes`."""
    url = admin_url(type(obj), "change", obj.pk)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page, **changes))
