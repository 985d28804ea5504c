"""Django settings for Somatrace.

Everything that differs between machines comes from environment variables; see
docs/administrator.md for the full list. The defaults suit one practitioner running the
embedded SQLite database on their own machine.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from somatrace.core.db import ENGINES as DB_ENGINES

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("SOMATRACE_DEBUG", False)

# Health records on disk are for the account that runs Somatrace only. Every Somatrace
# process (the server and its workers, the background worker, every command) loads these
# settings before it writes a byte, so this is where the umask is set: whatever umask the
# process was started with, what it creates is 0600 (files) and 0700 (directories). The
# files that matter most also get their mode explicitly where they are made: the database
# (core/db), backups and the before-restore copy (core/backup.py), recordings waiting for
# the worker (physio/services.py), uploaded files (FILE_UPLOAD_PERMISSIONS below).
PRIVATE_UMASK = 0o077
os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create path (0700), or tighten it to 0700 if it exists and is ours."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077 and path.stat().st_uid == os.geteuid():
        path.chmod(0o700)
    return path


DATA_DIR = private_dir(Path(os.environ.get("SOMATRACE_DATA_DIR") or REPO_DIR / "var").resolve())


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept beside the database."""
    if key := os.environ.get("SOMATRACE_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    if key_file.stat().st_mode & 0o077 and key_file.stat().st_uid == os.geteuid():
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("SOMATRACE_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("SOMATRACE_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_tasks",
    "django_tasks_db",
    "somatrace.core",
    "somatrace.accounts",
    "somatrace.audit",
    "somatrace.mail",
    "somatrace.clients",
    "somatrace.therapy",
    "somatrace.alerts",
    "somatrace.measures",
    "somatrace.bodymaps",
    "somatrace.physio",
    "somatrace.scheduling",
    "somatrace.journal",
    "somatrace.demo",
    "somatrace.exports",
    "somatrace.reports",
    "somatrace.api",
    "somatrace.transfer",
    "somatrace.homework",
    "somatrace.billing",
    "somatrace.portal",
    "somatrace.research",
]

MIDDLEWARE = [
    # First: every later middleware's log lines carry the request id (core/request_id.py);
    # then the request's count and duration by view name (core/metrics.py).
    "somatrace.core.request_id.RequestIdMiddleware",
    "somatrace.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this sign-in passed a second factor.
    "django_otp.middleware.OTPMiddleware",
    # Bounded work (issue 10): an anonymous body is refused before CSRF reads it (bodies.py).
    "somatrace.core.bodies.UnauthenticatedBodyMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Bounded sessions (issue 10): sign out after SOMATRACE_IDLE_MINUTES without activity.
    "somatrace.core.idle.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "somatrace.accounts.middleware.PracticeMiddleware",
    # A member with a second factor must use it; one the practice requires it of must enrol.
    "somatrace.accounts.middleware.TwoFactorMiddleware",
    "somatrace.core.middleware.NoStoreMiddleware",
    # Axes must come last: it turns a lockout signal into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "somatrace.urls"
WSGI_APPLICATION = "somatrace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "somatrace.accounts.context_processors.membership",
            ],
        },
    },
]

FORM_RENDERER = "somatrace.core.forms.FormRenderer"

# --- Database ---------------------------------------------------------------------------

SQLITE_PATH = DATA_DIR / "somatrace.sqlite3"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # WAL lets the web server read while the worker writes; IMMEDIATE avoids
                # "database is locked" when two writers upgrade read locks at once.
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

# Django's backends, whose only difference is that a test run's flush may empty the audit
# log's table past its append-only triggers (somatrace/core/db).
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        # Django's default for a SQLite test database, said explicitly: tools that recognise
        # SQLite by its engine name (pytest-django's xdist suffix) no longer can.
        _database.setdefault("TEST", {}).setdefault("NAME", ":memory:")
    _database["ENGINE"] = DB_ENGINES.get(_database["ENGINE"], _database["ENGINE"])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------

# In the database, so that every gunicorn worker sees the same counts (the password-reset
# throttle, core/throttle.py). core's migration 0001 creates the table. Past MAX_ENTRIES the
# cache forgets a third of its entries: a flood must not be able to wipe the counts.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "somatrace_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

