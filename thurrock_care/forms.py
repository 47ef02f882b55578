"""What every form shares: GOV.UK Frontend markup (templates/forms/), the status a form page
answers with, and a date typed the way people in the UK type one."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest
from django.utils.html import conditional_escape

# Dates as people type them: 27/03/1948, 27-3-1948, 1948-03-27, 27 March 1948…
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %m %Y", "%d %B %Y", "%d %b %Y"]
DATE_HINT = "For example, 27/03/1948"


class GovukFormRenderer(TemplatesSetting):
    """Forms, fields and widgets in GOV.UK Frontend markup, from templates/forms/ and
    templates/django/forms/. Choice widgets are written here in Python instead: a template
    renders each option's every attribute through the template engine, and a list of a
    locality's organisations is hundreds of options (the MDT meeting page spent most of its
    time there: docs/performance.md). Same markup as Django's templates, GOV.UK classes."""

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = _CHOICE_WIDGETS.get(template_name)
        if write is not None:
            return write(context["widget"])
        return super().render(template_name, context, request=request)


def _attributes(attrs: dict[str, Any]) -> str:
    """Django's widgets/attrs.html: ` name="value"`, the bare name for True, none for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _options(widget: dict[str, Any]) -> list[dict[str, Any]]:
    return [option for _, options, _ in widget["optgroups"] for option in options]


def _choice_items(widget: dict[str, Any], kind: str) -> str:
    """Radios or checkboxes: GOV.UK's item markup around Django's option inputs."""
    items = "".join(
        f'\n  <div class="govuk-{kind}__item"><input type="{conditional_escape(option["type"])}"'
        f' name="{conditional_escape(option["name"])}"'
        + ("" if option["value"] is None else f' value="{conditional_escape(option["value"])}"')
        + f'{_attributes(option["attrs"])}>\n<label class="govuk-label govuk-{kind}__label"'
        f' for="{conditional_escape(option["attrs"].get("id", ""))}">'
        f"{conditional_escape(option['label'])}</label></div>"
        for option in _options(widget)
    )
    group = f'<div class="govuk-{kind} govuk-{kind}--small" data-module="govuk-{kind}">'
    return f"{group}{items}\n</div>"


def _checkboxes(widget: dict[str, Any]) -> str:
    if not widget["optgroups"]:
        return (
            '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
            '<p class="govuk-body">There is nothing to choose from yet.</p>\n</div>'
        )
    return _choice_items(widget, "checkboxes")


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
    for group, options, _ in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{conditional_escape(group)}">')
        parts.extend(
            f'\n  <option value="{conditional_escape(option["value"])}"'
            f"{_attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>"
            for option in options
        )
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_CHOICE_WIDGETS: dict[str, Callable[[dict[str, Any]], str]] = {
    "django/forms/widgets/checkbox_select.html": _checkboxes,
    "django/forms/widgets/radio.html": lambda widget: _choice_items(widget, "radios"),
    "django/forms/widgets/select.html": _select,
}


def form_status(request: HttpRequest) -> int:
    """200 for a new form, 400 for one sent back with errors."""
    return 400 if request.method == "POST" else 200


def date_field(
    label: str, *, required: bool = False, help_text: str = DATE_HINT
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10"}),
        error_messages={"invalid": "Enter a real date, for example 27/03/1948"},
    )
