"""Sign-in protection beyond django-axes' per-address lockout.

- The client address comes from the connection, or from a proxy header only when one is
  configured as trusted (a header anyone can send would let an attacker pick their address).
- Guesses at one account from many addresses are slowed, not locked out: after
  `ACCOUNT_FAILURE_LIMIT` recent failures, the account takes one attempt per growing delay.
  Attempts refused for the delay check no password and are not counted, so a stranger cannot
  keep a real user out longer than the delay.
- The old password on the change-password form is checked like a login, so it is throttled.
"""

import math

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def client_ip(request) -> str | None:
    """The address axes throttles by: REMOTE_ADDR, or the entry the trusted proxy added."""
    header = settings.TRUSTED_PROXY_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        hops = [hop.strip() for hop in request.META.get(meta_key, "").split(",") if hop.strip()]
        # Each trusted proxy appends the address it saw; anything before that is the client's
        # own claim. With N proxies, the N-th entry from the end is the one to believe.
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            return hops[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR")


def account_delay(username: str) -> int:
    """Seconds to wait before the next attempt at this account may be checked (0: now)."""
    if not username:
        return 0
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    failures = recent["failures"] or 0
    excess = failures - settings.ACCOUNT_FAILURE_LIMIT
    if excess < 0:
        return 0
    delay = min(2**excess, settings.ACCOUNT_MAX_DELAY_SECONDS)
    waited = max(0.0, (timezone.now() - recent["last"]).total_seconds())
    return max(0, math.ceil(delay - waited))


def _too_soon(seconds: int) -> forms.ValidationError:
    return forms.ValidationError(
        _(
            "Too many failed attempts for this account. For its protection, try again in "
            "%(seconds)s seconds."
        ),
        code="account_delay",
        params={"seconds": seconds},
    )


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        seconds = account_delay(self.cleaned_data.get("username", ""))
        if seconds:
            raise _too_soon(seconds)
        return super().clean()

    def get_invalid_login_error(self):
        # Set by projects.backends.PasswordBackend, only once the password proved right.
        if getattr(self.request, "password_login_refused", False):
            return forms.ValidationError(
                _(
                    "Your organisation signs in through its identity provider, not with a "
                    "password. Use the sign-in button for your organisation below."
                ),
                code="password_login_off",
            )
        return super().get_invalid_login_error()


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Checks the old password through the authentication backends, so that wrong guesses
    count and lock out like failed logins."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        username = self.user.get_username()
        seconds = account_delay(username)
        if seconds:
            raise _too_soon(seconds)
        if authenticate(self.request, username=username, password=old_password) is None:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
