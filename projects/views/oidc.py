"""Sign-in through an identity provider (OpenID Connect, authorisation code flow with PKCE),
one URL pair per configured provider: `/oidc/<key>/login/` and `/oidc/<key>/callback/`."""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from mozilla_django_oidc.utils import (
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
)
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    get_next_url,
)

from projects.backends import ProviderOIDCBackend
from projects.oidc import ProviderUnavailable, get_provider
from projects.services.identity import SignInRefused

logger = logging.getLogger(__name__)

BACKEND = "projects.backends.ProviderOIDCBackend"
INVITATION_SESSION_KEY = "invitation_token"


def _provider_or_404(key: str):
    provider = get_provider(key)
    if provider is None:
        raise Http404("no such identity provider")
    return provider


def _callback_url(request, key: str) -> str:
    return request.build_absolute_uri(reverse("oidc_callback", args=[key]))


def _refused(request, message: str):
    messages.error(request, message)
    return redirect("login")


def _unavailable(request, provider):
    return _refused(
        request,
        _("%(provider)s cannot be reached just now. Please try again in a few minutes.")
        % {"provider": provider.label},
    )


class ProviderLoginView(OIDCAuthenticationRequestView):
    """Send the browser to the provider's authorisation endpoint with a fresh state, nonce
    and PKCE challenge, remembered in the session together with the provider's key."""

    def __init__(self, **kwargs):
        # The package reads one provider from settings here; the key in the URL picks it.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request, key):
        provider = _provider_or_404(key)
        try:
            endpoint = provider.metadata()["authorization_endpoint"]
        except ProviderUnavailable:
            logger.exception("Identity provider %s unavailable", key)
            return _unavailable(request, provider)
        state = get_random_string(self.get_settings("OIDC_STATE_SIZE", 32))
        code_verifier = get_random_string(64)
        params = {
            "response_type": "code",
            "scope": provider.scopes,
            "client_id": provider.client_id,
            "redirect_uri": _callback_url(request, key),
            "state": state,
            "nonce": get_random_string(self.get_settings("OIDC_NONCE_SIZE", 32)),
            "code_challenge": generate_code_challenge(code_verifier, "S256"),
            "code_challenge_method": "S256",
        }
        add_state_and_verifier_and_nonce_to_session(request, state, params, code_verifier)
        # A state answers only the provider it was sent to.
        request.session["oidc_states"][state]["provider"] = key
        request.session["oidc_login_next"] = get_next_url(
            request, self.get_settings("OIDC_REDIRECT_FIELD_NAME", "next")
        )
        request.session.modified = True
        return HttpResponseRedirect(f"{endpoint}?{urlencode(params)}")


class ProviderCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: check the state, let the backend exchange
    the code and match the person, then sign them in — or explain on the login page."""

    def get(self, request, key):
        provider = _provider_or_404(key)
        states = request.session.get("oidc_states") or {}
        state = request.GET.get("state", "")
        entry = states.pop(state, None) if state else None
        # Used up whatever happens next, so the same answer cannot be replayed.
        request.session["oidc_states"] = states
        if entry is None or entry.get("provider") != key:
            return _refused(
                request,
                _(
                    "The sign-in could not be completed (it expired or was started elsewhere). "
                    "Please try again."
                ),
            )
        if request.GET.get("error"):
            return _refused(
                request,
                _("%(provider)s did not sign you in. Please try again.")
                % {"provider": provider.label},
            )
        invitation_token = request.session.get(INVITATION_SESSION_KEY)
        backend = ProviderOIDCBackend()
        try:
            user = backend.sign_in(
                request,
                provider,
                nonce=entry.get("nonce"),
                code_verifier=entry.get("code_verifier"),
                redirect_uri=_callback_url(request, key),
                invitation_token=invitation_token,
            )
        except SignInRefused as refusal:
            logger.info("Sign-in through %s refused: %s", key, refusal.message)
            # An invitation that could not be used is not tried again on the next attempt;
            # opening its link again puts it back.
            request.session.pop(INVITATION_SESSION_KEY, None)
            return _refused(request, refusal.message)
        except ProviderUnavailable:
            logger.exception("Identity provider %s unavailable", key)
            return _unavailable(request, provider)
        except (SuspiciousOperation, requests.RequestException) as exc:
            logger.warning("Sign-in through %s failed: %s", key, exc)
            return _refused(
                request,
                _(
                    "The answer from %(provider)s could not be verified, so you were not signed "
                    "in. Please try again."
                )
                % {"provider": provider.label},
            )
        next_url = request.session.get("oidc_login_next")
        request.session.pop(INVITATION_SESSION_KEY, None)
        auth.login(request, user, backend=BACKEND)
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
