"""Who may call the API's portfolio endpoints: agency members with an active token."""

from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from projects.access import roles_of
from projects.services.api_tokens import authenticate_token


class AgencyToken(HttpBearer):
    """`Authorization: Bearer <token>`. No token, an unknown or a revoked one: 401. A token of
    someone who is no longer an agency member: 403, checked on every request."""

    def authenticate(self, request, token):
        found = authenticate_token(token.strip())
        if found is None:
            return None
        if not roles_of(found.user).is_agency:
            raise AuthorizationError(
                message=_("The portfolio is open to members of the agency only.")
            )
        return found
