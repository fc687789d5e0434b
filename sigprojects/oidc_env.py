"""Identity providers for sign-in with OpenID Connect, read from the environment.

`OIDC_PROVIDERS` is a JSON list of objects, one per provider (see the README's "Sign-in"):

    [{"key": "kombit", "label": "KOMBIT", "issuer": "https://…", "client_id": "…",
      "client_secret": "…", "roles": {"sig-koordinator": "coordinator"}}]

A secret can instead come from `OIDC_<KEY>_CLIENT_SECRET` (the key in capitals, "-" as "_"),
so that the list itself holds nothing secret. A malformed list stops the start with a message
that names the provider and the field.
"""

import json
import os
import re

from django.core.exceptions import ImproperlyConfigured

ASSURANCE_LEVELS = ("low", "substantial", "high")
ROLE_VALUES = ("viewer", "coordinator", "reviewer", "administrator")

_DEFAULTS = {
    "scopes": "openid profile email",
    "cvr_claim": "cvr",
    "role_claim": "roles",
    "roles": {},
    "assurance_claim": "loa",
    "min_assurance": None,
    "agency": False,
    "discovery_url": None,
    "username_claim": "preferred_username",
    "cvrs": [],
}
_REQUIRED = ("key", "label", "issuer", "client_id")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")


def _fail(where: str, message: str):
    raise ImproperlyConfigured(f"OIDC_PROVIDERS{where}: {message}")


def parse_providers(raw: str, environ=None, default_min_assurance: str = "substantial") -> list:
    """The validated provider settings (a list of dicts) for the JSON text `raw`."""
    environ = os.environ if environ is None else environ
    if default_min_assurance not in ASSURANCE_LEVELS:
        raise ImproperlyConfigured(
            f"OIDC_MIN_ASSURANCE={default_min_assurance!r} is not one of {ASSURANCE_LEVELS}."
        )
    if not raw.strip():
        return []
    try:
        items = json.loads(raw)
    except ValueError as exc:
        _fail("", f"is not valid JSON ({exc}).")
    if not isinstance(items, list):
        _fail("", "must be a JSON list of provider objects.")
    providers, keys = [], set()
    for index, item in enumerate(items):
        where = f"[{index}]"
        if not isinstance(item, dict):
            _fail(where, "is not an object.")
        unknown = set(item) - set(_REQUIRED) - set(_DEFAULTS) - {"client_secret"}
        if unknown:
            _fail(where, f"has unknown fields {sorted(unknown)}.")
        for field in _REQUIRED:
            if not isinstance(item.get(field), str) or not item[field].strip():
                _fail(where, f"needs a non-empty text {field!r}.")
        provider = {**_DEFAULTS, **item}
        key = provider["key"]
        where = f"[{key}]"
        if not _KEY.match(key):
            _fail(where, "key must be lower-case letters, digits and '-' (at most 50).")
        if key in keys:
            _fail(where, "the key is used twice.")
        keys.add(key)
        env_secret = environ.get(f"OIDC_{key.upper().replace('-', '_')}_CLIENT_SECRET")
        provider["client_secret"] = env_secret or provider.get("client_secret") or ""
        provider["issuer"] = provider["issuer"].rstrip("/")
        if not provider["issuer"].startswith(("https://", "http://")):
            _fail(where, "issuer must be an http(s) URL.")
        if not isinstance(provider["roles"], dict) or any(
            role not in ROLE_VALUES for role in provider["roles"].values()
        ):
            _fail(where, f"roles must map claim values to one of {ROLE_VALUES}.")
        if not provider["agency"] and any(
            role in ("reviewer", "administrator") for role in provider["roles"].values()
        ):
            _fail(where, 'only the agency\'s own provider ("agency": true) may give agency roles.')
        provider["min_assurance"] = provider["min_assurance"] or default_min_assurance
        if provider["min_assurance"] not in ASSURANCE_LEVELS:
            _fail(where, f"min_assurance must be one of {ASSURANCE_LEVELS}.")
        cvrs = provider["cvrs"]
        if not isinstance(cvrs, list) or not all(re.fullmatch(r"[0-9]{8}", str(c)) for c in cvrs):
            _fail(where, "cvrs must be a list of 8-digit CVR numbers.")
        provider["cvrs"] = [str(cvr) for cvr in cvrs]
        if not isinstance(provider["agency"], bool):
            _fail(where, "agency must be true or false.")
        providers.append(provider)
    return providers


def provider_origins(providers: list) -> list[str]:
    """The origins (scheme://host[:port]) of the providers' issuers: a sign-in form (an
    invitation's "Log in with …") ends in a redirect there, which the CSP's form-action
    governs too. The authorisation endpoint is expected at the issuer's origin."""
    origins = []
    for provider in providers:
        scheme, rest = provider["issuer"].split("://", 1)
        origin = f"{scheme}://{rest.split('/', 1)[0]}"
        if origin not in origins:
            origins.append(origin)
    return origins
