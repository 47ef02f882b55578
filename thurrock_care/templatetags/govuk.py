"""Template helpers for GOV.UK Frontend markup."""

from datetime import datetime, time

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

WIDGET_CLASSES = [
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input"),
    (forms.RadioSelect, "govuk-radios__input"),
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (forms.Textarea, "govuk-textarea"),
    (forms.Select, "govuk-select"),
    (forms.FileInput, "govuk-file-upload"),
    (forms.widgets.Input, "govuk-input"),
]


@register.simple_tag
def govuk_widget(field: BoundField) -> SafeString:
    """Render a field's widget with the GOV.UK class, error state and described-by ids."""
    widget = field.field.widget
    css = next((css for kind, css in WIDGET_CLASSES if isinstance(widget, kind)), "")
    if field.errors and css in {"govuk-input", "govuk-textarea", "govuk-select"}:
        css += f" {css}--error"
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {"class": f"{css} {widget.attrs.get('class', '')}".strip()}
    if described_by and not is_choice_group(field):  # the fieldset carries them
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_group(field: BoundField) -> bool:
    """Radios and checkboxes for one question: a fieldset with a legend."""
    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter(expects_localtime=True)
def clock(value: datetime | time | None) -> str:
    """A time of day on the 24-hour clock, in the borough's time zone ("09:05"): what
    `time:"H:i"` writes, in a tenth of the time (a team's day writes hundreds)."""
    return value.strftime("%H:%M") if isinstance(value, datetime | time) else ""
