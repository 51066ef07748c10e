"""One settings module for every environment.

Production differs from a developer's machine only by environment variables: with
DEBUG off, SECRET_KEY is required and the TLS settings are on unless switched off
one by one (behind a proxy that terminates TLS, or for a local test over HTTP).
"""

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from config.storage_settings import file_storages

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-only")
else:
    try:
        SECRET_KEY = env.str("SECRET_KEY")
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment when DEBUG is off."
        ) from error

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Its index expressions (OpClass) for the trigram indexes; its lookups are PostgreSQL-only.
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "treebeard",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "simple_history",
    "phonenumber_field",
    "core",
    "accounts",
    "customers",
    "catalog",
    "orders",
    "carts",
    "notifications",
    "billing",
    "tasks",
    "conversations",
    "api",
    "integrations.onec",
    "portals",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after security, so every response carries the policies, error pages too.
    "core.security_headers.ContentSecurityPolicyMiddleware",
    "core.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session and auth middleware, whose database lookups fail first in an
    # outage: turns unhandled errors into problem+json under /api/, and outages into 503s.
    "api.middleware.UnhandledExceptionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.permission_cache.PermissionsInOneQueryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user is known: the history rows of a request's saves name who made them.
    "simple_history.middleware.HistoryRequestMiddleware",
    # After the user and the messages are known: its 400 page is a normal page.
    "core.middleware.RejectNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "core.context_processors.portal_links",
                "portals.client.cart_count.cart_line_count",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a Celery worker in another process sees the test data.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("TEST_DATABASE_NAME", default=str(VAR_DIR / "test-db.sqlite3"))
    }
    # The web server, workers and beat write to one file: take the write lock when a
    # transaction starts (waiting up to `timeout`), instead of failing at once with
    # "database is locked" when a reader later tries to write; WAL lets reads go on.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif env.str("TEST_DATABASE_NAME", default=""):
    # Lets two local runs share one PostgreSQL server without dropping each other's DB.
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
# Reports may read a replica of the primary (`core.databases`): the alias exists only when
# REPORTS_DATABASE_URL is set. Under test it mirrors `default` (same database, no copy).
REPORTS_DATABASE = "default"
if env.str("REPORTS_DATABASE_URL", default=""):
    DATABASES["replica"] = {
        **env.db("REPORTS_DATABASE_URL"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    REPORTS_DATABASE = "replica"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password guessing: after 5 failures for one login from one address, that pair waits
# 15 minutes (never a permanent lockout). API keys are not passwords and are not counted.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
# Forms that email an address the poster typed: posts per client address.
SIGNUP_RATE = env("SIGNUP_RATE", default="10/h")
PASSWORD_RESET_RATE = env("PASSWORD_RESET_RATE", default="5/h")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
# English dates as the Russian ones (02.12.2026 10:21), not Django's "Dec. 2, 2026, 10:21 a.m."
FORMAT_MODULE_PATH = ["config.formats"]

# Phones: typed as people type them ("8 (912) 345-67-89"), checked, stored as E.164 and
# shown in the international format; a number without a country code is Russian.
PHONENUMBER_DEFAULT_REGION = env.str("PHONENUMBER_DEFAULT_REGION", default="RU")
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"
USE_I18N = True
USE_TZ = True

# The Django admin shows the history of customers, items and configuration read-only:
# a revert would save past the services that check a change.
SIMPLE_HISTORY_REVERT_DISABLED = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Generated order documents: served only through views that check who asks.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
# Media and private files: local folders, or S3 buckets shared by every instance.
STORAGES = {
    **file_storages(env),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Only the hashed copies are kept and compressed: the others are never linked, and halving
# the work keeps the image build's collectstatic short. Source maps are not compressed (only
# developer tools fetch them).
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CRM <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Rate limits (sign-up, password reset, API keys) count in the cache, so in production it
# must be shared by every process: a per-process cache would multiply each limit by the
# number of gunicorn workers. Without CACHE_URL production uses a table of the database it
# needs anyway (created by a migration), so a Redis outage cannot break a page.
CACHE_TABLE = "crm_cache"
CACHES = {
    "default": env.cache_url(
        "CACHE_URL", default="locmemcache://" if DEBUG else f"dbcache://{CACHE_TABLE}"
    )
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # The same table, written with one statement per set (see core/cache.py).
    CACHES["default"]["BACKEND"] = "core.cache.UpsertDatabaseCache"

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
# Webhooks to loopback or private networks would let a subscriber probe our own network;
# allowed only in development and tests (or by explicit choice on an internal deployment).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
WEBHOOK_MAX_SUBSCRIPTIONS_PER_KEY = env.int("WEBHOOK_MAX_SUBSCRIPTIONS_PER_KEY", default=10)
NOTIFICATIONS_STALE_SECONDS = env.int("NOTIFICATIONS_STALE_SECONDS", default=60)
QUOTE_REMINDER_AFTER_HOURS = env.int("QUOTE_REMINDER_AFTER_HOURS", default=72)
SERVICE_REMINDER_DAYS_BEFORE = env.int("SERVICE_REMINDER_DAYS_BEFORE", default=1)
PAYMENT_REMINDER_AFTER_HOURS = env.int("PAYMENT_REMINDER_AFTER_HOURS", default=72)
# A cart left with items is recalled to its client once after the first time, once more
# after the second (hours since the cart was last changed).
CART_REMINDER_FIRST_AFTER = timedelta(hours=env.int("CART_REMINDER_FIRST_AFTER_HOURS", default=24))
CART_REMINDER_SECOND_AFTER = timedelta(
    hours=env.int("CART_REMINDER_SECOND_AFTER_HOURS", default=72)
)
INVOICE_PAYMENT_DAYS = env.int("INVOICE_PAYMENT_DAYS", default=5)

# Online card payments speak YooKassa's API (https://yookassa.ru/developers/api). Development
# and tests point it at the local fake (`python -m billing.gateway.fake`); with no shop
# configured in production, online payment is simply not offered.
PAYMENT_GATEWAY_URL = env.str(
    "PAYMENT_GATEWAY_URL", default="http://127.0.0.1:8011/v3" if DEBUG else ""
).rstrip("/")
PAYMENT_GATEWAY_SHOP_ID = env.str("PAYMENT_GATEWAY_SHOP_ID", default="demo-shop" if DEBUG else "")
PAYMENT_GATEWAY_SECRET_KEY = env.str(
    "PAYMENT_GATEWAY_SECRET_KEY", default="demo-secret" if DEBUG else ""
)
PAYMENT_GATEWAY_TIMEOUT_SECONDS = env.int("PAYMENT_GATEWAY_TIMEOUT_SECONDS", default=10)
# Origins the browser is redirected through to pay (YooKassa's checkout pages), allowed as
# form targets by the Content-Security-Policy besides the gateway's own origin.
PAYMENT_CHECKOUT_ORIGINS = env.list("PAYMENT_CHECKOUT_ORIGINS", default=["https://yoomoney.ru"])

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security: on by default outside DEBUG, each switchable on its own.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Health checks come over plain HTTP from inside the host (compose, a load balancer).
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, images and requests from our own
# origin only; no inline script, style or on* handler and no eval: templates attach
# behaviour through static/js/app.js and styles through static/css/app.css.
# Emails keep inline styles (mail clients need them), and the admin's email preview (an
# iframe's srcdoc) inherits this policy: exactly the style attributes of
# templates/notifications/email/message.html are allowed, by their hash.
EMAIL_INLINE_STYLES = ("font-family: Arial, sans-serif; color: #222;", "border-collapse: collapse;")


def _csp_hash(source: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()}'"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF, "'unsafe-hashes'", *map(_csp_hash, EMAIL_INLINE_STYLES)],
        "img-src": [CSP_SELF, "data:"],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
        # The payment gateway's checkout is added per request (core/security_headers.py).
        "form-action": [CSP_SELF],
    },
}
# Browser features no page uses, refused to our pages and to anything they embed.
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# Celery: an embedded broker on SQLite unless a real one is configured.
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=(
        CELERY_BROKER_URL
        if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
        else f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"
    ),
)
CELERY_TASK_ACKS_LATE = True
# Nothing reads task results; keeping none means publishing a task never touches the result
# store, so a dead Redis costs a request one refused connection, not twenty retries.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Tasks never run longer than half of it (PITFALLS: redelivery after a dead worker).
    # The SQLAlchemy transport passes its options to create_engine, so only Redis gets it.
    # Short socket timeouts: a request that nudges a worker must not hang on a dead broker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker waits out a broker outage of any length instead of exiting after 100 attempts.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the broker connection dies is left to finish, not killed: killed
# halfway through a send, its delivery stays claimed (5 minutes) before anyone retries it.
# Its acknowledgement is lost with the connection; the broker may hand it out again, and
# every task is idempotent (a delivery is claimed once, an outbox row dispatched once).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Schedules live in the database (django-celery-beat), so admins can see and change them.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": ["api.input_checks.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.KeysetPagination",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.QueryFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env.str("API_THROTTLE_RATE", default="1200/minute")},
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    # Swagger UI served from our own static files, pinned with the package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Order CRM API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "REST API v1 for accounting systems (1C-style). Authenticate with "
        "`Authorization: Bearer <API key>` (keys: Django admin or `manage.py create_api_key`); "
        "a read-scope key may only GET. Portal users' sessions may read within their own "
        "permissions. Money is a decimal string; states are the lifecycle codes. Errors are "
        "`application/problem+json` (RFC 9457) with `errors` mapping field paths to messages. "
        "A body field the operation does not know is refused (422, “Unknown field.”). "
        "Create orders with an `Idempotency-Key` header to retry safely; sync changes through "
        "`/api/v1/changes/`; receive them pushed through `/api/v1/webhooks/`."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "OrderKindEnum": "orders.lifecycle.OrderKind",
        "OrderStateEnum": "orders.lifecycle.State",
        "OrderActionEnum": "orders.actions.OrderAction",
        "DeliveryStatusEnum": "orders.lifecycle.DeliveryStatus",
        "DeliveryMethodEnum": "orders.models.Order.DeliveryMethod",
        "PaymentTermsEnum": "orders.lifecycle.PaymentTerms",
        "PaymentMethodEnum": "orders.models.Payment.Method",
        "CustomerKindEnum": "customers.models.Customer.Kind",
        "ItemKindEnum": "catalog.models.Item.Kind",
        "VatRateEnum": "catalog.models.Item.VatRate",
        "TransitionEnum": "api.serializers.TRANSITION_CHOICES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The 1C exchange (integrations/onec): caps on what 1C may upload, whatever file_limit says.
ONEC_MAX_UPLOAD_BYTES = env.int("ONEC_MAX_UPLOAD_BYTES", default=512 * 1024 * 1024)
ONEC_MAX_UNZIPPED_BYTES = env.int("ONEC_MAX_UNZIPPED_BYTES", default=1024 * 1024 * 1024)
ONEC_MAX_ZIP_MEMBERS = env.int("ONEC_MAX_ZIP_MEMBERS", default=2000)
# A sale `query` reads the orders written since the profile's last one (or the oldest
# transaction then open with writes, on PostgreSQL), this much earlier (clock skew; on
# SQLite, transactions still in flight), and every order once a day
# (integrations/onec/export_marks.py).
ONEC_EXPORT_MARGIN_SECONDS = env.int("ONEC_EXPORT_MARGIN_SECONDS", default=600)
ONEC_EXPORT_FULL_PASS_HOURS = env.int("ONEC_EXPORT_FULL_PASS_HOURS", default=24)
