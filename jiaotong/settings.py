"""Settings for the Jiaotong portal, read from the environment (12-factor).

One module for every deployment: what differs between deployments comes from
environment variables through the strict helpers below.  Unset ``DATABASE_URL``
means the embedded default (a SQLite file at the repository root); unset
``CELERY_BROKER_URL`` means Celery tasks run in-process (eager).
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (1/0, true/false), got {raw!r}"
    )


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


DEBUG = env_bool("DEBUG", False)
# Under pytest the test defaults apply (fixed key, plain static storage).
TESTING = env_bool("JIAOTONG_TESTING", False) or "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        # Development and test only: a fixed, obviously unsafe key.
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# Keys of the audit trail's HMAC chain: "id:secret,id:secret", the first signs
# new rows, all verify (rotation: put the new key first, keep the old ones).
# Secrets: long random strings, from the environment only.
AUDIT_HMAC_KEYS = {}
for _entry in env_list("AUDIT_HMAC_KEYS", []):
    _key_id, _sep, _secret = _entry.partition(":")
    if not _sep or not _key_id.strip() or len(_secret.strip()) < 32:
        raise ImproperlyConfigured(
            "AUDIT_HMAC_KEYS entries must be id:secret with a secret of 32+ characters"
        )
    AUDIT_HMAC_KEYS[_key_id.strip()[:32]] = _secret.strip()
if not AUDIT_HMAC_KEYS:
    if DEBUG or TESTING:
        # Development and test only: a fixed, obviously unsafe key.
        AUDIT_HMAC_KEYS = {"dev": "insecure-development-audit-key-do-not-use"}
    else:
        raise ImproperlyConfigured("AUDIT_HMAC_KEYS must be set when DEBUG is off.")

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
    # Renders index expressions with an operator class (the lists' trigram
    # search indexes, jiaotong/indexes.py); inert on SQLite.
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "jiaotong",
    "licensing",
    "enforcement",
    "hotline",
    "supervision",
    "governance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jiaotong.audit.services.AuditRequestMiddleware",
    "jiaotong.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jiaotong.inputs.QueryStringGuardMiddleware",
    "jiaotong.accounts.otp.SecondFactorMiddleware",
    "jiaotong.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "jiaotong.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jiaotong.urls"
WSGI_APPLICATION = "jiaotong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiaotong.context_processors.navigation",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------
_default_sqlite = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip() or _default_sqlite
# Persistent connections belong to processes with a fixed number of threads
# (gunicorn's sync workers, Celery workers, a management command): one
# connection each, so the total stays bounded. The development server starts a
# thread per request, and each finished thread would keep its connection open
# until PostgreSQL refuses new clients ("too many clients"): under runserver
# connections are always closed after each request. Tests close them too, so
# live-server threads do not hold the test database open at teardown.
RUNSERVER = sys.argv[1:2] == ["runserver"]
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=0 if RUNSERVER else env_int("CONN_MAX_AGE", 0 if TESTING else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Our SQLite backend keeps the audit table append-only while still letting
    # Django's flush empty it the way PostgreSQL's TRUNCATE does.
    DATABASES["default"]["ENGINE"] = "jiaotong.db.sqlite3"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    # Test databases in memory, as Django's own SQLite backend would have them:
    # pytest-django's per-worker suffix (xdist) recognises that backend only by
    # its ENGINE name and would otherwise turn the file path into a bad name.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Refuses TRUNCATE of the audit table except inside Django's flush.
    DATABASES["default"]["ENGINE"] = "jiaotong.db.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------
AUTH_USER_MODEL = "jiaotong.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: a locked account is refused before the password hasher runs.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "jiaotong.accounts.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": 3},
    },
    {"NAME": "jiaotong.accounts.passwords.NotUsernameValidator"},
    {
        "NAME": "jiaotong.accounts.passwords.PasswordHistoryValidator",
        "OPTIONS": {"history": 5},
    },
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: 5 failures lock the account for 15 minutes (a fixed period: tries
# during the lockout are refused without extending it). The higher per-IP limit
# that stops password spraying is jiaotong.accounts.passwords.ip_login_failed, checked by
# the login view before authentication.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "jiaotong.accounts.views.lockout_response"  # 429
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_CLIENT_IP_CALLABLE = "jiaotong.audit.services.axes_client_ip"
# Addresses (or networks) of our own reverse proxies. X-Forwarded-For is believed
# only when the request comes from one of them (jiaotong.audit.services.client_ip);
# empty means "no proxy": REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30)
# axes.W006 asks for "ip_address" in the lockout parameters; our per-IP limit
# is separate (axes would compare the IP counter with the account limit of 5).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions: 30 idle minutes, 12 hours in all (jiaotong.middleware).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("AUDIT_CHECKPOINT_DIR", BASE_DIR / "var" / "audit-checkpoints")
)
MEDIA_URL = "/media-protected/"  # never served directly; see permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "jiaotong.storage.StaticFilesStorage"  # WhiteNoise, see there
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Form widgets from Django's Jinja2 templates of them (jiaotong/renderers.py).
FORM_RENDERER = "jiaotong.renderers.WidgetRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery ------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "").strip() or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE


def redis_cache_url(broker_url: str) -> str:
    """The cache beside a Redis broker: the same server, the next database
    number (``redis://host:6379/0`` -> ``redis://host:6379/1``), so that the
    cache's keys never mix with the broker's queues."""
    parts = urlsplit(broker_url)
    if parts.scheme not in ("redis", "rediss"):
        return ""
    number = parts.path.strip("/") or "0"
    if not number.isdigit():
        raise ImproperlyConfigured(
            f"CELERY_BROKER_URL must end in a database number, got {broker_url!r}"
        )
    return urlunsplit(parts._replace(path=f"/{(int(number) + 1) % 16}"))


# Several processes (gunicorn workers, Celery workers) must share one cache: the
# per-address login limit and the dashboard's figures live there. Redis whenever
# one is configured: REDIS_CACHE_URL, else beside a Redis CELERY_BROKER_URL.
# Local memory only for the embedded default (one process) and under tests.
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", "").strip()
if not REDIS_CACHE_URL and CELERY_BROKER_URL and not TESTING:
    REDIS_CACHE_URL = redis_cache_url(CELERY_BROKER_URL)
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
        }
        if REDIS_CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "jiaotong",
        }
    )
}

# --- Security headers (QUALITY.md) -------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG and not TESTING
SECURE_HSTS_PRELOAD = not DEBUG and not TESTING
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Dates the county's official calendar data may lack get a visible warning.
JIAOTONG_COUNTY_NAME = os.environ.get("JIAOTONG_COUNTY_NAME", "睢县")

# Daily beat tasks (Asia/Shanghai). Each app's tasks.py defines the task named.
CELERY_BEAT_SCHEDULE = {
    "licensing-flag-overdue": {
        "task": "licensing.tasks.flag_overdue_applications_task",
        "schedule": 24 * 60 * 60,
    },
    "audit-verify-chain": {
        "task": "jiaotong.audit.tasks.verify_audit_task",
        "schedule": 24 * 60 * 60,
    },
    "hotline-flag-overdue": {
        "task": "hotline.tasks.flag_overdue_tickets_task",
        "schedule": 24 * 60 * 60,
    },
    "enforcement-flag-overdue": {
        "task": "enforcement.tasks.flag_overdue_cases_task",
        "schedule": 24 * 60 * 60,
    },
    "enforcement-expire-certificates": {
        "task": "enforcement.tasks.expire_certificates_task",
        "schedule": 24 * 60 * 60,
    },
    "enforcement-collect-licensing-publicity": {
        "task": "enforcement.tasks.collect_licensing_publicity_task",
        "schedule": 24 * 60 * 60,
    },
    # The dashboard's rollups (also refreshed after writes): catches up when
    # a refresh was skipped or its task lost.
    "metrics-refresh-rollups": {
        "task": "jiaotong.metrics.tasks.refresh_rollups_task",
        "schedule": 5 * 60,
    },
    "supervision-credit-rule": {
        "task": "supervision.tasks.apply_credit_rule_task",
        "schedule": 24 * 60 * 60,
    },
}