# --- Authentication ---------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
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
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for one email from one address lock that pair out.
# Every app server sees the same failures: attempts and lockouts are rows in the database
# (axes' database handler, said explicitly), as are sessions (test_two_servers.py).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Every failed password is also kept as a row (shown to the owner: Practice -> Team; forgotten
# after 90 days by the worker: accounts/tasks.py).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# One answer to "from where?" for the lockout, the audit log and the access log; failed
# sign-ins are logged by account reference and address, never by the email typed.
AXES_CLIENT_IP_CALLABLE = "somatrace.core.client_address.client_ip"
AXES_CLIENT_STR_CALLABLE = "somatrace.core.client_address.describe_attempt"

# --- Behind a reverse proxy ------------------------------------------------------------

# See core/client_address.py and docs/administrator.md, "Behind a reverse proxy". Without
# SOMATRACE_BEHIND_PROXY, X-Forwarded-* headers are ignored: a client cannot forge them.
SOMATRACE_BEHIND_PROXY = env_bool("SOMATRACE_BEHIND_PROXY", False)


def _proxy_count() -> int:
    value = os.environ.get("SOMATRACE_PROXY_COUNT") or "1"
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(
            f"SOMATRACE_PROXY_COUNT must be the number of proxies in front (1 or more), "
            f"not {value!r}"
        )
    return int(value)


def _trusted_proxies() -> list[str]:
    networks = env_list("SOMATRACE_TRUSTED_PROXIES", "127.0.0.1,::1")
    for network in networks:
        try:
            ipaddress.ip_network(network)
        except ValueError:
            raise ImproperlyConfigured(
                f"SOMATRACE_TRUSTED_PROXIES holds addresses or networks (10.0.0.0/8), "
                f"not {network!r}"
            ) from None
    return networks


# How many proxies append to X-Forwarded-For (Caddy alone: 1), and the addresses the
# nearest one connects from; gunicorn (somatrace serve) trusts the same addresses.
SOMATRACE_PROXY_COUNT = _proxy_count()
SOMATRACE_TRUSTED_PROXIES = _trusted_proxies()
if SOMATRACE_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Two-factor sign-in (django-otp; passkeys through django-otp-webauthn, as a second factor
# only: the password and its lockout always come first). See docs/administrator.md.
OTP_TOTP_ISSUER = "Somatrace"
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes, wait 2^(n-1) seconds before the next
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_WEBAUTHN_RP_NAME = "Somatrace"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False


def _webauthn_rp_id() -> str:
    """Passkeys are bound to a host name: the first of ALLOWED_HOSTS that is one."""
    for host in ALLOWED_HOSTS:
        name = host.lstrip(".")
        if name and name != "*" and not name.replace(".", "").isdigit() and ":" not in name:
            return name
    return "localhost"


OTP_WEBAUTHN_RP_ID = os.environ.get("SOMATRACE_WEBAUTHN_RP_ID") or _webauthn_rp_id()
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "SOMATRACE_WEBAUTHN_ORIGINS",
    f"https://{OTP_WEBAUTHN_RP_ID}" + (",http://localhost:8000" if DEBUG else ""),
)

# --- HTTP security ----------------------------------------------------------------------

