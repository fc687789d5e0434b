"""Authentication backends: passwords (unless the organisation turned them off) and sign-in
through an OpenID Connect provider (mozilla-django-oidc, one configuration per provider)."""

import logging

import jwt
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db.models import Q
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from projects.models import Membership, OrganisationKind, Role
from projects.oidc import Provider
from projects.services.identity import sign_in_with_provider

logger = logging.getLogger(__name__)

SIGNING_ALGORITHM = "RS256"


def password_login_refused(user) -> bool:
    """Whether an organisation of the user's has turned password sign-in off.

    Superusers and agency administrators keep their password for break-glass access when a
    municipality they also belong to turns it off; only their agency's own setting counts."""
    memberships = Membership.objects.filter(user=user)
    break_glass = (
        user.is_superuser
        or memberships.filter(
            organisation__kind=OrganisationKind.AGENCY, role=Role.ADMINISTRATOR
        ).exists()
    )
    if break_glass:
        memberships = memberships.filter(organisation__kind=OrganisationKind.AGENCY)
    return memberships.filter(organisation__password_login_allowed=False).exists()


class PasswordBackend(ModelBackend):
    """Django's username-and-password check, refused for members of an organisation that signs
    in only through its identity provider. The refusal is marked on the request (only after the
    password proved right, so it tells a stranger nothing) for the login form to explain."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and password_login_refused(user):
            if request is not None:
                request.password_login_refused = True
            raise PermissionDenied("password sign-in is turned off for the user's organisation")
        return user


class ProviderOIDCBackend(OIDCAuthenticationBackend):
    """The authorisation code flow's second half for one configured provider: exchange the
    code (with the PKCE verifier), verify the ID token against the provider's published keys
    (RS256 only; issuer, audience, expiry and nonce checked), then match the person.

    It answers only calls that name a provider, so password sign-ins never reach it. Views call
    `sign_in()`, which raises SignInRefused with the reason; `authenticate()` returns None."""

    def __init__(self, *args, **kwargs):
        # The package reads one provider from settings here; each provider is set per call.
        self.UserModel = get_user_model()
        self.provider = None

    def configure(self, provider: Provider) -> dict:
        metadata = provider.metadata()
        self.provider = provider
        self.issuer = metadata["issuer"]
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = SIGNING_ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None
        return metadata

    _FIXED = {
        "OIDC_USE_NONCE": True,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_VERIFY_KID": True,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_TOKEN_USE_BASIC_AUTH": False,
        "OIDC_CREATE_USER": False,
    }

    def get_settings(self, attr, *args):
        if attr in self._FIXED:
            return self._FIXED[attr]
        if attr == "OIDC_RP_SCOPES" and self.provider is not None:
            return self.provider.scopes
        return OIDCAuthenticationBackend.get_settings(attr, *args)

    def authenticate(self, request, oidc_provider=None, **kwargs):
        if oidc_provider is None or request is None:
            return None
        return self.sign_in(request, oidc_provider, **kwargs)

    def sign_in(self, request, provider, *, nonce, code_verifier, redirect_uri, invitation_token):
        """The signed-in user, or SignInRefused / SuspiciousOperation / ProviderUnavailable."""
        self.request = request
        self.configure(provider)
        code = request.GET.get("code")
        if not code:
            raise SuspiciousOperation("no authorisation code")
        token_info = self.get_token(
            {
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            }
        )
        id_token = token_info.get("id_token")
        if not id_token:
            raise SuspiciousOperation("the token response has no ID token")
        payload = self.verify_token(id_token, nonce=nonce)
        claims = self.get_userinfo(token_info.get("access_token"), id_token, payload)
        return sign_in_with_provider(
            provider=provider,
            issuer=self.issuer,
            claims=claims,
            invitation_token=invitation_token,
        )

    def retrieve_matching_jwk(self, token):
        header = jwt.get_unverified_header(token)
        # The cached key set first; a key it lacks may be new (rotation): fetch once more.
        for refresh in (False, True):
            for key in self.provider.signing_keys(refresh=refresh):
                if key.get("kid") != header.get("kid") or key.get("kty") != "RSA":
                    continue
                if key.get("alg", SIGNING_ALGORITHM) != SIGNING_ALGORITHM:
                    continue
                if key.get("use", "sig") != "sig":
                    continue
                return jwt.PyJWK(key, algorithm=SIGNING_ALGORITHM)
        raise SuspiciousOperation("no published key matches the token's key id")

    def _verify_jws(self, payload, key):
        try:
            header = jwt.get_unverified_header(payload)
            if header.get("alg") != SIGNING_ALGORITHM:
                raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}")
            # The package checks neither audience nor issuer: a token the same provider issued
            # to another application must not sign anyone in here.
            return jwt.decode(
                payload,
                key,
                algorithms=[SIGNING_ALGORITHM],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                leeway=60,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed by the userinfo endpoint when the provider has one
        (its subject must be the token's, OpenID Connect Core 5.3.2)."""
        if not self.OIDC_OP_USER_ENDPOINT or not access_token:
            return dict(payload)
        try:
            userinfo = super().get_userinfo(access_token, id_token, payload)
        except requests.RequestException as exc:
            raise SuspiciousOperation(f"userinfo: {exc}") from exc
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        return {**userinfo, **payload}

    def get_user(self, user_id):
        return self.UserModel._default_manager.filter(Q(pk=user_id) & Q(is_active=True)).first()
