"""The identity providers people sign in through (OpenID Connect), as configured in
`settings.OIDC_PROVIDERS`, and what each publishes: its discovery document and signing keys.

Both are cached (`OIDC_DISCOVERY_CACHE_SECONDS`) in the shared cache, keyed by their URL, so
that a sign-in costs no extra round trip; the keys are fetched again at once when a token
names a key the cached set lacks (the provider rotated its keys).
"""

import hashlib
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

ASSURANCE_RANK = {"low": 1, "substantial": 2, "high": 3}
# The eIDAS / NSIS levels of assurance, as MitID names them.
ASSURANCE_LABELS = {"low": _("low"), "substantial": _("substantial"), "high": _("high")}


class ProviderUnavailable(Exception):
    """The provider's discovery document or keys could not be read."""


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    issuer: str
    client_id: str
    client_secret: str = ""
    scopes: str = "openid profile email"
    cvr_claim: str = "cvr"
    role_claim: str = "roles"
    roles: dict = field(default_factory=dict)
    assurance_claim: str = "loa"
    min_assurance: str = "substantial"
    agency: bool = False
    discovery_url: str | None = None
    username_claim: str = "preferred_username"
    # The organisations (CVR numbers) the provider may vouch for; empty: any.
    cvrs: list = field(default_factory=list)

    @property
    def discovery_document_url(self) -> str:
        return self.discovery_url or f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict:
        """The provider's discovery document (cached)."""
        document = _cached_json(self.discovery_document_url)
        for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not document.get(name):
                raise ProviderUnavailable(f"{self.key}: the discovery document has no {name}")
        # The issuer in the document must be the one configured, or a look-alike could
        # publish its own keys under another provider's name (OpenID Connect Discovery 4.3).
        if document["issuer"].rstrip("/") != self.issuer:
            raise ProviderUnavailable(
                f"{self.key}: the discovery document names issuer {document['issuer']!r}"
            )
        return document

    def signing_keys(self, *, refresh: bool = False) -> list[dict]:
        """The provider's published keys (JWKS; cached unless `refresh`)."""
        document = _cached_json(self.metadata()["jwks_uri"], refresh=refresh)
        keys = document.get("keys")
        if not isinstance(keys, list):
            raise ProviderUnavailable(f"{self.key}: the key set has no keys")
        return keys


def providers() -> list[Provider]:
    """Every configured provider, in the configured order (the login page's buttons)."""
    return [Provider(**config) for config in settings.OIDC_PROVIDERS]


def get_provider(key: str) -> Provider | None:
    return next((provider for provider in providers() if provider.key == key), None)


def assurance_level(value) -> str | None:
    """'low', 'substantial' or 'high' for a claim value such as 'substantial' or the NSIS URI
    'https://data.gov.dk/concept/core/nsis/loa/Substantial'; None for anything else."""
    if not isinstance(value, str):
        return None
    level = value.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    return level if level in ASSURANCE_RANK else None


def _cached_json(url: str, *, refresh: bool = False) -> dict:
    cache_key = "oidc:" + hashlib.sha256(url.encode()).hexdigest()
    if not refresh:
        document = cache.get(cache_key)
        if document is not None:
            return document
    try:
        response = requests.get(
            url, timeout=settings.OIDC_TIMEOUT, headers={"Accept": "application/json"}
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{url}: {exc}") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    cache.set(cache_key, document, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return document