# Plain http is only acceptable on the practitioner's own machine (make demo) or when the
# administrator explicitly says so; everything else runs behind TLS.
HTTPS = env_bool("SOMATRACE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SOMATRACE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SOMATRACE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SOMATRACE_HSTS_PRELOAD", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SOMATRACE_SESSION_SECONDS", str(12 * 3600)))
# Idle sign-out (issue 10, core/idle.py): staff are signed out after this many minutes
# without activity (0: never), as well as SESSION_COOKIE_AGE after signing in whatever they do.
SOMATRACE_IDLE_MINUTES = float(os.environ.get("SOMATRACE_IDLE_MINUTES", "30"))
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "somatrace.core.views.csrf_failure"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Oversized submissions are refused with a 400 before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Email ------------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get(
    "SOMATRACE_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("SOMATRACE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SOMATRACE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SOMATRACE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SOMATRACE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SOMATRACE_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("SOMATRACE_FROM_EMAIL", "somatrace@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds the worker waits for the mail server before counting an attempt as failed.
EMAIL_TIMEOUT = int(os.environ.get("SOMATRACE_EMAIL_TIMEOUT", "30"))
# Where people reach this Somatrace: links in emails are built from it (no trailing slash).
SOMATRACE_BASE_URL = os.environ.get("SOMATRACE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Time, language ---------------------------------------------------------------------

# Stored in UTC; each request is shown in its practice's time zone (PracticeMiddleware).
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-gb"
USE_I18N = True

# --- Static files -----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}


def _s3_storage() -> dict[str, object]:
    """Files (uploads waiting for a worker, attachments, reports) in an S3-compatible bucket
    that every app server and worker shares (django-storages with boto3). Private: nothing
    is served from the bucket directly, every file goes through a view that checks access."""
    bucket = os.environ.get("SOMATRACE_S3_BUCKET", "")
    if not bucket:
        raise ImproperlyConfigured("SOMATRACE_STORAGE=s3 needs SOMATRACE_S3_BUCKET")
    options: dict[str, object] = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "location": os.environ.get("SOMATRACE_S3_PREFIX", ""),
    }
    for option, variable in [
        ("endpoint_url", "SOMATRACE_S3_ENDPOINT_URL"),
        ("access_key", "SOMATRACE_S3_ACCESS_KEY"),
        ("secret_key", "SOMATRACE_S3_SECRET_KEY"),
        ("region_name", "SOMATRACE_S3_REGION"),
    ]:
        if value := _secret(variable):
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def _secret(name: str) -> str:
    """A variable's value, or the contents of the file named by NAME_FILE."""
    if value := os.environ.get(name):
        return value
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return ""


SOMATRACE_STORAGE = os.environ.get("SOMATRACE_STORAGE", "local")
if SOMATRACE_STORAGE == "s3":
    STORAGES["default"] = _s3_storage()
elif SOMATRACE_STORAGE != "local":
    raise ImproperlyConfigured(f"SOMATRACE_STORAGE must be local or s3, not {SOMATRACE_STORAGE!r}")
WHITENOISE_USE_FINDERS = True

# Uploaded files: kept under the data directory, owner-only. Django's temporary files for
# large uploads go there too rather than to the shared /tmp.
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_TEMP_DIR = str(private_dir(DATA_DIR / "tmp"))
WHITENOISE_AUTOREFRESH = DEBUG

# --- Background tasks -------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SOMATRACE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Operating it ----------------------------------------------------------------------

# Prometheus metrics at /metrics for `Authorization: Bearer <token>` (core/metrics.py);
# unset, /metrics does not exist (404).
SOMATRACE_METRICS_TOKEN = _secret("SOMATRACE_METRICS_TOKEN")
# /readyz fails when no background worker has been seen for this long (core/readiness.py);
# 0: do not check the worker (an installation without one).
SOMATRACE_READY_WORKER_SECONDS = int(os.environ.get("SOMATRACE_READY_WORKER_SECONDS", "120"))

# --- Logging ----------------------------------------------------------------------------

# Requests are logged by path and status only: no query strings, bodies or client data.
# SOMATRACE_LOG_FORMAT: json (one JSON object a line, the default on a server) or text (the
# default with SOMATRACE_DEBUG, for the demo). Every line carries the request id of the
# request it was written for (core/request_id.py), "-" outside one.
SOMATRACE_LOG_FORMAT = os.environ.get("SOMATRACE_LOG_FORMAT") or ("text" if DEBUG else "json")
if SOMATRACE_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(
        f"SOMATRACE_LOG_FORMAT must be json or text, not {SOMATRACE_LOG_FORMAT!r}"
    )
LOG_FORMATTERS = {
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"chosen": LOG_FORMATTERS[SOMATRACE_LOG_FORMAT]},
    # Paths in log messages lose their secret link tokens (core/redact.py).
    "filters": {
        "safe_paths": {"()": "somatrace.core.redact.RedactPathsFilter"},
        "request_id": {"()": "somatrace.core.request_id.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "chosen",
            "filters": ["safe_paths", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SOMATRACE_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger prints the request repr on 4xx/5xx; keep it to warnings
        # without the request body, and never mail reports containing request data.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # WeasyPrint logs each layout step (and fontTools each subset): warnings only.
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "fontTools": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "somatrace.core.reporting.ClinicalDataFilter"

if not DEBUG and SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SOMATRACE_SECRET_KEY must not be an insecure development key")
