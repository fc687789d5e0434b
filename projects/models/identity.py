from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel


class ExternalIdentity(TimeStampedModel):
    """A person as an identity provider knows them: the provider's issuer and the subject it
    gives that person. Signing in through a provider finds the user by this pair only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    provider_key = models.CharField(
        _("provider"),
        max_length=50,
        blank=True,
        help_text=_("The key of the configured provider the person last signed in through."),
    )
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        ordering = ["issuer", "subject"]
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="external_identity_issuer_subject_unique"
            ),
            models.CheckConstraint(
                condition=~Q(issuer="") & ~Q(subject=""),
                name="external_identity_issuer_and_subject_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.issuer} ({self.subject})"
