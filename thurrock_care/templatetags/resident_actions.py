"""The feature apps' links on a resident's page (thurrock_care/resident_actions.py)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from thurrock_care import resident_actions

register = template.Library()


@register.simple_tag(takes_context=True)
def resident_actions_for(context: template.Context, resident_id: int) -> SafeString:
    """A GOV.UK button (primary) or link for each action offered to the signed-in user."""
    user = context["request"].user
    links = resident_actions.links_for(user, resident_id)
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(
                    '<a class="govuk-button govuk-!-margin-bottom-0" data-module="govuk-button" '
                    'href="{}">{}</a>'
                    if link.primary
                    else '<a class="govuk-link" href="{}">{}</a>',
                    link.url,
                    link.label,
                ),
            )
            for link in links
        ),
    )
