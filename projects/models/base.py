from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@cache
def _choice_labels(field, language: str | None) -> dict:
    """The labels of a field's choices by value, in `language` (the active one)."""
    return {
        make_hashable(value): force_str(label, strings_only=True)
        for value, label in field.flatchoices
    }


class ChoiceLabelsModel(models.Model):
    """A model whose `get_<field>_display()` looks its labels up by field and language."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        """What `get_<field>_display()` returns, as Django's own, with each field's labels
        translated once per language: Django builds and translates a dict of every choice on
        each call, and lists call it for several fields a row."""
        if isinstance(field.choices, CallableChoiceIterator):
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        labels = _choice_labels(field, get_language())
        return labels.get(make_hashable(value), force_str(value, strings_only=True))


class TimeStampedModel(ChoiceLabelsModel):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A record edited in forms: the version it was read at travels with the form, so a save
    over someone else's newer change is refused instead of silently overwriting it."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Every save of an existing row moves its version on, whichever path it takes (a
        service, the Django admin or a plain ORM save), so a form opened before it is refused."""
        if self._state.adding:
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        # Counted by the database, so that two saves of stale copies still give two versions.
        self.version = F("version") + 1
        super().save(*args, **kwargs)
        self.refresh_from_db(fields=["version"])


class CurrentManager(models.Manager):
    """Log entries that have not been withdrawn: what every page, list and count shows."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class RecordQuerySet(models.QuerySet):
    def withdrawn(self):
        return self.filter(withdrawn_at__isnull=False)


class WithdrawableModel(models.Model):
    """A log entry that is withdrawn rather than deleted, keeping its history."""

    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    objects = CurrentManager.from_queryset(RecordQuerySet)()
    all_objects = models.Manager.from_queryset(RecordQuerySet)()  # noqa: DJ012 (a manager)

    class Meta:
        abstract = True
