"""The error pages: 400, 403, 404 and 405 in the site's layout, the server error page, and the
"temporarily unavailable" page for a database outage.

400, 403 and 404 (`handler400`, `handler403`, `handler404`) and 405 (through
`projects.middleware.MethodNotAllowedPageMiddleware`) are drawn in the site's own layout, with
its menu for a signed-in user, in the user's language. A 404 says the same whether or not the
record exists. Should the layout fail (its menu reads the session and the user's roles), the
page is drawn in the layout of the server error page instead, which needs no database.

`server_error` is the project's `handler500`. Django calls it for an exception raised anywhere
in the middleware chain or the view, including while a response is rendered, because every
middleware is wrapped in `convert_exception_to_response`. When the exception comes from a lost
database (OperationalError or InterfaceError), the answer is 503 with `Retry-After`, so that
browsers, proxies and load balancers treat it as temporary.

Both pages render without the database: the session and `request.user` may be exactly what
failed, so they use no context processors (plain `render_to_string`, no request) and read the
language from the cookie themselves. A POST's input is shown again so that nothing typed is
lost.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError)

# Sent by the page itself rather than typed, or never to be echoed back.
_NOT_SHOWN = {"csrfmiddlewaretoken", "submission_token", "version", "next"}
_MOST_ROWS = 12


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether `exc`, or an exception it was raised from, is a lost database connection."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_OUTAGE_ERRORS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _shown(name: str) -> bool:
    name = name.lower()
    return not (name in _NOT_SHOWN or name.endswith("_version") or "password" in name)


def submitted_input(request) -> list[dict]:
    """What the user sent with a POST, field by field, without tokens, versions and passwords.

    The values are only ever rendered escaped, so echoing a request that did not (yet) pass
    the CSRF check shows its sender nothing they did not send themselves.
    """
    if request is None or request.method != "POST":
        return []
    try:
        fields = list(request.POST.lists())
    except Exception:
        # A body that cannot be read again is not worth a second error on the error page.
        logger.warning("the submitted input could not be read for the error page", exc_info=True)
        return []
    shown = []
    for name, values in fields:
        text = "\n".join(values)
        if _shown(name) and text.strip():
            rows = min(max(text.count("\n") + 1, 2), _MOST_ROWS)
            shown.append({"name": name, "value": text, "rows": rows})
    return shown


def _language(request) -> str:
    # The same choice as projects.middleware.DanishFirstLocaleMiddleware, made again here
    # because the error may have been raised before that middleware ran.
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if request else None
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def server_error(request):
    """handler500: 503 "temporarily unavailable" for a database outage, else 500."""
    exc = sys.exc_info()[1]
    fields = submitted_input(request)
    if is_database_outage(exc):
        response = _page(request, "errors/unavailable.html", 503, fields)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = _page(request, "errors/server_error.html", 500, fields)
    return response


def _page(request, template: str, status: int, fields: list[dict]) -> HttpResponse:
    language = _language(request)
    retry_url = request.get_full_path() if request and request.method == "GET" else None
    if retry_url and not url_has_allowed_host_and_scheme(retry_url, allowed_hosts=None):
        # A path such as "//elsewhere.example" would make "try again" a link off the site.
        retry_url = None
    context = {"fields": fields, "retry_url": retry_url}
    with translation.override(language):
        try:
            html = render_to_string(template, context)
        except Exception:
            # E.g. static files not collected: a bare page still says what happened and keeps
            # the input, where a failing error page would leave the user nothing.
            logger.exception("the error page %s could not be rendered", template)
            html = _bare_page(status, fields)
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    response["Content-Language"] = language
    patch_vary_headers(response, ["Cookie"])
    # The page may hold what the user typed: no browser or proxy may keep it.
    add_never_cache_headers(response)
    return response


def _bare_page(status: int, fields: list[dict]) -> str:
    if status == 503:
        title = _("Temporarily unavailable")
        message = _(
            "The service cannot reach its database at the moment. Please try again in a "
            "minute or two."
        )
    else:
        title = _("Server error")
        message = _(
            "Something went wrong on our side and the page could not be shown. The error has "
            "been logged. Please try again later."
        )
    typed = format_html_join(
        "",
        '<p>{}<br><textarea readonly rows="{}" cols="60">{}</textarea></p>',
        ((f["name"], f["rows"], f["value"]) for f in fields),
    )
    return format_html(
        '<!doctype html><html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
        "<body><main><h1>{}</h1><p>{}</p>{}</main></body></html>",
        translation.get_language(),
        title,
        title,
        message,
        typed,
    )


def bad_request(request, exception=None):
    """handler400: a request the application could not read (a bad host, a malformed body)."""
    return error_page(request, "errors/bad_request.html", 400)


def permission_denied(request, exception=None):
    """handler403: an action above the user's role."""
    return error_page(request, "errors/permission_denied.html", 403)


def page_not_found(request, exception=None):
    """handler404: the same page for a record that does not exist and one the user may not
    read, so that it tells nothing of which."""
    return error_page(request, "errors/page_not_found.html", 404)


def method_not_allowed(request, response: HttpResponse) -> HttpResponse:
    """The page for Django's empty 405 answer, with its status and `Allow` header."""
    page = error_page(
        request,
        "errors/method_not_allowed.html",
        405,
        {"opened": request.method in ("GET", "HEAD")},
    )
    response.content = page.content
    for header in ("Content-Type", "Content-Language", "Cache-Control", "Expires"):
        if page.has_header(header):
            response[header] = page[header]
    patch_vary_headers(response, ["Cookie"])
    return response


def error_page(request, template: str, status: int, context: dict | None = None) -> HttpResponse:
    """`template` (which extends `layout`) in the site's layout, or, when that cannot be drawn,
    in the error layout that needs neither the database nor the request."""
    language = _language(request)
    context = {**(context or {}), "status": status}
    with translation.override(language):
        try:
            html = render_to_string(template, {**context, "layout": "base.html"}, request=request)
        except Exception:
            logger.warning("the %s page was drawn without the site's layout", status, exc_info=True)
            html = render_to_string(template, {**context, "layout": "errors/layout.html"})
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    response["Content-Language"] = language
    patch_vary_headers(response, ["Cookie"])
    # The menu shows who is signed in: no shared cache may keep the page.
    add_never_cache_headers(response)
    return response
