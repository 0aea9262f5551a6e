"""``{{ amount|yuan }}``: amounts printed as the messages print them (100,000 or 12,345.50)."""

from django import template

from zhifa.discretion.models import yuan as format_yuan

register = template.Library()


@register.filter
def yuan(value):
    return format_yuan(value)
