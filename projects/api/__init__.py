"""The read-only API, version 1, mounted at /api/v1/: the published algorithm register for
everyone and the portfolio for the agency's systems. The OpenAPI document is generated from
the schemas here (`/api/v1/openapi.json`), with interactive documentation at `/api/v1/docs`."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from projects.api import portfolio, register
from projects.api.docs import SiteSwagger

api = NinjaAPI(
    title="sigprojects API",
    version="1.0.0",
    description=(
        "Read-only access to the signature projects (public-sector AI pilot projects in "
        "Danish municipalities and regions). The published algorithm register is open to "
        "everyone; the portfolio to members of the Agency for Digital Government with an API "
        "token (`Authorization: Bearer <token>`), created on the page *API tokens* of the "
        "application."
    ),
    urls_namespace="api-v1",
    docs=SiteSwagger(),
)
api.add_router("/", register.router)
api.add_router("/", portfolio.router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = api.create_response(
        request,
        {"detail": _("A valid API token is needed: Authorization: Bearer <token>.")},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="sigprojects"'
    return response


def urls():
    """The API's URL patterns. The API answers for itself (public register, tokens for the
    portfolio), so a site-wide login requirement does not apply to it."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if hasattr(pattern, "callback"):
            pattern.callback.login_required = False
    return patterns, app_name, namespace
