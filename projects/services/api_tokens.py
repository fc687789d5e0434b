"""API tokens: created by agency members for themselves, revoked by them or an administrator."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import ApiToken
from projects.models.api import hash_secret

# Enough for every system an agency member feeds; a limit keeps forgotten tokens few.
MAX_ACTIVE_TOKENS = 10
# How often the "last used" time is written: not on every request of a busy client.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def create_api_token(*, user, name: str) -> IssuedToken:
    """A new token for `user`; the returned secret is the only copy."""
    # Serialises one user's token creations, so that two at once cannot pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.of(user).active().count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(count)d active tokens, the most allowed. Revoke one you no longer use.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    token = ApiToken(user=user, name=name)
    secret = token.set_secret()
    token.full_clean()
    token.save()
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def revoke_api_token(*, token: ApiToken) -> ApiToken:
    """Revoke the token from now on (a token already revoked keeps its time)."""
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is None:
        current.revoked_at = timezone.now()
        current.full_clean()
        current.save(update_fields=["revoked_at", "updated_at"])
    return current


def authenticate_token(secret: str) -> ApiToken | None:
    """The active token with this secret, with its user, or None; notes when it was used."""
    if not secret:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(secret_hash=hash_secret(secret), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        # A conditional update of the one field: no lock, no history entry for every use.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
