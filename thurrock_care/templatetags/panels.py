"""Rendering the home page's panels (thurrock_care/panels.py)."""

from django import template
from django.utils.safestring import SafeString

from thurrock_care.panels import Shown

register = template.Library()


@register.simple_tag(takes_context=True)
def home_panel(context: template.Context, panel: Shown) -> SafeString:
    """`{% include %}` of the panel's template with the panel's own context on top of the
    page's (user, request, csrf_token), and nothing of it left for the next panel."""
    assert context.template is not None
    included = context.template.engine.get_template(panel.template)
    with context.push(**panel.context):
        return included.render(context)
