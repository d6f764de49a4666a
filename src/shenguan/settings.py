"""Django settings for Shenguan; environment variables select the database and production mode."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SHENGUAN_VAR_DIR", Path.cwd() / "var"))

PRODUCTION = os.environ.get("SHENGUAN_PRODUCTION", "") == "1"
DEBUG = os.environ.get("SHENGUAN_DEBUG", "0" if PRODUCTION else "1") == "1"
SECRET_KEY = os.environ.get("SHENGUAN_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SHENGUAN_SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-insecure-key-" + "x" * 40  # development default
elif PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise RuntimeError(
        "SHENGUAN_SECRET_KEY must be at least 50 random characters in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
    )

# Production names its hosts explicitly; development answers on localhost.
if PRODUCTION and not os.environ.get("SHENGUAN_ALLOWED_HOSTS", "").strip():
    raise RuntimeError("SHENGUAN_ALLOWED_HOSTS must be set in production (comma-separated)")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("SHENGUAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("SHENGUAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "ninja",  # serves Swagger UI's assets from its static files, never from a CDN
    "shenguan.core",
    "shenguan.org",
    "shenguan.audit",
    "shenguan.calendar",
    "shenguan.policy",
    "shenguan.outbox",
    "shenguan.catalog",
    "shenguan.linkage",
    "shenguan.oversight",
    "shenguan.credit",
    "shenguan.review",
    "shenguan.public",
    "shenguan.portal",
    "shenguan.documents",
]

MIDDLEWARE = [
    "shenguan.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shenguan.core.middleware.BodySizeLimitMiddleware",
    "shenguan.core.middleware.RequestInputMiddleware",
    "shenguan.core.middleware.ApiMethodNotAllowedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shenguan.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shenguan.org.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shenguan.core.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shenguan.core.middleware.DomainErrorPageMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shenguan.urls"
WSGI_APPLICATION = "shenguan.wsgi.application"

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
                "shenguan.core.context_processors.shell",
            ],
        },
    }
]

# Database: SQLite under var/ by default; SHENGUAN_DATABASE_URL selects PostgreSQL.
DATABASE_URL = os.environ.get("SHENGUAN_DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    DATABASES["default"].setdefault("TEST", {})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SHENGUAN_SQLITE_PATH", str(VAR_DIR / "shenguan.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock an account-and-address pair after 5 failures
# (GB/T 22239 login-failure handling).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"

# Request limits: a body over this size answers 413 with a Chinese message.
SHENGUAN_MAX_BODY_BYTES = int(os.environ.get("SHENGUAN_MAX_BODY_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = SHENGUAN_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# spreadsheet imports with more rows run in the worker, with a progress bar (core.sheets.jobs)
SHENGUAN_IMPORT_INLINE_MAX_ROWS = int(os.environ.get("SHENGUAN_IMPORT_INLINE_MAX_ROWS", 2000))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Working days: an event after this local time counts from the next working day (ADR 0004).
SHENGUAN_OFFICE_CLOSE = os.environ.get("SHENGUAN_OFFICE_CLOSE", "17:30")

# Outbox delivery (Standard Webhooks 1.0, ADR 0005). Attempt n+1 waits about
# min(CAP, BASE * FACTOR**(n-1)) seconds with jitter: 5 s, 25 s, 2 min, 10 min, 52 min, 4.3 h,
# 10 h; the delivery is dead-lettered after MAX_ATTEMPTS. The environment may override each value.
SHENGUAN_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("SHENGUAN_WEBHOOK_MAX_ATTEMPTS", 8))
SHENGUAN_WEBHOOK_BACKOFF_BASE = float(os.environ.get("SHENGUAN_WEBHOOK_BACKOFF_BASE", 5))
SHENGUAN_WEBHOOK_BACKOFF_FACTOR = float(os.environ.get("SHENGUAN_WEBHOOK_BACKOFF_FACTOR", 5))
SHENGUAN_WEBHOOK_BACKOFF_CAP = float(os.environ.get("SHENGUAN_WEBHOOK_BACKOFF_CAP", 36000))
SHENGUAN_WEBHOOK_RETRY_AFTER_MAX = float(os.environ.get("SHENGUAN_WEBHOOK_RETRY_AFTER_MAX", 86400))
SHENGUAN_WEBHOOK_TIMEOUT = float(os.environ.get("SHENGUAN_WEBHOOK_TIMEOUT", 15))
# Where webhooks may go (ADR 0005): if the allow-list is set (comma-separated CIDRs, e.g. the
# government intranet's ranges), only there; never to the deny-list (cloud metadata, link-local,
# "this network", multicast) unless an administrator empties it.
SHENGUAN_WEBHOOK_ALLOWED_NETWORKS = [
    n for n in os.environ.get("SHENGUAN_WEBHOOK_ALLOWED_NETWORKS", "").split(",") if n.strip()
]
SHENGUAN_WEBHOOK_DENIED_NETWORKS = [
    n
    for n in os.environ.get(
        "SHENGUAN_WEBHOOK_DENIED_NETWORKS",
        "169.254.0.0/16,fe80::/10,0.0.0.0/8,224.0.0.0/4,ff00::/8,100.100.100.200/32",
    ).split(",")
    if n.strip()
]
SHENGUAN_WEBHOOK_SECRET_OVERLAP_HOURS = 24  # a rotated-out secret still signs for this long
SHENGUAN_SMS_GATEWAY = os.environ.get(
    "SHENGUAN_SMS_GATEWAY", "shenguan.outbox.channels.LoggingSmsGateway"
)
SHENGUAN_OUTBOX_LEASE_SECONDS = int(os.environ.get("SHENGUAN_OUTBOX_LEASE_SECONDS", 120))
SHENGUAN_OUTBOX_BATCH = int(os.environ.get("SHENGUAN_OUTBOX_BATCH", 50))
SHENGUAN_OUTBOX_UNHANDLED_RETRY_SECONDS = 600  # a channel without a handler is looked at again
SHENGUAN_WORKER_IDLE_SLEEP = float(os.environ.get("SHENGUAN_WORKER_IDLE_SLEEP", 1.0))

# Audit anchoring (ADR 0022): signed checkpoints of the chain head, written to a file and sent to
# the discipline office's webhook. The Ed25519 key file must not be readable by the database role
# (keep it on the application hosts, mode 0600); outside production a missing key is generated at
# the default path (the demo's key under var/).
SHENGUAN_AUDIT_CHECKPOINT_KEY = os.environ.get(
    "SHENGUAN_AUDIT_CHECKPOINT_KEY", "" if PRODUCTION else str(VAR_DIR / "audit-checkpoint.key")
)
SHENGUAN_AUDIT_CHECKPOINT_FILE = os.environ.get(
    "SHENGUAN_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl")
)
SHENGUAN_AUDIT_CHECKPOINT_INTERVAL = int(os.environ.get("SHENGUAN_AUDIT_CHECKPOINT_INTERVAL", 600))

# API
SHENGUAN_IDEMPOTENCY_TTL_HOURS = 24
SHENGUAN_TOKEN_RATE_LIMIT_PER_MINUTE = int(os.environ.get("SHENGUAN_TOKEN_RATE_LIMIT", 600))
# Unauthenticated API requests audited per client address and minute; over it, one `auth.flood`
# event, and bad tokens answer 429 (ADR 0015).
SHENGUAN_UNAUTHENTICATED_AUDIT_PER_MINUTE = int(
    os.environ.get("SHENGUAN_UNAUTHENTICATED_AUDIT_PER_MINUTE", 30)
)
SHENGUAN_API_PAGE_SIZE = 50
SHENGUAN_API_MAX_PAGE_SIZE = 500

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security baseline (production values; development keeps plain HTTP on localhost).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True  # pages send the token from the template (hx-headers), not JS
    SECURE_SSL_REDIRECT = os.environ.get("SHENGUAN_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp 4): everything from our own origin, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "shenguan": {"handlers": ["console"], "level": os.environ.get("SHENGUAN_LOG", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}

# credit platform (信用平台): the provincial query API and the 双公示 push endpoint (credit app)
SHENGUAN_CREDIT_QUERY_URL = os.environ.get("SHENGUAN_CREDIT_QUERY_URL", "")
SHENGUAN_CREDIT_QUERY_TOKEN = os.environ.get("SHENGUAN_CREDIT_QUERY_TOKEN", "")
SHENGUAN_CREDIT_PUSH_URL = os.environ.get("SHENGUAN_CREDIT_PUSH_URL", "")
SHENGUAN_CREDIT_PUSH_SECRET = os.environ.get("SHENGUAN_CREDIT_PUSH_SECRET", "")
SHENGUAN_CREDIT_TIMEOUT = float(os.environ.get("SHENGUAN_CREDIT_TIMEOUT", 3))
# Seals and e-licences (documents app, ADR 0039-0041). Seal keys live in files under the key
# directory on the application hosts (mode 0700), never in the database; the PKCS#12 passphrase
# comes from SHENGUAN_SEAL_PASSPHRASE in production (the demo writes <ref>.pass beside it).
SHENGUAN_SEAL_KEY_DIR = os.environ.get("SHENGUAN_SEAL_KEY_DIR", str(VAR_DIR / "seals"))
# The address printed in each licence's QR code (the public verification page's origin).
SHENGUAN_PUBLIC_BASE_URL = os.environ.get("SHENGUAN_PUBLIC_BASE_URL", "http://localhost:8000")
# A completion with at most this many licences signs them in its own transaction; a larger one
# (an import) queues them for the outbox worker (channel "esign").
SHENGUAN_ELICENCE_INLINE_MAX = int(os.environ.get("SHENGUAN_ELICENCE_INLINE_MAX", 20))
# Public verification (number look-up, file check, API) per client address and minute.
SHENGUAN_VERIFY_RATE_LIMIT_PER_MINUTE = int(os.environ.get("SHENGUAN_VERIFY_RATE_LIMIT", 60))
