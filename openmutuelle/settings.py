"""OpenMutuelle settings: one module, everything a deployment decides read from the environment.

Without any variable the portal runs on the embedded default (SQLite in WAL mode, files,
mail and generated secrets under ``var/``). ``DJANGO_ENV=production`` turns on the
production checks: real secrets and allowed hosts are required, HTTPS everywhere.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from openmutuelle.config import (
    ConfigError,
    email_settings,
    encryption_keys,
    env_bool,
    env_int,
    env_list,
    portal_url,
    secret_key,
    trusted_proxies,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ConfigError("DJANGO_ENV must be development, test or production.")
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = secret_key(VAR_DIR, PRODUCTION)
ENCRYPTION_KEYS = encryption_keys(VAR_DIR, PRODUCTION)
DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ConfigError("DEBUG must be off when DJANGO_ENV=production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS is required when DJANGO_ENV=production (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies in front of the portal: only their X-Forwarded-For is read (core.middleware.client_ip).
TRUSTED_PROXIES = trusted_proxies()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "phonenumber_field",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The portal's own apps, in dependency order (a later app may import an earlier one).
    "core",
    "outbox",
    "audit",
    "jobs",
    "documents",
    "accounts",
    "people",
    "providers",
    "contracts",
    "content",
    "demarches",
    "claims",
    "reading",
    "benefits",
    "payments",
    "contributions",
    "members",
    "companies",
    "professionals",
    "ledger",
    "registration",
    "backoffice",
    "twofactor",
    "privacy",
    "demo",
    "api",
    "backups",  # manage.py backup, restore_drill
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.ServiceUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateAnswersMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RequestContextMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.ActiveProfileMiddleware",
    "accounts.middleware.MaintenanceMiddleware",
    "accounts.middleware.OnboardingGateMiddleware",
    "axes.middleware.AxesMiddleware",
    "privacy.middleware.AudienceMiddleware",
]

# benchmarks/load.py: X-Query-Count on every answer and the /bench/floor/ page (core.bench). Never in a deployment.
BENCH_MODE = env_bool("BENCH_MODE", default=False)
if BENCH_MODE:
    MIDDLEWARE.insert(0, "core.bench.QueryCountMiddleware")

ROOT_URLCONF = "openmutuelle.urls"
WSGI_APPLICATION = "openmutuelle.wsgi.application"
ASGI_APPLICATION = "openmutuelle.asgi.application"

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
                "core.context_processors.insurer",
                "core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# PostgreSQL with least-privileged roles (``manage.py db_roles``): DATABASE_URL names the application role, this
# URL the tables' owner, used by ``migrate`` and ``flush`` only (user, password, host, port; same database).
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
if DATABASE_URL:
    # 0: one connection per request, safe under any server (threads included). With gunicorn *sync* workers,
    # DB_CONN_MAX_AGE=60 reuses one connection per worker; never with threads (each keeps its own). A kept
    # connection is checked before reuse (CONN_HEALTH_CHECKS), so a restarted database costs no failed request.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # a SQLite file named by URL (task workers in tests)
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    if PRODUCTION:
        raise ConfigError("DATABASE_URL is required when DJANGO_ENV=production (postgres://…).")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "openmutuelle.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if PRODUCTION and not REDIS_URL and not env_bool("ALLOW_LOCAL_CACHE", default=False):
    raise ConfigError(
        "REDIS_URL is required when DJANGO_ENV=production: throttling and sessions must be shared by every worker "
        "(ALLOW_LOCAL_CACHE=1 only for a single-process deployment)."
    )
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "openmutuelle"}}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)  # idle timeout, counted from the last renewal
# The idle timeout is renewed by accounts.middleware.SessionRenewalMiddleware at most once a minute, not by a write of
# the session (row and cache) at every request: a session idle for SESSION_COOKIE_AGE minus at most this ends.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "om_session"
CSRF_COOKIE_NAME = "om_csrftoken"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_NAME = "om_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked identifiers, counts failures
    "accounts.backends.ThrottleBackend",  # progressive delay from the 5th failure
    "accounts.backends.IdentifierBackend",  # username or membership number
]
# CNIL deliberation 2022-100: 12 characters at least, strength checked, common passwords refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.ZxcvbnValidator", "OPTIONS": {"min_score": 3}},
]
TEMPORARY_PASSWORD_HOURS = 24
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600)
PORTAL_URL = portal_url(os.environ, PRODUCTION)  # the start of every link in emails
# Throttling (SECURITY.md): a delay from the 5th consecutive failure, doubling; a lock at the 10th,
# lifted by staff or after 24 hours. Locked and wrong-password answers are identical.
LOGIN_DELAY_AFTER_FAILURES = 5
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 24  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
LOGIN_FAILURES_PER_ADDRESS_HOUR = env_int("LOGIN_FAILURES_PER_ADDRESS_HOUR", 50)
LOGIN_FAILURES_PER_ADDRESS_HOUR_HARD = env_int("LOGIN_FAILURES_PER_ADDRESS_HOUR_HARD", 200)
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # per-address throttling is ours: see accounts/throttling.py
AXES_USERNAME_CALLABLE = "accounts.throttling.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
FORMAT_MODULE_PATH = ["openmutuelle.formats"]
LOCALE_PATHS = [Path(os.environ.get("LOCALE_DIR", BASE_DIR / "locale"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files and documents -------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# Outside production, WhiteNoise serves static files straight from the source folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("FILES_ROOT", VAR_DIR / "files"))
STORAGES = {
    # Every stored document is encrypted before it reaches the underlying storage.
    "default": {"BACKEND": "documents.storage.EncryptedStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The storage the encrypted bytes go to: a local folder by default, an S3-compatible bucket at scale
# (``DOCUMENTS_S3_BUCKET``: documents.s3, README "Documents on S3-compatible storage").
DOCUMENTS_S3 = {
    "bucket_name": os.environ.get("DOCUMENTS_S3_BUCKET", ""),
    "endpoint_url": os.environ.get("DOCUMENTS_S3_ENDPOINT_URL", ""),  # empty: AWS itself
    "region_name": os.environ.get("DOCUMENTS_S3_REGION", ""),
    "location": os.environ.get("DOCUMENTS_S3_PREFIX", ""),  # a key prefix inside the bucket
    "addressing_style": os.environ.get("DOCUMENTS_S3_ADDRESSING_STYLE", ""),  # "path" for most non-AWS servers
    # Empty: boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, the instance's role).
    "access_key": os.environ.get("DOCUMENTS_S3_ACCESS_KEY_ID", ""),
    "secret_key": os.environ.get("DOCUMENTS_S3_SECRET_ACCESS_KEY", ""),
}
DOCUMENTS_BACKEND_STORAGE = os.environ.get(
    "DOCUMENTS_BACKEND_STORAGE",
    "documents.s3.DocumentsS3Storage" if DOCUMENTS_S3["bucket_name"] else "django.core.files.storage.FileSystemStorage",
)
# Uploads are never spooled to a named plaintext file: in memory up to the largest per-file limit (10 MB: claims
# and requests), beyond (several files at once) in an unlinked temporary file a killed worker cannot leave behind.
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "core.uploadhandlers.UnlinkedTemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # the form fields, files excluded
DATA_UPLOAD_MAX_NUMBER_FILES = 50  # a claim: 10 care items x 5 documents
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Email ----------------------------------------------------------------------------
globals().update(email_settings(os.environ.get("EMAIL_URL", ""), VAR_DIR))
# Seconds for each connect / send to the mail server: a hanging server fails the sending task (retried), never a page.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OpenMutuelle <ne-pas-repondre@openmutuelle.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -----------------------------------------------------------------
# Embedded default: django-tasks-db's table, run by ``manage.py task_worker`` (jobs.worker: lease, retries with
# backoff, dead letters, heartbeats). Production: ``TASKS_BACKEND=django_tasks_rq.RQBackend`` over Redis
# (``TASKS_REDIS_URL``, else ``REDIS_URL``), run by the same command (an RQ worker with the same policy).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
TASKS_MAX_ATTEMPTS = env_int("TASKS_MAX_ATTEMPTS", 5)  # then the task is a dead letter, shown to staff
TASKS_RETRY_BACKOFF = env_int("TASKS_RETRY_BACKOFF", 10)  # seconds before the 2nd attempt, doubling each time
TASKS_LEASE_SECONDS = env_int("TASKS_LEASE_SECONDS", 60)  # a running task whose worker is silent this long is retaken
TASKS_HEARTBEAT_SECONDS = env_int("TASKS_HEARTBEAT_SECONDS", 5)
TASKS_MAX_WAIT_SECONDS = env_int("TASKS_MAX_WAIT_SECONDS", 600)  # /healthz fails when a task waits longer
TASKS_TIMEOUT_SECONDS = env_int("TASKS_TIMEOUT_SECONDS", 300)  # an attempt running longer is stopped: it failed
TASKS_REDIS_URL = os.environ.get("TASKS_REDIS_URL", "") or REDIS_URL or "redis://127.0.0.1:6379/0"
RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": TASKS_TIMEOUT_SECONDS}}
RQ = {
    "QUEUE_CLASS": "jobs.rq.RetryingQueue",
    "WORKER_CLASS": "jobs.rq.LeasedWorker",
    "JOB_CLASS": "django_tasks_rq.backend.Job",
}

# --- Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# img-src blob:: the thumbnails of the photos a member picks before sending them (claims/upload.js, object URLs of
# local files; an image cannot run code).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# --- The insurer running the portal (shown on pages, emails and PDFs) ---------------
INSURER = {
    "name": os.environ.get("INSURER_NAME", "OpenMutuelle"),
    "legal_form": os.environ.get("INSURER_LEGAL_FORM", "Mutuelle régie par le livre II du Code de la mutualité"),
    "siren": os.environ.get("INSURER_SIREN", "775685365"),
    "address": os.environ.get("INSURER_ADDRESS", "12 rue de la Solidarité, 75011 Paris, France"),
    "phone": os.environ.get("INSURER_PHONE", "+33 1 84 88 00 00"),
    "hours": os.environ.get("INSURER_HOURS", "8h30–18h"),
    "dpo_email": os.environ.get("INSURER_DPO_EMAIL", "dpo@openmutuelle.fr"),
    "organisation_number": os.environ.get("INSURER_AMC_NUMBER", "75123456"),
}
# The account reimbursements are paid from (SEPA credit transfers, pain.001).
INSURER_PAYMENT_IBAN = os.environ.get("INSURER_PAYMENT_IBAN", "FR7630006000011234567890189")
INSURER_PAYMENT_BIC = os.environ.get("INSURER_PAYMENT_BIC", "AGRIFRPPXXX")
OTP_TOTP_ISSUER = INSURER["name"]

# --- Business settings (rules that differ between insurers) ---------------------------
ACCOUNT_GRACE_MONTHS = env_int("ACCOUNT_GRACE_MONTHS", 24)
DATA_RETENTION_MONTHS = env_int("DATA_RETENTION_MONTHS", 24)
# Card payments (SPEC M4): the provider's hosted page; "sandbox" is the built-in one that speaks the same protocol.
PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "sandbox")
PAYMENT_SANDBOX_SECRET = os.environ.get("PAYMENT_SANDBOX_SECRET") or None
CLAIM_MAX_TOTAL_EUR = env_int("CLAIM_MAX_TOTAL_EUR", 500)  # online claims: bills under this total (seed 002)
# Signed anchors of the audit chain head (audit.anchors): written by the sealer every AUDIT_ANCHOR_EVERY events or
# AUDIT_ANCHOR_INTERVAL seconds, through a storage (a private folder; an S3 bucket with object lock in production).
AUDIT_ANCHOR_DIR = Path(os.environ.get("AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors"))
AUDIT_ANCHOR_STORAGE = os.environ.get("AUDIT_ANCHOR_STORAGE", "django.core.files.storage.FileSystemStorage")
AUDIT_ANCHOR_STORAGE_OPTIONS = json.loads(os.environ.get("AUDIT_ANCHOR_STORAGE_OPTIONS", "{}"))
# The Ed25519 signing key, read by the sealer only (generated on first use outside production); the public key
# (base64 of its 32 raw bytes) lets any process verify without being able to sign.
AUDIT_ANCHOR_KEY_FILE = Path(os.environ.get("AUDIT_ANCHOR_KEY_FILE", VAR_DIR / "audit-anchor.key"))
AUDIT_ANCHOR_PUBLIC_KEY = os.environ.get("AUDIT_ANCHOR_PUBLIC_KEY", "")
AUDIT_ANCHOR_EVERY = env_int("AUDIT_ANCHOR_EVERY", 10_000)
AUDIT_ANCHOR_INTERVAL = env_int("AUDIT_ANCHOR_INTERVAL", 60)
# /healthz/details (database, storage, tasks) answers only with "Authorization: Bearer <HEALTHZ_TOKEN>".
HEALTHZ_TOKEN = os.environ.get("HEALTHZ_TOKEN", "")
if HEALTHZ_TOKEN and len(HEALTHZ_TOKEN) < 32:
    raise ConfigError("HEALTHZ_TOKEN must be at least 32 random characters (or unset: no detailed health page).")
# Virus scan of every upload (documents/antivirus.py): "clamd" (ClamAV's daemon at CLAMD_ADDRESS, unix:///… or
# tcp://host:port) or "none". Production refuses to start without an explicit choice; development and tests
# default to "none" (`make test` starts its own clamd and sets ANTIVIRUS=clamd).
ANTIVIRUS = os.environ.get("ANTIVIRUS", "").strip().lower()
if ANTIVIRUS not in ("clamd", "none", ""):
    raise ConfigError("ANTIVIRUS must be clamd or none.")
if PRODUCTION and not ANTIVIRUS:
    raise ConfigError("ANTIVIRUS is required when DJANGO_ENV=production: clamd (ClamAV's daemon) or none.")
ANTIVIRUS = ANTIVIRUS or "none"
CLAMD_ADDRESS = os.environ.get("CLAMD_ADDRESS", "unix:///var/run/clamav/clamd.ctl")
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30)
# API rate limits (SPEC X9): per login when authenticated, per client address otherwise.
API_THROTTLE_USER = os.environ.get("API_THROTTLE_USER", "120/m")
API_THROTTLE_ANON = os.environ.get("API_THROTTLE_ANON", "30/m")

# Issue 15: every supporting document of a claim is read (OCR) in the background once stored. Off by default in
# tests, where tasks run at once inside the request: the reading tests and the bill journey turn it on.
READING_SUPPORTING_DOCUMENTS = env_bool("READING_SUPPORTING_DOCUMENTS", ENVIRONMENT != "test")

if ENVIRONMENT == "test":
    # Tests run tasks at once, hash passwords fast and speak the msgids' language unless a test asks
    # for French (a test checks the French catalogue is complete; browser tests send fr-FR).
    LANGUAGE_CODE = "en"
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # A file, not an in-memory database: the browser journeys' live server then gets its own
        # connection instead of sharing the test thread's (Django shares in-memory SQLite connections).
        _shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else VAR_DIR  # noqa: S108 - test data, per process
        DATABASES["default"]["TEST"] = {"NAME": str(_shm / f"openmutuelle-test-{os.getpid()}.sqlite3")}
    # Unit tests run tasks at once; the task fault tests start real workers with TASKS_BACKEND set.
    _TEST_TASKS = os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    TASKS = {"default": {"BACKEND": _TEST_TASKS}}
    # The tests' Redis database: 8, 9, … one per pytest-xdist worker (the fault tests flush theirs; the worker
    # processes they start inherit PYTEST_XDIST_WORKER, so they read the same one).
    _XDIST = int("0" + "".join(c for c in os.environ.get("PYTEST_XDIST_WORKER", "") if c.isdigit()))
    RQ_QUEUES["default"]["URL"] = os.environ.get("TASKS_REDIS_URL") or f"redis://127.0.0.1:6379/{8 + _XDIST % 4}"
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # its import says "logger bridge initialized" at INFO
    },
}
PHONENUMBER_DEFAULT_REGION = "FR"
