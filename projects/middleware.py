from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from projects.views.errors import method_not_allowed


class DanishFirstLocaleMiddleware(LocaleMiddleware):
    """Danish unless the user chose another language with the switch.

    The browser's Accept-Language is not consulted: the application's users work in Danish
    public bodies, whatever language their browser happens to be set to.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PrivatePagesMiddleware:
    """Pages and exports behind the login hold personal and internal data: no browser or
    proxy may store them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class MethodNotAllowedPageMiddleware:
    """Django answers a wrong HTTP method (a link to an address that only takes a button's
    form) with an empty 405: give it a page in the site's layout and the user's language,
    keeping the status and the `Allow` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            response = method_not_allowed(request, response)
        return response
