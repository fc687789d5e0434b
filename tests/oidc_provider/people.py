"""The provider's people: who may sign in, with which password, and the claims asserted."""

import json
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import router, transaction
from django.utils.crypto import constant_time_compare
from jwcrypto import jwk, jwt
from oauth2_provider.models import IDToken
from oauth2_provider.oauth2_validators import OAuth2Validator


def people() -> dict:
    """{username: {"password": …, "sub": …, "claims": {…}, "rogue_key": bool}} as the tests
    last wrote it; read on every use, so a test changes what the running provider asserts."""
    path = os.environ.get("OP_CLAIMS_FILE") or str(settings.DATA / "people.json")
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except FileNotFoundError:
        return {}


class ClaimsFileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        person = people().get(username or "")
        if not person or not constant_time_compare(password or "", person["password"]):
            return None
        user, _ = get_user_model().objects.get_or_create(username=username)
        return user


class ClaimsValidator(OAuth2Validator):
    # Every claim the file gives goes into the ID token and userinfo, whatever the scope.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        person = people().get(request.user.username, {})
        return {"sub": person.get("sub", f"op-{request.user.username}"), **person.get("claims", {})}

    def finalize_id_token(self, id_token, token, token_handler, request):
        if not people().get(request.user.username, {}).get("rogue_key"):
            return super().finalize_id_token(id_token, token, token_handler, request)
        # A forgery: the provider's key id in the header, signed with a key nobody published.
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        header = {"typ": "JWT", "alg": "RS256", "kid": request.client.jwk_key.thumbprint()}
        forged = jwt.JWT(header=json.dumps(header), claims=json.dumps(id_token, default=str))
        forged.make_signed_token(jwk.JWK.generate(kty="RSA", size=2048))
        with transaction.atomic(using=router.db_for_write(IDToken)):
            saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return forged.serialize()
