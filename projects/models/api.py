"""Tokens with which agency members read the portfolio through the API.

Only a hash of a token's secret is stored: the token is shown once, when it is created. A
token is revoked, never deleted, so that its use stays attributable."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel

# Tells the token apart from other secrets in a configuration file or a leak scanner.
TOKEN_PREFIX = "sgp_"
# Characters after TOKEN_PREFIX shown to tell one's tokens apart.
DISPLAY_LENGTH = 8


def hash_secret(token: str) -> str:
    """SHA-256 of the whole token. The token holds 256 random bits, so a fast hash suffices:
    there is nothing to guess from it."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token_value() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def of(self, user):
        return self.filter(user=user)


class ApiToken(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is used for, e.g. the system that reads the portfolio."),
    )
    prefix = models.CharField(_("token begins with"), max_length=20, editable=False)
    secret_hash = models.CharField(_("hash of the secret"), max_length=64, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.UniqueConstraint(fields=["secret_hash"], name="api_token_secret_hash_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="api_token_name_not_empty"),
            models.CheckConstraint(
                condition=~Q(secret_hash="") & ~Q(prefix=""),
                name="api_token_has_secret",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="api_token_revoked_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def set_secret(self) -> str:
        """Give the token a new secret and return it: the only time it can be read."""
        token = new_token_value()
        self.secret_hash = hash_secret(token)
        self.prefix = token[: len(TOKEN_PREFIX) + DISPLAY_LENGTH]
        return token

    def clean(self):
        super().clean()
        self.name = (self.name or "").strip()
        if not self.name:
            raise ValidationError({"name": _("Give the token a name.")})
        if not self.secret_hash:
            raise ValidationError(_("A token needs a secret."))
