"""Numbers written the Danish way: "500.000" is five hundred thousand, "1.234,5" is one
thousand two hundred and thirty-four and a half.

Django's integer parsing reads "500.000" as 500 (it drops a trailing ".000"), so every amount
field parses and shows its value here instead; measured values with decimals likewise.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

INVALID_MESSAGE = _(
    "Enter a whole number, for example 500.000 or 500000: dots or spaces between thousands, "
    "no decimals."
)

# Dots, spaces and non-breaking spaces (also the narrow one that word processors paste) group
# thousands. A grouped number uses one separator throughout, every group after the first has
# exactly three digits, and the first does not start with 0: "0.500" would be a decimal.
_SEPARATORS = ". \u00a0\u202f"
_PLAIN = re.compile(r"[0-9]+")
_GROUPED = re.compile(
    rf"[1-9][0-9]{{0,2}}(?P<sep>[{_SEPARATORS}])[0-9]{{3}}(?:(?P=sep)[0-9]{{3}})*"
)
_MINUS_SIGNS = ("-", "\u2212")


def parse_danish_integer(text) -> int:
    """The whole number that `text` means in Danish notation; ValidationError if it is unclear."""
    cleaned = str(text).strip()
    negative = cleaned.startswith(_MINUS_SIGNS)
    if negative:
        cleaned = cleaned[1:]
    if not (_PLAIN.fullmatch(cleaned) or _GROUPED.fullmatch(cleaned)):
        raise ValidationError(INVALID_MESSAGE, code="invalid")
    try:
        value = int(cleaned.translate({ord(separator): None for separator in _SEPARATORS}))
    except ValueError:  # more digits than Python converts
        raise ValidationError(INVALID_MESSAGE, code="invalid") from None
    return -value if negative else value


def format_danish_integer(number: int) -> str:
    """`number` with a dot between thousands, as Danish writes it and as the fields read it."""
    return f"{number:,}".replace(",", ".")


class AmountInput(forms.TextInput):
    """A text box: a browser's number box refuses "500.000" before the server sees it."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", **(attrs or {})})


class DanishIntegerField(forms.IntegerField):
    """A whole number typed and shown with Danish grouping of thousands."""

    widget = AmountInput
    default_error_messages = {"invalid": INVALID_MESSAGE}

    def __init__(self, *, widget=None, **kwargs):
        # The admin and Meta.widgets may hand over a number box; keep its attributes only.
        if isinstance(widget, type):
            widget = widget()
        if widget is None or isinstance(widget, forms.NumberInput):
            widget = AmountInput(attrs=widget.attrs if widget is not None else None)
        super().__init__(widget=widget, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return parse_danish_integer(value)

    def prepare_value(self, value):
        # A stored number is shown grouped; what the user typed comes back as typed.
        if isinstance(value, int) and not isinstance(value, bool):
            return format_danish_integer(value)
        return value


class _DanishAmountMixin:
    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": DanishIntegerField, "min_value": 0, **kwargs})


class AmountField(_DanishAmountMixin, models.BigIntegerField):
    """A whole amount, such as kroner; its form field reads Danish grouping, refuses negatives."""


class HoursField(_DanishAmountMixin, models.IntegerField):
    """A whole number of hours; its form field reads Danish grouping, refuses negatives."""


DECIMAL_INVALID_MESSAGE = _(
    "Enter a number, for example 1.234,5 or 1234,5: a comma before the decimals, dots or "
    "spaces between thousands."
)
_DECIMAL = re.compile(rf"(?P<whole>{_PLAIN.pattern}|{_GROUPED.pattern})(?:,(?P<fraction>[0-9]+))?")


def parse_danish_decimal(text) -> Decimal:
    """The number that `text` means in Danish notation ("1.234,5", "1234,5", "-0,25");
    ValidationError if it is unclear. A dot is never a decimal point: "1.5" is refused."""
    cleaned = str(text).strip()
    negative = cleaned.startswith(_MINUS_SIGNS)
    if negative:
        cleaned = cleaned[1:]
    match = _DECIMAL.fullmatch(cleaned)
    if match is None:
        raise ValidationError(DECIMAL_INVALID_MESSAGE, code="invalid")
    whole = match["whole"].translate({ord(separator): None for separator in _SEPARATORS})
    try:
        fraction = match["fraction"]
        value = Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:
        raise ValidationError(DECIMAL_INVALID_MESSAGE, code="invalid") from None
    return -value if negative and value else value


def trimmed(value: Decimal) -> Decimal:
    """`value` without trailing zeros after the decimal point (and never in exponent form)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def format_danish_decimal(value: Decimal) -> str:
    """`value` as Danish writes it and as the decimal fields read it: "1.234,5"."""
    value = trimmed(Decimal(value))
    sign = "-" if value < 0 else ""
    whole, _dot, fraction = f"{abs(value):f}".partition(".")
    text = format_danish_integer(int(whole))
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


class DecimalInput(forms.TextInput):
    """A text box: a browser's number box refuses "1.234,5" before the server sees it."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", **(attrs or {})})


class DanishDecimalField(forms.DecimalField):
    """A number with decimals typed and shown the Danish way."""

    widget = DecimalInput
    default_error_messages = {"invalid": DECIMAL_INVALID_MESSAGE}

    def __init__(self, *, widget=None, **kwargs):
        if isinstance(widget, type):
            widget = widget()
        if widget is None or isinstance(widget, forms.NumberInput):
            widget = DecimalInput(attrs=widget.attrs if widget is not None else None)
        kwargs.pop("localize", None)
        super().__init__(widget=widget, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        return parse_danish_decimal(value)

    def prepare_value(self, value):
        # A stored number is shown the Danish way; what the user typed comes back as typed.
        if isinstance(value, Decimal) and value.is_finite():
            return format_danish_decimal(value)
        return value
