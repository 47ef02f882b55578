"""What every form shares: GOV.UK Frontend markup (templates/forms/), the status a form page
answers with, and a date typed the way people in the UK type one."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest

# Dates as people type them: 27/03/1948, 27-3-1948, 1948-03-27, 27 March 1948…
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %m %Y", "%d %B %Y", "%d %b %Y"]
DATE_HINT = "For example, 27/03/1948"


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"


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
