"""`typo`: French no-break spaces in editorial text (titles, intros, rich text).

    {% load typography %}
    <h1>{{ page.title|typo }}</h1>                 plain text, escaped afterwards as usual
    {{ page.body|richtext|typo }}                   HTML: only the text between tags changes
    {% filter typo %}{% include_block page.body %}{% endfilter %}

See home.typography for the rules.
"""

from django import template
from django.utils.safestring import SafeData, mark_safe

from home.typography import french_spacing, french_spacing_html

register = template.Library()


@register.filter(is_safe=True)
def typo(value):
    """Safe HTML (rich text, a rendered block) stays safe HTML; plain text stays plain
    text, escaped by the template as before."""
    if value is None or value == "":
        return value
    if isinstance(value, SafeData):
        return mark_safe(french_spacing_html(value))  # noqa: S308 (tags kept byte for byte)
    if hasattr(value, "__html__"):
        return mark_safe(french_spacing_html(value.__html__()))  # noqa: S308
    return french_spacing(str(value))
