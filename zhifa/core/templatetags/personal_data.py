"""``{% personal object "field" %}``: a personal value masked, with "显示完整" for those who may.

See ``zhifa.core.personal`` for which fields, who, and the audit of every full view.
"""

from django import template

from zhifa.core import personal as policy

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, instance, field: str, empty: str = "—"):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return policy.render(user, instance, field, empty)
