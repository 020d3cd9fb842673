"""Django settings for Desk Pemilu.

Every setting that can change between installations is read from an environment
variable; README.md lists them all ("Settings").
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from deskpemilu.core import deskmode
from deskpemilu.core.env import (
    env_bool,
    env_clock_times,
    env_int,
    env_list,
    env_mapping,
    env_names,
    env_networks,
    env_number,
    env_parsed,
    env_str,
)
from deskpemilu.incidents import attachments as _attachments
from deskpemilu.incidents import workflow as _workflow

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
# Where the embedded database, the secret key file and collected static files live.
VAR_DIR = Path(env_str("DESKPEMILU_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in VAR_DIR."""
    key = env_str("DESKPEMILU_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DESKPEMILU_DEBUG", False)
ALLOWED_HOSTS = env_list(
    "DESKPEMILU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("DESKPEMILU_CSRF_TRUSTED_ORIGINS", [])
BEHIND_TLS_PROXY = env_bool("DESKPEMILU_BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool(
    "DESKPEMILU_SECURE_COOKIES", BEHIND_TLS_PROXY
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "deskpemilu.core",
    "deskpemilu.accounts",
    "deskpemilu.regions",
    "deskpemilu.elections",
    "deskpemilu.intake",
    "deskpemilu.incidents",
    "deskpemilu.situation",
    "deskpemilu.results",
    "deskpemilu.coordination",
    "deskpemilu.media",
    # Situation reports: read every app below, coordination's action items too.
    "deskpemilu.reports",
    # Listens to the events of the apps above (core/events.py) and tells people.
    "deskpemilu.notifications",
    # Above every domain app: the home page and loading Banten's data.
    "deskpemilu.desk",
    # Tools, installed for their commands (`deskpemilu bench ...`, `deskpemilu fuzz`,
    # `deskpemilu simulate`).
    "deskpemilu.bench",
    "deskpemilu.devtools",
    "deskpemilu.simulate",
]

MIDDLEWARE = [
    # A body over its limit is refused from its declared length before anything reads
    # it (deskpemilu/core/bodylimit.py).
    "deskpemilu.core.bodylimit.BodyLimitMiddleware",
    # Then: reopens connections a restarted database closed, and answers 503 while
    # the database is away (deskpemilu/core/dbavailability.py).
    "deskpemilu.core.middleware.DatabaseAvailabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "deskpemilu.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "deskpemilu.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "deskpemilu.urls"
WSGI_APPLICATION = "deskpemilu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "deskpemilu.incidents.context_processors.desk_tasks",
                "deskpemilu.notifications.context_processors.bell",
                "deskpemilu.core.context_processors.desk_mode",
            ],
        },
    },
]

# The embedded default is a SQLite file in VAR_DIR; production sets DATABASE_URL
# (postgres://user:password@host:5432/name).
_DEFAULT_DB_URL = f"sqlite:///{VAR_DIR / 'deskpemilu.sqlite3'}"
# A drill (`deskpemilu drill start NAME`) runs in a database of its own, chosen when
# the process starts: DESKPEMILU_DRILL names it, else the marker file VAR_DIR/drill
# (docs/drills.md). Never the real database: a SQLite file latihan_NAME.sqlite3 in
# VAR_DIR, or the PostgreSQL database deskpemilu_latihan_NAME on the same server.
DESKPEMILU_DRILL = env_str("DESKPEMILU_DRILL") or deskmode.drill_marked(VAR_DIR)
if DESKPEMILU_DRILL and not deskmode.valid_drill_name(DESKPEMILU_DRILL):
    raise ImproperlyConfigured("DESKPEMILU_DRILL: a-z, 0-9 and _ only (max 40).")
_DB_URL = env_str("DATABASE_URL", _DEFAULT_DB_URL)
if DESKPEMILU_DRILL:
    _DB_URL = deskmode.drill_database_url(_DB_URL, DESKPEMILU_DRILL, VAR_DIR)
