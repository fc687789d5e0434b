"""How much free text each kind of field takes, and the field that keeps to it.

Without a limit a single pasted document would be stored and then drawn on every project page,
export and history entry. The sizes are generous for what each field asks for; the forms, the
browser (the `maxlength` attribute and its character count) and the model's own validation,
which the Django admin and the services run too, all refuse more.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# A full account: a project's summary, what a barrier, decision or lesson is about, the
# progress reported in a status update.
DESCRIPTION_MAX_LENGTH = 5_000
# The reasoning behind something: a rationale, how a barrier was resolved or why it stays
# open, a review note and its answer.
EXPLANATION_MAX_LENGTH = 4_000
# A short note beside structured fields: next steps, help asked for, legal basis, suppliers,
# the outcome and benefits notes, a gate decision's conditions.
NOTE_MAX_LENGTH = 2_000


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """Counts a line break as one character, as the browser's `maxlength` and the character
    count do: a browser sends each line break as two characters ("\\r\\n"), so text typed up
    to the limit in the browser would otherwise be refused on the server."""

    message = _("Shorten the text to at most %(limit)s characters (it has %(count)s).")

    def clean(self, x):
        return len(x.replace("\r\n", "\n"))

    def __call__(self, value):
        length = self.clean(value)
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    # Grouped the way the interface language writes numbers: 5.000 or 5,000.
                    "limit": number_format(self.limit_value, force_grouping=True),
                    "count": number_format(length, force_grouping=True),
                },
            )


class LimitedTextFormField(forms.CharField):
    """A text box whose limit is checked by `TextLengthValidator` (line breaks count once)."""

    def __init__(self, *, max_length: int, **kwargs):
        kwargs.setdefault("widget", forms.Textarea)
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [
            validator for validator in self.validators if type(validator) is not MaxLengthValidator
        ]
        self.validators.append(TextLengthValidator(max_length))


class LimitedTextField(models.TextField):
    """A text column with a maximum length that every path keeps: the form (and its HTML
    `maxlength`), `full_clean()` and so the Django admin. The column type stays TEXT, so the
    limit can change without rewriting the table."""

    # The limit is checked in Python only: changing it needs no schema change.
    non_db_attrs = (*models.TextField.non_db_attrs, "max_length")

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(TextLengthValidator(max_length))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LimitedTextFormField, **kwargs})
