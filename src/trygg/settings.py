"""Django settings for Trygg, read from the environment.

Every setting that differs between a laptop demo and production comes from an environment variable
(documented in README.md). Without any variables, Trygg runs on the embedded SQLite database in
``var/`` with a locally generated secret key, which is what ``make run`` uses.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from trygg.core.env import env_bool, env_int, env_list
from trygg.core.private_files import create_private_file, make_private_dir, restrict_local_data
from trygg.sso.config import providers_from_env

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TRYGG_VAR_DIR", PROJECT_DIR / "var"))


def _local_secret_key() -> str:
    """A per-installation key kept in ``var/secret_key`` for local use only.

    Production sets ``TRYGG_SECRET_KEY``; ``trygg check --deploy`` fails without it.
    """
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    make_private_dir(VAR_DIR, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        with os.fdopen(create_private_file(path), "w") as file:  # 0600 from the start
            file.write(key)
    except FileExistsError:  # another process made it first
        return path.read_text().strip()
    return key


DEBUG = env_bool("TRYGG_DEBUG", False)
PRODUCTION = env_bool("TRYGG_PRODUCTION", False)
SECRET_KEY = os.environ.get("TRYGG_SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("TRYGG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("TRYGG_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "trygg.core",
    "trygg.audit",
    "trygg.orgs",
    "trygg.incidents",
    "trygg.situation",
    "trygg.screening",
    "trygg.citizens",
    "trygg.measures",
    "trygg.sso",
    "trygg.walks",
    "trygg.forwarding",
    "trygg.partnercheck",
    "trygg.demo",
    "trygg.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "trygg.core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "trygg.core.middleware.RejectNullCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # closed by default: every page needs a login unless its view is marked @login_not_required (the public pages
    # of trygg/orgs/access_table.py, held by tests/test_access_matrix.py)
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "trygg.orgs.restrict.RefusalAuditMiddleware",  # a refusal inside a view's transaction is audited after it
    "django_otp.middleware.OTPMiddleware",
    "trygg.orgs.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "trygg.core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

# Login throttling (django-axes): after TRYGG_LOGIN_FAILURES wrong passwords for one account from one client
# address, that pair is locked for TRYGG_LOGIN_COOLOFF_MINUTES (others — the same person elsewhere, other
# users at the same address — are not). A successful login clears the count; `trygg axes_reset_username NAME`
# unlocks at once. Failed attempts are kept only while they count.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("TRYGG_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("TRYGG_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "trygg.core.client_ip.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "trygg.urls"
WSGI_APPLICATION = "trygg.wsgi.application"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "login"

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
                "django.template.context_processors.i18n",
                "trygg.site.context_processors.trygg",
            ],
        },
    },
]

_sqlite_path = VAR_DIR / "trygg.sqlite3"
# Connections are kept TRYGG_DB_CONN_MAX_AGE seconds; with health checks a kept connection is tested before a
# request (or a worker's next task) uses it and replaced if the database dropped it (a restart, a failover), so
# the first requests after the database returns do not fail.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{_sqlite_path}",
        conn_max_age=env_int("TRYGG_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    make_private_dir(VAR_DIR, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    # the test database is a file as in production, so that concurrent transactions wait for each other's lock
    # (an in-memory database with a shared cache fails them instead)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # a database host that does not answer (rather than refusing) fails a connection in 10 s, not minutes
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "trygg"}
    ),
    # what each process may keep for itself a little while (e.g. which municipalities use Trygg): no round trip
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "trygg-local"},
}

# Background tasks (django-tasks): "db" (the default: the database, `trygg worker` = db_worker), "rq" (Redis Queue
# through django-tasks-rq, on REDIS_URL; `trygg worker` = an RQ worker), or a backend's dotted path.
TASK_BACKENDS = {"db": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
TRYGG_TASK_BACKEND = os.environ.get("TRYGG_TASK_BACKEND", "db")
TASKS = {
    "default": {
        "BACKEND": TASK_BACKENDS.get(TRYGG_TASK_BACKEND, TRYGG_TASK_BACKEND),
        "QUEUES": ["default", "background"],  # background: the night's precomputation, after users' own requests
    }
}
if TASKS["default"]["BACKEND"] == TASK_BACKENDS["rq"]:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        name: {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 3600}
        for name in TASKS["default"]["QUEUES"]
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("TRYGG_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("TRYGG_MEDIA_ROOT", VAR_DIR / "media"))

# Security. Cookies are secure and HSTS is on whenever TRYGG_PRODUCTION is set (behind TLS).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and not env_bool("TRYGG_BEHIND_TLS_PROXY_NO_REDIRECT")
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks); see trygg.core.client_ip.
TRYGG_TRUSTED_PROXIES = env_list("TRYGG_TRUSTED_PROXIES")
if env_bool("TRYGG_TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = env_int("TRYGG_SESSION_AGE", 12 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "trygg.core.log_filters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("TRYGG_LOG_LEVEL", "WARNING")},
}

# Trygg's own settings.
TRYGG_TILE_URL = os.environ.get("TRYGG_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
TRYGG_TILE_ATTRIBUTION = os.environ.get(
    "TRYGG_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
TRYGG_SHARED_DATA = Path(os.environ.get("TRYGG_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data"))
TRYGG_POLICE_API_URL = os.environ.get("TRYGG_POLICE_API_URL", "https://polisen.se/api/events")
# Bolagsverket's open API "Värdefulla datamängder" (screening officers fetch company basics on request)
TRYGG_BOLAGSVERKET_CLIENT_ID = os.environ.get("TRYGG_BOLAGSVERKET_CLIENT_ID", "")
TRYGG_BOLAGSVERKET_CLIENT_SECRET = os.environ.get("TRYGG_BOLAGSVERKET_CLIENT_SECRET", "")
TRYGG_BOLAGSVERKET_TOKEN_URL = os.environ.get(
    "TRYGG_BOLAGSVERKET_TOKEN_URL", "https://portal.api.bolagsverket.se/oauth2/token"
)
TRYGG_BOLAGSVERKET_BASE_URL = os.environ.get(
    "TRYGG_BOLAGSVERKET_BASE_URL", "https://gw.api.bolagsverket.se/vardefulla-datamangder/v1"
)
# the police_events job fetches TRYGG_POLICE_API_URL every 15 minutes only when the installation turns it on
TRYGG_POLICE_FETCH = env_bool("TRYGG_POLICE_FETCH")
TRYGG_SCREENING_RETENTION_DAYS = env_int("TRYGG_SCREENING_RETENTION_DAYS", 3 * 365)
# the start page marks an undecided screening case older than this (the municipality's own handling target)
TRYGG_SCREENING_TARGET_DAYS = env_int("TRYGG_SCREENING_TARGET_DAYS", 14)
# decided cases are screened again after a list or registry update for this many months after the decision
TRYGG_RESCREEN_MONTHS = env_int("TRYGG_RESCREEN_MONTHS", 12)
OTP_TOTP_ISSUER = "Trygg"
TRYGG_PUBLIC_MAP_K = env_int("TRYGG_PUBLIC_MAP_K", 5)
TRYGG_PUBLIC_MAP_CELL = env_int("TRYGG_PUBLIC_MAP_CELL", 250)
TRYGG_SURVEY_MIN_N = env_int("TRYGG_SURVEY_MIN_N", 15)
# Rate limits per action as JSON, e.g. {"open311_read": [600, 3600]} (count, seconds); defaults in trygg.core.ratelimit.
TRYGG_RATE_LIMITS = {k: tuple(v) for k, v in json.loads(os.environ.get("TRYGG_RATE_LIMITS") or "{}").items()}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
EMAIL_BACKEND = os.environ.get("TRYGG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("TRYGG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TRYGG_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("TRYGG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TRYGG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TRYGG_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("TRYGG_FROM_EMAIL", "trygg@localhost")
# links in e-mails (unsubscribe, the lägesbild) are made from this address
TRYGG_BASE_URL = os.environ.get("TRYGG_BASE_URL", "http://127.0.0.1:8000")

# Recurring jobs (trygg.core.jobs): cron expressions in local time; TRYGG_SCHEDULE_<NAME> overrides one,
# e.g. TRYGG_SCHEDULE_WEEKLY_DIGEST="0 6 * * 1". `trygg jobs` lists them with their last run.
# Hosts of departments' Open311 endpoints Trygg may send residents' tips to (trygg.forwarding), e.g.
# "open311.karlstad.se,open311.orebro.se:8443": set by whoever sets the endpoints' keys, so that a coordinator's
# typing cannot point the server at another internal address. Empty: tips are forwarded nowhere.
TRYGG_OPEN311_HOSTS = env_list("TRYGG_OPEN311_HOSTS")
# Outbound calls (trygg.core.outbound; docs/operations.md, "Utgående anrop / Outbound calls"). An entry of
# TRYGG_OPEN311_HOSTS is "host" (https on 443), "host:port" (https) or "http://host:port" (plain http: the key
# travels unencrypted). The host must resolve to public addresses only, unless they lie in a network listed here
# (CIDR, e.g. "10.1.2.0/24" for a department's server inside the municipality's network).
TRYGG_OUTBOUND_ALLOW_NETWORKS = env_list("TRYGG_OUTBOUND_ALLOW_NETWORKS")

TRYGG_JOB_SCHEDULES = {
    "police_events": "*/15 * * * *",  # police events of the counties served
    "lagesbild_precompute": "30 1 * * *",  # every report of the last 12 months that is not fresh (what ended first)
    "lagesbild_current": "*/15 * * * *",  # the current week and month, where new data arrived
    "weekly_digest": "0 7 * * 1",  # Monday 07:00
    "measure_reminders": "0 8 * * 1-5",
    "tip_notices": "0 7-18 * * 1-5",  # new residents' tips, to their coordinators, hourly on working days
    "resident_followup": "0 10 * * *",
    "retention": "30 3 * * *",
    "tip_forwarding": "*/10 * * * *",  # tips to the departments' Open311 endpoints, and their status back
    "public_map_release": "0 1 * * *",  # the residents' public map, after the day has closed (trygg.citizens)
}
TRYGG_LAGESBILD_PRECOMPUTE_MONTHS = env_int("TRYGG_LAGESBILD_PRECOMPUTE_MONTHS", 12)  # kept ready in the cache
TRYGG_JOB_SCHEDULES |= {
    key.removeprefix("TRYGG_SCHEDULE_").lower(): value
    for key, value in os.environ.items()
    if key.startswith("TRYGG_SCHEDULE_")
}

# Single sign-on with the municipality's (and partners') identity providers, OpenID Connect; see trygg.sso.config
# for the variables (TRYGG_OIDC_PROVIDERS=karlstad, TRYGG_OIDC_KARLSTAD_ISSUER, ..._CLIENT_ID, ...). Local
# accounts (password and a second factor) remain for partners without one.
TRYGG_OIDC_PROVIDERS = providers_from_env(os.environ)
TRYGG_INVITE_DAYS = env_int("TRYGG_INVITE_DAYS", 7)  # an invitation link works this many days

# Backups (`trygg backup` / `trygg restore`, trygg.core.backup; docs/operations.md). The manifest is signed with
# HMAC-SHA256 with the key in the environment variable TRYGG_BACKUP_KEY or in the file TRYGG_BACKUP_KEY_FILE (read
# only by those commands, never written into a backup); without one, production refuses to back up. Backups are
# encrypted with age to the public keys in TRYGG_BACKUP_RECIPIENTS ("age1...", comma-separated) when it is set;
# restoring them needs the secret key's file TRYGG_BACKUP_IDENTITY_FILE, kept off this server.
TRYGG_BACKUP_KEY_FILE = os.environ.get("TRYGG_BACKUP_KEY_FILE", "")
TRYGG_BACKUP_RECIPIENTS = env_list("TRYGG_BACKUP_RECIPIENTS")
TRYGG_BACKUP_IDENTITY_FILE = os.environ.get("TRYGG_BACKUP_IDENTITY_FILE", "")
# var/, the media folder and the SQLite database readable by Trygg's user only (0700/0600; older installs tightened)
restrict_local_data(
    VAR_DIR,
    MEDIA_ROOT,
    Path(DATABASES["default"]["NAME"]) if DATABASES["default"]["ENGINE"].endswith("sqlite3") else None,
)