DATABASES = {
    "default": dj_database_url.parse(
        _DB_URL,
        conn_max_age=env_int("DESKPEMILU_DB_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DESKPEMILU_DB_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids the
        # "database is locked" upgrade deadlock between two writers.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else 60
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side parameter binding: parameters travel apart from the SQL (binary
    # where possible) and repeated statements are prepared, instead of psycopg
    # quoting every value into the SQL text in Python.
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": env_bool("DESKPEMILU_DB_SERVER_SIDE_BINDING", True),
        # A statement run this many times on a connection is prepared: PostgreSQL
        # then parses and plans it once, not on every request (planning the intake
        # look-up cost more than running it). 0 turns it off (for a connection
        # pooler without prepared-statement support, e.g. PgBouncer < 1.21 in
        # transaction mode).
        "prepare_threshold": env_int("DESKPEMILU_DB_PREPARE_THRESHOLD", 5) or None,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        )
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Bahasa Indonesia first; English on request (cookie set by the language switch).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True
# One date and time format per language ("14 Feb 2024 14.05 WIB" / "14:05 WIB") and
# day/month/year typed dates in both (deskpemilu/formats/, docs/i18n.md).
FORMAT_MODULE_PATH = ["deskpemilu.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DESKPEMILU_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("DESKPEMILU_MEDIA_ROOT", str(VAR_DIR / "media")))

LOG_LEVEL = env_str("DESKPEMILU_LOG_LEVEL", "INFO").upper()
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "readable": {
            "format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S%z",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "readable"}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "deskpemilu": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 100


# Hours an assigned agency has to act, by severity ("kritis=2,berat=6,...").
DESKPEMILU_DEADLINE_HOURS = env_mapping(
    "DESKPEMILU_DEADLINE_HOURS",
    {"kritis": 2, "berat": 6, "sedang": 24, "ringan": 72},
    whole=True,
)
# An assignment is "due soon" (Tugas saya, the incident page) this many hours before
# its deadline (deskpemilu/incidents/workflow.py).
DESKPEMILU_DEADLINE_WARN_HOURS = env_number(
    "DESKPEMILU_DEADLINE_WARN_HOURS", _workflow.DEFAULT_WARN_HOURS
)
# The largest photo or PDF a follow-up may carry (deskpemilu/incidents/attachments.py).
DESKPEMILU_FOLLOWUP_MAX_BYTES = env_int(
    "DESKPEMILU_FOLLOWUP_MAX_BYTES", _attachments.DEFAULT_MAX_BYTES
)
# The results dashboard names an area's leader (winner, margin) only once this share
# of its TPS has a sheet (0.2 = 20 %): a lead from a handful of TPS is noise.
DESKPEMILU_RESULTS_LEADER_MIN_COVERAGE = env_number(
    "DESKPEMILU_RESULTS_LEADER_MIN_COVERAGE", 0.2
)
# The largest photo a citizen may send with the public form (/lapor/).
DESKPEMILU_PUBLIC_PHOTO_MAX_BYTES = env_int(
    "DESKPEMILU_PUBLIC_PHOTO_MAX_BYTES", 5 * 1024 * 1024
)


# Intake: channel secrets and limits (README, "Settings"). An empty secret refuses
# every request on that channel.
DESKPEMILU_MAX_BODY_BYTES = env_int("DESKPEMILU_MAX_BODY_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = DESKPEMILU_MAX_BODY_BYTES
DESKPEMILU_TWILIO_AUTH_TOKEN = env_str("DESKPEMILU_TWILIO_AUTH_TOKEN")
DESKPEMILU_SMS_GATEWAY_KEY = env_str("DESKPEMILU_SMS_GATEWAY_KEY")
DESKPEMILU_WHATSAPP_VERIFY_TOKEN = env_str("DESKPEMILU_WHATSAPP_VERIFY_TOKEN")
DESKPEMILU_WHATSAPP_APP_SECRET = env_str("DESKPEMILU_WHATSAPP_APP_SECRET")
DESKPEMILU_WHATSAPP_TOKEN = env_str("DESKPEMILU_WHATSAPP_TOKEN")
DESKPEMILU_WHATSAPP_API_BASE = env_str(
    "DESKPEMILU_WHATSAPP_API_BASE", "https://graph.facebook.com/v21.0"
)
DESKPEMILU_TELEGRAM_SECRET = env_str("DESKPEMILU_TELEGRAM_SECRET")
DESKPEMILU_TELEGRAM_BOT_TOKEN = env_str("DESKPEMILU_TELEGRAM_BOT_TOKEN")
DESKPEMILU_TELEGRAM_API_BASE = env_str(
    "DESKPEMILU_TELEGRAM_API_BASE", "https://api.telegram.org"
)
# SMS out (notifications) through Kannel's sendsms interface (smsbox sendsms-port,
# e.g. http://127.0.0.1:13013/cgi-bin/sendsms); empty: no SMS is sent and the
# notification grid offers none. intake/channels/kannel.py.
DESKPEMILU_SMS_SENDSMS_URL = env_str("DESKPEMILU_SMS_SENDSMS_URL")
DESKPEMILU_SMS_SENDSMS_USER = env_str("DESKPEMILU_SMS_SENDSMS_USER")
DESKPEMILU_SMS_SENDSMS_PASSWORD = env_str("DESKPEMILU_SMS_SENDSMS_PASSWORD")
# The sender the phone shows; empty: Kannel's global-sender.
DESKPEMILU_SMS_FROM = env_str("DESKPEMILU_SMS_FROM")
# A longer text is cut to this many SMS (Kannel's sendsms-user needs max-messages
# at least this and concatenation = true).
DESKPEMILU_SMS_MAX_PARTS = env_int("DESKPEMILU_SMS_MAX_PARTS", 2)
if not 1 <= DESKPEMILU_SMS_MAX_PARTS <= 10:
    raise ImproperlyConfigured("DESKPEMILU_SMS_MAX_PARTS must be 1 to 10")
# Public report form: at most N reports per client address per window (seconds).
DESKPEMILU_PUBLIC_FORM_LIMIT = env_int("DESKPEMILU_PUBLIC_FORM_LIMIT", 5)
DESKPEMILU_PUBLIC_FORM_WINDOW = env_int("DESKPEMILU_PUBLIC_FORM_WINDOW", 600)
# A location or photo sent without text joins the sender's report of this many
# minutes before (or after); intake/joining.py.
DESKPEMILU_MEDIA_JOIN_MINUTES = env_int("DESKPEMILU_MEDIA_JOIN_MINUTES", 30)
USE_X_FORWARDED_HOST = BEHIND_TLS_PROXY


# Client address ----------------------------------------------------------------------
# Read in one place (deskpemilu/core/clientaddr.py) for the public form's rate limit
# and the login throttle. Number of reverse proxies in front of the app, each adding
# to X-Forwarded-For: 0 = the socket's peer is the client; behind the TLS proxy the
# default is 1 (nginx on the same machine). The header counts only on requests from
# DESKPEMILU_PROXY_ADDRESSES, so a client reaching the app directly cannot forge it.
DESKPEMILU_TRUSTED_PROXIES = env_int(
    "DESKPEMILU_TRUSTED_PROXIES", 1 if BEHIND_TLS_PROXY else 0
)
DESKPEMILU_PROXY_ADDRESSES = env_networks(
    "DESKPEMILU_PROXY_ADDRESSES", ["127.0.0.0/8", "::1/128"]
)


# Security headers and sessions -------------------------------------------------------
# Content-Security-Policy (deskpemilu/core/middleware.py): pages load scripts, styles,
# images and fonts from the desk itself only; no inline script or style attribute
# (templates keep theirs in static files and CSS classes), no plug-ins, no framing.
# data: images are the icons inside the vendored CSS (Leaflet, the API docs' Swagger
# UI).
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Behind the TLS proxy: HTTPS only (HSTS for a year, subdomains included, preload
# allowed), and plain HTTP redirected, except the health check a local monitor asks.
SECURE_SSL_REDIRECT = BEHIND_TLS_PROXY
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int(
    "DESKPEMILU_HSTS_SECONDS", 365 * 24 * 3600 if BEHIND_TLS_PROXY else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DESKPEMILU_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DESKPEMILU_HSTS_PRELOAD", True)
# A login lasts one shift (12 hours by default), then the desk asks again.
SESSION_COOKIE_AGE = env_int("DESKPEMILU_SESSION_HOURS", 12) * 3600

# Login throttle ----------------------------------------------------------------------
# django-axes counts failed logins (desk login /masuk/ and the admin's) per account and
# per client address; at DESKPEMILU_LOGIN_FAILURE_LIMIT failures within the cool-off
# either is locked for DESKPEMILU_LOGIN_COOLOFF_MINUTES, each further try starts the
# cool-off again, and the right password does not get in meanwhile. The lock-out page
# is the desk's (accounts/views.py, 429); administrators unlock a user in the admin
# ("Users" action) or an address under "Access attempts".
INSTALLED_APPS += ["axes"]
# Last, as axes asks: it turns the lock-out its backend noticed into our page.
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DESKPEMILU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=env_int("DESKPEMILU_LOGIN_COOLOFF_MINUTES", 15)
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "deskpemilu.core.clientaddr.client_address"
AXES_LOCKOUT_CALLABLE = "deskpemilu.accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# Axes notes every attempt at INFO; lock-outs and failures (WARNING) are what counts.
LOGGING["loggers"]["axes"] = {"handlers": ["console"], "level": "WARNING"}

# Situation ---------------------------------------------------------------------------
# Region status, TPS vulnerability, deployment plan and election-day coverage. Every
# value is explained in docs/situation.md ("Settings"); unset means the default, which
# is the one the rule's own module documents and holds (read from it here, not written
# twice).
from deskpemilu.situation import (  # noqa: E402
    coverage_rules,
    deployment,
    statement,
    status_rules,
    vulnerability,
)

_status = status_rules.DEFAULT_RULES
_tps = vulnerability.DEFAULT_TPS_RULES

# Region status (deskpemilu/situation/status_rules.py).
DESKPEMILU_STATUS_WINDOW_HOURS = env_int(
    "DESKPEMILU_STATUS_WINDOW_HOURS", _status.window_hours
)
DESKPEMILU_STATUS_HALF_LIFE_HOURS = env_number(
    "DESKPEMILU_STATUS_HALF_LIFE_HOURS", _status.half_life_hours, minimum=0.1
)
DESKPEMILU_STATUS_STEP_HOURS = env_int(
    "DESKPEMILU_STATUS_STEP_HOURS", _status.step_hours
)
DESKPEMILU_STATUS_SEVERITY_WEIGHTS = env_mapping(
    "DESKPEMILU_STATUS_SEVERITY_WEIGHTS", _status.severity_weights
)
DESKPEMILU_STATUS_OPEN_FACTOR = env_number(
    "DESKPEMILU_STATUS_OPEN_FACTOR", _status.open_factor
)
DESKPEMILU_STATUS_CLOSED_FACTOR = env_number(
    "DESKPEMILU_STATUS_CLOSED_FACTOR", _status.closed_factor
)
DESKPEMILU_STATUS_THRESHOLDS = env_mapping(
    "DESKPEMILU_STATUS_THRESHOLDS",
    dict(zip(status_rules.LEVELS[1:], _status.thresholds, strict=True)),
)
DESKPEMILU_STATUS_VOLUME_DIVISORS = env_mapping(
    "DESKPEMILU_STATUS_VOLUME_DIVISORS", _status.volume_divisors
)
DESKPEMILU_STATUS_SPREAD_SHARE = env_number(
    "DESKPEMILU_STATUS_SPREAD_SHARE", _status.spread_share, minimum=0.01
)
DESKPEMILU_STATUS_SPREAD_MIN = env_int(
    "DESKPEMILU_STATUS_SPREAD_MIN", _status.spread_min
)
# Longest an override may last, in days.
DESKPEMILU_STATUS_OVERRIDE_MAX_DAYS = env_int("DESKPEMILU_STATUS_OVERRIDE_MAX_DAYS", 30)
# Severities that make an incident "significant" in the statement for the record
# (deskpemilu/situation/statement.py).
DESKPEMILU_STATEMENT_SIGNIFICANT = env_names(
    "DESKPEMILU_STATEMENT_SIGNIFICANT",
    statement.SIGNIFICANT_SEVERITIES,
    status_rules.SEVERITIES,
)
# Categories that make any incident significant; the statuses that count as handled;
# the categories behind "aman" and "damai"; the least share of TPS (percent) that
# must have reported on voting day before the desk states the situation.
DESKPEMILU_STATEMENT_SIGNIFICANT_CATEGORIES = env_names(
    "DESKPEMILU_STATEMENT_SIGNIFICANT_CATEGORIES",
    statement.SIGNIFICANT_CATEGORIES,
    tuple(statement.CATEGORY_WORDS),
)
DESKPEMILU_STATEMENT_HANDLED_STATUSES = env_names(
    "DESKPEMILU_STATEMENT_HANDLED_STATUSES",
    statement.HANDLED_STATUSES,
    ("terverifikasi", "ditangani", "selesai"),
)
DESKPEMILU_STATEMENT_AMAN_CATEGORIES = env_names(
    "DESKPEMILU_STATEMENT_AMAN_CATEGORIES",
    statement.AMAN_CATEGORIES,
    tuple(statement.CATEGORY_WORDS),
)
DESKPEMILU_STATEMENT_DAMAI_CATEGORIES = env_names(
    "DESKPEMILU_STATEMENT_DAMAI_CATEGORIES",
    statement.DAMAI_CATEGORIES,
    tuple(statement.CATEGORY_WORDS),
)
DESKPEMILU_STATEMENT_MIN_COVERAGE = env_number(
    "DESKPEMILU_STATEMENT_MIN_COVERAGE", statement.MIN_COVERAGE
)
# TPS vulnerability classes (deskpemilu/situation/vulnerability.py).
DESKPEMILU_TPS_VARIABLE_WEIGHTS = env_mapping(
    "DESKPEMILU_TPS_VARIABLE_WEIGHTS", _tps.variable_weights
)
DESKPEMILU_TPS_INCIDENT_POINTS = env_mapping(
    "DESKPEMILU_TPS_INCIDENT_POINTS", _tps.incident_points
)
DESKPEMILU_TPS_THRESHOLDS = env_mapping(
    "DESKPEMILU_TPS_THRESHOLDS",
    {
        vulnerability.RAWAN: _tps.rawan_at,
        vulnerability.SANGAT_RAWAN: _tps.sangat_rawan_at,
    },
)
# Police-TPS-Linmas pattern per class (deskpemilu/situation/deployment.py); classes
# left out keep the documented pattern.
DESKPEMILU_DEPLOYMENT_PATTERN = env_parsed(
    "DESKPEMILU_DEPLOYMENT_PATTERN", deployment.parse_pattern
)
# Voting-day deadlines (WIB) of the four check-ins (situation/coverage_rules.py).
DESKPEMILU_COVERAGE_DEADLINES = env_clock_times(
    "DESKPEMILU_COVERAGE_DEADLINES", coverage_rules.DEFAULT_DEADLINES
)

# --- File uploads and spreadsheet imports (issue 10: bounded reading) ---------------
# A multipart request (a file upload) longer than this is refused (413) before its
# body is read (deskpemilu/core/bodylimit.py); each import's own, smaller row and byte
# limits are checked by its page.
DESKPEMILU_MAX_UPLOAD_BYTES = env_int("DESKPEMILU_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# How far an XLSX file may unpack before openpyxl opens it (deskpemilu/core/tabular.py):
# the sum of its members' sizes, and how many times a member (over 1 MB) is packed.
DESKPEMILU_XLSX_MAX_UNCOMPRESSED_BYTES = env_int(
    "DESKPEMILU_XLSX_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024
)
DESKPEMILU_XLSX_MAX_RATIO = env_int("DESKPEMILU_XLSX_MAX_RATIO", 200)
# Django's default, said here: an upload over 2.5 MB goes to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Background work ---------------------------------------------------------------------
# `deskpemilu worker` runs the tasks queued in the database (django-tasks, the backport
# of Django 6's tasks framework, with its database backend) and the periodic schedule
# (deskpemilu/desk/schedule.py); docs/decisions.md, "Background work".
from deskpemilu.desk import backoff  # noqa: E402

INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Waits before the attempts after a failed one ("30s,2m,10m,1h"; "none": no retry).
DESKPEMILU_TASK_RETRY_DELAYS = env_parsed(
    "DESKPEMILU_TASK_RETRY_DELAYS", backoff.parse_delays
)
# Finished tasks and taken schedule slots are deleted after this many days.
DESKPEMILU_TASK_KEEP_DAYS = env_int("DESKPEMILU_TASK_KEEP_DAYS", 7)
# The schedule, in seconds: every region's status and the dashboard's counts; the
# look at the last report, history entry and check-in (a change recomputes at once);
# the sweep for replies due again (each queued reply is also sent at once).
DESKPEMILU_SITUATION_EVERY_SECONDS = env_int("DESKPEMILU_SITUATION_EVERY_SECONDS", 60)
DESKPEMILU_SITUATION_WATCH_SECONDS = env_int("DESKPEMILU_SITUATION_WATCH_SECONDS", 10)
DESKPEMILU_OUTBOUND_SWEEP_SECONDS = env_int("DESKPEMILU_OUTBOUND_SWEEP_SECONDS", 30)
# Media monitoring: the news feeds due are polled this often (docs/media.md).
DESKPEMILU_NEWS_POLL_SECONDS = env_int("DESKPEMILU_NEWS_POLL_SECONDS", 300)
# Situation reports (deskpemilu/reports, docs/reports.md): the daily report's period
# starts at this WIB clock time and lasts a day; the schedule looks for a period that
# has ended every DESKPEMILU_REPORT_EVERY_SECONDS and drafts it for each region code
# of DESKPEMILU_REPORT_DAILY_REGIONS; an on-demand or final report's longest period.
from deskpemilu.reports import windows as _report_windows  # noqa: E402

DESKPEMILU_REPORT_DAY_START = env_parsed(
    "DESKPEMILU_REPORT_DAY_START", _report_windows.parse_day_start
)
DESKPEMILU_REPORT_EVERY_SECONDS = env_int("DESKPEMILU_REPORT_EVERY_SECONDS", 900)
DESKPEMILU_REPORT_DAILY_REGIONS = env_list("DESKPEMILU_REPORT_DAILY_REGIONS", ["36"])
DESKPEMILU_REPORT_MAX_DAYS = env_int("DESKPEMILU_REPORT_MAX_DAYS", 1000)

# Notifications (docs/notifications.md) -----------------------------------------------
# false: events are told to nobody (no rows, no deliveries); for `bench notify`'s
# comparison and a desk that wants none.
DESKPEMILU_NOTIFICATIONS = env_bool("DESKPEMILU_NOTIFICATIONS", True)
# E-mail through SMTP: without a host, nobody is sent e-mail (the bell and the other
# channels still work). Django's own mail (EMAIL_*) uses the same server.
DESKPEMILU_EMAIL_HOST = env_str("DESKPEMILU_EMAIL_HOST")
DESKPEMILU_EMAIL_PORT = env_int("DESKPEMILU_EMAIL_PORT", 587)
DESKPEMILU_EMAIL_USER = env_str("DESKPEMILU_EMAIL_USER")
DESKPEMILU_EMAIL_PASSWORD = env_str("DESKPEMILU_EMAIL_PASSWORD")
DESKPEMILU_EMAIL_TLS = env_bool("DESKPEMILU_EMAIL_TLS", True)
DESKPEMILU_EMAIL_FROM = env_str("DESKPEMILU_EMAIL_FROM", "Desk Pemilu <desk@localhost>")
# Seconds an SMTP conversation or a webhook POST may take (in the worker, not a
# request): an unreachable server costs an attempt this long, then waits its retry.
DESKPEMILU_EMAIL_TIMEOUT = env_int("DESKPEMILU_EMAIL_TIMEOUT", 10)
DESKPEMILU_NOTIFY_WEBHOOK_TIMEOUT = env_int("DESKPEMILU_NOTIFY_WEBHOOK_TIMEOUT", 10)
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = DESKPEMILU_EMAIL_HOST or "localhost"
EMAIL_PORT = DESKPEMILU_EMAIL_PORT
EMAIL_HOST_USER = DESKPEMILU_EMAIL_USER
EMAIL_HOST_PASSWORD = DESKPEMILU_EMAIL_PASSWORD
EMAIL_USE_TLS = DESKPEMILU_EMAIL_TLS
EMAIL_TIMEOUT = DESKPEMILU_EMAIL_TIMEOUT
DEFAULT_FROM_EMAIL = SERVER_EMAIL = DESKPEMILU_EMAIL_FROM
# The desk's address as people reach it, in front of the links of e-mails, messages
# and webhooks ("https://desk.example.go.id"); empty: links without it.
DESKPEMILU_NOTIFY_BASE_URL = env_str("DESKPEMILU_NOTIFY_BASE_URL")
# The WhatsApp Cloud API number that sends notifications to people's phones.
DESKPEMILU_WHATSAPP_PHONE_NUMBER_ID = env_str("DESKPEMILU_WHATSAPP_PHONE_NUMBER_ID")
# The schedule: the look for deadlines and action items due, and the sweep for
# deliveries due again; the hour (WIB) from which the daily digests go out.
DESKPEMILU_NOTIFY_SWEEP_SECONDS = env_int("DESKPEMILU_NOTIFY_SWEEP_SECONDS", 60)
DESKPEMILU_NOTIFY_DIGEST_HOUR = env_int("DESKPEMILU_NOTIFY_DIGEST_HOUR", 18)
if not 0 <= DESKPEMILU_NOTIFY_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("DESKPEMILU_NOTIFY_DIGEST_HOUR must be 0 to 23")
for _name in (
    "DESKPEMILU_NOTIFY_SWEEP_SECONDS",
    "DESKPEMILU_EMAIL_TIMEOUT",
    "DESKPEMILU_NOTIFY_WEBHOOK_TIMEOUT",
    "DESKPEMILU_TASK_KEEP_DAYS",
    "DESKPEMILU_SITUATION_EVERY_SECONDS",
    "DESKPEMILU_SITUATION_WATCH_SECONDS",
    "DESKPEMILU_OUTBOUND_SWEEP_SECONDS",
    "DESKPEMILU_NEWS_POLL_SECONDS",
    "DESKPEMILU_REPORT_EVERY_SECONDS",
    "DESKPEMILU_REPORT_MAX_DAYS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more")
