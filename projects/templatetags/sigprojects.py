from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

register = template.Library()

# Shape as well as colour, so that status is never told by colour alone.
_LIGHT_SYMBOLS = {"green": "●", "yellow": "▲", "red": "■"}


@register.filter
def dkk(amount) -> str:
    """An amount in Danish kroner, grouped the way the active language writes numbers."""
    if amount is None or amount == "":
        return "–"
    return _("%(amount)s kr.") % {"amount": intcomma(int(amount))}


@register.inclusion_tag("includes/traffic_light.html")
def traffic_light(value: str, label: str = "", caption: str = ""):
    """A status badge with colour, symbol and words; `label` is the choice's display text."""
    return {
        "value": value,
        "symbol": _LIGHT_SYMBOLS.get(value, "○"),
        "label": label,
        "caption": caption,
    }


@register.filter
def hours(amount) -> str:
    """A number of hours, grouped the way the active language writes numbers."""
    if amount is None or amount == "":
        return "–"
    return _("%(amount)s hours") % {"amount": intcomma(int(amount))}
