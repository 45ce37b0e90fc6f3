"""Settings shared by every environment. Values come from ``openprecinct.config.env``."""

from __future__ import annotations

from pathlib import Path

from openprecinct.config import env

PACKAGE_DIR = Path(__file__).resolve().parents[2]
REPO_DIR = PACKAGE_DIR.parent
DATA_DIR = env.data_dir()

DEBUG = env.get_bool("DEBUG", False)
SECRET_KEY = env.secret_key(required=False, fallback_dir=DATA_DIR)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "openprecinct.core",
    "openprecinct.accounts",
    "openprecinct.records",
    "openprecinct.evidence",
    "openprecinct.insights",
    "openprecinct.dispatch",
    "openprecinct.accountability",
    "openprecinct.oversight",
    "openprecinct.personnel",
    "openprecinct.community",
    "openprecinct.portal",
    "openprecinct.api",
]

MIDDLEWARE = [
    "openprecinct.core.metrics.MetricsMiddleware",
    "openprecinct.core.resilience.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "openprecinct.core.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "openprecinct.core.middleware.RequestContextMiddleware",
    "openprecinct.accounts.middleware.SessionExpiryMiddleware",
    "openprecinct.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "openprecinct.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "openprecinct.config.urls"
WSGI_APPLICATION = "openprecinct.config.wsgi.application"

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
                "openprecinct.accounts.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {"default": env.database(DATA_DIR / "openprecinct.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["openprecinct.accounts.backends.LockoutAwareBackend"]

# Argon2id with OWASP-style parameters (m=19 MiB, t=2, p=1): ~25 ms a login on two cores,
# instead of Django's 100 MiB per concurrent login.
PASSWORD_HASHERS = [
    "openprecinct.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "openprecinct.accounts.validators.ContextWordValidator"},
]

# Lock-out: 5 consecutive failures within 15 minutes lock the account until an
# administrator lifts the lock (CJIS AC-7).
# Kept outside the database: without it, tip passphrase hashes cannot be checked by someone
# holding only a copy of the database (falls back to a key derived from SECRET_KEY).
OPENPRECINCT_TIP_PEPPER = env.get("TIP_PEPPER", "") or ""
OPENPRECINCT_LOCKOUT_FAILURES = env.get_int("LOCKOUT_FAILURES", 5, minimum=1)
OPENPRECINCT_LOCKOUT_WINDOW_SECONDS = env.get_int("LOCKOUT_WINDOW_SECONDS", 15 * 60, minimum=60)

# Sessions: 30 minutes idle (sliding), 12 hours absolute, both enforced server-side.
OPENPRECINCT_SESSION_IDLE_SECONDS = env.get_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
OPENPRECINCT_SESSION_ABSOLUTE_SECONDS = env.get_int(
    "SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=300
)
# The store keeps a session at most 12 hours; the idle limit is checked by our middleware,
# which can then tell the user why they were signed out.
SESSION_COOKIE_AGE = OPENPRECINCT_SESSION_ABSOLUTE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"

OTP_TOTP_ISSUER = "OpenPrecinct"
OTP_TOTP_TOLERANCE = 1

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.time_zone()
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
_NODE_MODULES = REPO_DIR / "node_modules"
if _NODE_MODULES.is_dir():
    STATICFILES_DIRS.append(("vendor", _NODE_MODULES))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# No third-party origin anywhere: scripts, styles, fonts, images and map data are local.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "openprecinct.api.authentication.ExpiringTokenAuthentication",
        "openprecinct.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["openprecinct.api.permissions.IsVerifiedStaff"],
    "DEFAULT_PAGINATION_CLASS": "openprecinct.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "openprecinct.api.errors.exception_handler",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_THROTTLE_RATES": {"public": "120/min", "token": "10/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OpenPrecinct API",
    "DESCRIPTION": "Records, CompStat, analysis and the public portal of a precinct.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
OPENPRECINCT_API_TOKEN_HOURS = env.get_int("API_TOKEN_HOURS", 12, minimum=1)

# Logs go to standard error; OPENPRECINCT_LOG_FORMAT=json writes one JSON object a line
# (timestamp, level, logger, message, request id, user id) for a log shipper.
LOG_FORMAT = (env.get("LOG_FORMAT", "plain") or "plain").lower()
if LOG_FORMAT not in {"plain", "json"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"OPENPRECINCT_LOG_FORMAT must be plain or json. Got {LOG_FORMAT!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "openprecinct.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "INFO") or "INFO"},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# The precinct this installation serves by default.
OPENPRECINCT_PRECINCT = env.get("PRECINCT", "120") or "120"
OPENPRECINCT_DEMO_DATA_DIR = PACKAGE_DIR / "demo" / "data"
# The agency identifier (ORI) on NIBRS exports; NYPD's is NY0303000.
OPENPRECINCT_NIBRS_ORI = env.get("NIBRS_ORI", "NY0303000") or "NY0303000"

# --- evidence ---
# Where evidence files live: file:///absolute/path (default: the data directory) or
# s3://bucket?endpoint=http://host:9000&region=us-east-1 (S3-compatible object storage; the
# access keys come from the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables).
OPENPRECINCT_EVIDENCE_STORAGE = env.get("EVIDENCE_STORAGE") or f"file://{DATA_DIR / 'evidence'}"
if not OPENPRECINCT_EVIDENCE_STORAGE.startswith(("file:///", "s3://")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "OPENPRECINCT_EVIDENCE_STORAGE must start with file:/// (an absolute path) or s3:// "
        f"(a bucket). Got {OPENPRECINCT_EVIDENCE_STORAGE!r}. Example: file:///srv/evidence"
    )
# Partial uploads wait here (on the web host's disk) until they are complete.
OPENPRECINCT_EVIDENCE_UPLOAD_DIR = Path(
    env.get("EVIDENCE_UPLOAD_DIR") or DATA_DIR / "evidence-uploads"
).resolve()
# Largest single file accepted, in bytes (default 20 GiB: a full shift of 4K body-camera video).
OPENPRECINCT_EVIDENCE_MAX_BYTES = env.get_int("EVIDENCE_MAX_BYTES", 20 * 1024**3, minimum=1)
# Days a deletion request can be undone before the purge removes the file.
OPENPRECINCT_EVIDENCE_UNDO_DAYS = env.get_int("EVIDENCE_UNDO_DAYS", 7, minimum=1)
# The ffmpeg program used for redactions.
OPENPRECINCT_FFMPEG = env.get("FFMPEG", "ffmpeg") or "ffmpeg"

# --- background jobs (openprecinct.core.jobs; Celery when a broker is configured) ---
# OPENPRECINCT_CELERY_BROKER_URL=redis://127.0.0.1:6379/0 sends jobs to Celery workers
# (``celery -A openprecinct.config.celery worker``); unset, jobs run in the web process.
CELERY_BROKER_URL = env.get("CELERY_BROKER_URL") or None
# Modules that register jobs (the platform's: which app function runs under which name).
OPENPRECINCT_JOB_MODULES = ["openprecinct.config.jobs"]
CELERY_RESULT_BACKEND = None  # results and progress live in the Job table
CELERY_TASK_ACKS_LATE = True  # a job's message is acknowledged when it has finished...
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # ...and goes back to the queue if its worker dies
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# The queue this installation's workers read (several installations can share one Redis).
CELERY_TASK_DEFAULT_QUEUE = env.get("CELERY_QUEUE", "openprecinct") or "openprecinct"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds after which a message taken by a worker that died is delivered again. Longer than
# the longest job, or a slow job is started twice (harmless: jobs are idempotent, but wasteful).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.get_int("CELERY_VISIBILITY_TIMEOUT", 6 * 3600, minimum=1)
}
CELERY_TIMEZONE = TIME_ZONE
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    # name -> job, when (celery beat; each submission's idempotency key is the job and the day)
    "early-intervention-nightly": {
        "task": "openprecinct.scheduled_job",
        "schedule": crontab(hour=2, minute=0),
        "kwargs": {"name": "personnel.eis.evaluate_all"},
        "options": {"expires": 3600},
    },
    "evidence-retention-nightly": {
        "task": "openprecinct.scheduled_job",
        "schedule": crontab(hour=3, minute=0),
        "kwargs": {"name": "evidence.purge"},
        "options": {"expires": 3600},
    },
    "evidence-fixity-weekly": {
        "task": "openprecinct.scheduled_job",
        "schedule": crontab(hour=4, minute=0, day_of_week="sun"),
        "kwargs": {"name": "evidence.verify"},
        "options": {"expires": 3600},
    },
    "oversight-deadlines-nightly": {
        "task": "openprecinct.scheduled_job",
        "schedule": crontab(hour=0, minute=15),
        "kwargs": {"name": "oversight.deadlines"},
        "options": {"expires": 3600},
    },
    "community-retention-nightly": {
        "task": "openprecinct.scheduled_job",
        "schedule": crontab(hour=3, minute=30),
        "kwargs": {"name": "community.purge"},
        "options": {"expires": 3600},
    },
    "forecast-scoring-nightly": {
        "task": "openprecinct.scheduled_job",
        "schedule": crontab(hour=5, minute=0),
        "kwargs": {"name": "insights.score_forecasts"},
        "options": {"expires": 3600},
    },
    "compstat-pdf-weekly": {
        "task": "openprecinct.scheduled_job",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
        "kwargs": {"name": "insights.compstat_pdf"},
        "options": {"expires": 3600},
    },
}

# --- backup and restore (openprecinct backup / restore): the stored files besides the database
OPENPRECINCT_BACKUP_FILE_SETS = ["openprecinct.config.backup_files:evidence_files"]

# --- performance ---
# Anonymous public pages (portal, public API) are cached whole, keyed by the audit log's sequence
# number, so a change anywhere shows at once (openprecinct/core/pagecache.py). 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = env.get_int("PUBLIC_PAGE_CACHE_SECONDS", 300, minimum=0)
# A shared cache for all web workers when Redis is there (OPENPRECINCT_CACHE_URL=redis://...);
# otherwise each process keeps its own in memory.
_CACHE_URL = env.get("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- operations: health, metrics ---
# /metrics (Prometheus) answers requests from the loopback interface, or with
# "Authorization: Bearer <OPENPRECINCT_METRICS_TOKEN>" from anywhere; everyone else gets 404.
OPENPRECINCT_METRICS_TOKEN = env.get("METRICS_TOKEN") or ""
