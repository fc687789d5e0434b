from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
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


class CurrentManager(models.Manager):
    """Log entries that have not been withdrawn: what every page, list and count shows."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


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

    objects = CurrentManager()
    all_objects = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        abstract = True
