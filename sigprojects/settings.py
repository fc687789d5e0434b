"""Settings for sigprojects. Every deploy-specific value comes from the environment."""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sigprojects.env import env_bool, env_database, env_int, env_list, env_str
from sigprojects.oidc_env import parse_providers, provider_origins

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-local-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "auditlog",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    # The API (projects/api); in the apps so that its Swagger UI files are served locally.
    "ninja",
    "projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise and the host check, so that static files and early error pages
    # carry the policy and frame headers too.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages (static files come compressed from WhiteNoise, which answers before it):
    # the CSRF token is masked on every response and Django pads the gzip header with random
    # bytes, both against BREACH; see "Trust and security" in the README.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "projects.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside the session and the user, so that the 405 page has the site's menu.
    "projects.middleware.MethodNotAllowedPageMiddleware",
    "projects.middleware.PrivatePagesMiddleware",
    # Last, so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sigprojects.urls"
WSGI_APPLICATION = "sigprojects.wsgi.application"
ASGI_APPLICATION = "sigprojects.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Reuse database connections between requests (checked before reuse) in production.
DATABASES["default"]["CONN_MAX_AGE"] = env_int(
    "DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60, minimum=0
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No just-in-time compilation: the dashboard's grouped query is estimated dear enough to
    # be compiled, and compiling it took longer (about 60 ms at 10,000 projects) than the
    # time it saved; the application's queries are short (docs/performance.md).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions and cache live in the database, so that any number of app servers can share them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sigprojects_cache",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Refuses logins for a username and address with too many recent failures.
    "axes.backends.AxesStandaloneBackend",
    # Django's password check, refused where the user's organisation turned passwords off.
    "projects.backends.PasswordBackend",
    # Sign-in through an OpenID Connect provider (projects/views/oidc.py).
    "projects.backends.ProviderOIDCBackend",
]
# Identity providers (OpenID Connect) as a JSON list; see the README's "Sign-in". None: only
# passwords. A provider's client secret may come from OIDC_<KEY>_CLIENT_SECRET instead.
OIDC_MIN_ASSURANCE = env_str("OIDC_MIN_ASSURANCE", "substantial")
OIDC_PROVIDERS = parse_providers(
    env_str("OIDC_PROVIDERS", ""), default_min_assurance=OIDC_MIN_ASSURANCE
)
OIDC_DISCOVERY_CACHE_SECONDS = env_int("OIDC_DISCOVERY_CACHE_SECONDS", 3600, minimum=0)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10, minimum=1)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = env_bool("AXES_VERBOSE", False)
AXES_CLIENT_IP_CALLABLE = "projects.auth.client_ip"
# The client address is read from a proxy header only when one is named here (e.g.
# "X-Forwarded-For" behind one load balancer): any client can send such a header itself.
TRUSTED_PROXY_HEADER = env_str("TRUSTED_PROXY_HEADER", "")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1, minimum=1)
# Guesses at one account from many addresses: after this many recent failures, one attempt per
# doubling delay (at most ACCOUNT_MAX_DELAY_SECONDS) — slowed, never locked out.
ACCOUNT_FAILURE_LIMIT = env_int("ACCOUNT_FAILURE_LIMIT", 10, minimum=1)
ACCOUNT_MAX_DELAY_SECONDS = env_int("ACCOUNT_MAX_DELAY_SECONDS", 300, minimum=1)

# Sessions: a working day by default, optionally ending when the browser closes.
SESSION_ENGINE = "projects.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
CSRF_FAILURE_VIEW = "projects.views.account.csrf_failure"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Danish first, English as the alternative.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True
# Dates the Danish way in both languages ("28. november 2026 kl. 14.05", "29 November 2026").
FORMAT_MODULE_PATH = ["sigprojects.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages are installed by npm and served by the app itself.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    # css/bootstrap.min.css: Bootstrap's style sheet cut down to what the app renders, built
    # from the npm package by `make css` (part of `make setup`).
    BASE_DIR / "build" / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# No inline scripts or styles: every script and style sheet is a file the app serves.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws a few icons (select arrows, the menu button) as data: SVGs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}
# A sign-in form (an invitation's "Log in with …") ends in a redirect to the identity
# provider, which form-action governs too.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += provider_origins(OIDC_PROVIDERS)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Behind TLS in production; a local run over plain HTTP keeps DEBUG on or sets SECURE_SSL=0.
if env_bool("SECURE_SSL", not DEBUG):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the health endpoints (liveness, readiness) over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/(ready/)?$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # One line per login is noise; lockouts are still logged as warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}


# Page sizes for lists.
PAGE_SIZE = env_int("PAGE_SIZE", 25, minimum=1)

# Invitations: how long a link stays valid, and how many one person may send an hour.
INVITATION_EXPIRY_DAYS = env_int("INVITATION_EXPIRY_DAYS", 7, minimum=1)
INVITATION_HOURLY_LIMIT = env_int("INVITATION_HOURLY_LIMIT", 20, minimum=1)
# Requests for a password reset link an hour, per e-mail address and per client address
# (counted in the database cache, whether or not the address belongs to anyone).
PASSWORD_RESET_EMAIL_HOURLY_LIMIT = env_int("PASSWORD_RESET_EMAIL_HOURLY_LIMIT", 3, minimum=1)
PASSWORD_RESET_ADDRESS_HOURLY_LIMIT = env_int("PASSWORD_RESET_ADDRESS_HOURLY_LIMIT", 10, minimum=1)

# E-mail through the SMTP server named in the environment; without one, e-mails are printed
# to the console (a local run). `manage.py send_notifications` sends them, never a request.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL, not both.")
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "sigprojects <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address the application is reached at, for the links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Digests are written from this hour (local time): daily ones every day, weekly ones from
# Monday. A failed delivery is tried again after 5, 10, 20 … minutes, at most this many times.
NOTIFICATION_DIGEST_HOUR = env_int("NOTIFICATION_DIGEST_HOUR", 7, minimum=0)
if NOTIFICATION_DIGEST_HOUR > 23:
    raise ImproperlyConfigured(f"NOTIFICATION_DIGEST_HOUR={NOTIFICATION_DIGEST_HOUR} is past 23.")
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1)

# The change history reads a record's state before a change through the base manager, so that
# restoring a withdrawn entry is logged with what it was.
AUDITLOG_USE_BASE_MANAGER = True
