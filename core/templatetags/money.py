from django import template

from core import money

register = template.Library()


@register.filter
def euros(value) -> str:
    """``{{ amount|euros }}``: "55 300,00 €" in French, "€55,300.00" in English."""
    return money.euros(value)
