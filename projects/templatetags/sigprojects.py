from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from projects.numbers import trimmed

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


@register.simple_tag
def portfolio_url(**params) -> str:
    """The portfolio list filtered by exactly these parameters."""
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{reverse('project_list')}?{query}"


@register.simple_tag
def sort_url(query: str, current: str, field: str) -> str:
    """The list's URL sorted by `field`, or in reverse when it is sorted by it already."""
    params = QueryDict(query, mutable=True)
    params["order"] = f"-{field}" if current == field else field
    params.pop("page", None)
    return f"?{params.urlencode()}"


@register.filter
def percent_of(value, total) -> int:
    """`value` as a whole percentage of `total`, for bar lengths."""
    try:
        return round(100 * int(value) / int(total)) if total else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def person(user) -> str:
    """A user's full name, else the username; a dash when nobody is recorded."""
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()


@register.filter
def decimal(value) -> str:
    """A measured value grouped the way the active language writes numbers, without trailing
    zeros: "1.234,5" in Danish. A minus is written as a minus sign."""
    if value is None or value == "":
        return "–"
    text = number_format(trimmed(Decimal(value)), force_grouping=True)
    return text.replace("-", "−")


@register.filter
def percent(value) -> str:
    """A percentage such as "63 %" or "−12 %"; a dash when there is none."""
    if value is None or value == "":
        return "–"
    return _("%(number)s %%") % {"number": decimal(value)}
