"""Settings for Conduct, all read from the environment (see .env.example).

With nothing set, the app runs on a bare laptop: a SQLite file, a Celery broker
that keeps its messages in a folder, and email printed to the console.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Served over HTTPS (in production, behind a proxy that terminates TLS).
HTTPS = env_bool("HTTPS", SITE_URL.startswith("https://"))
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if HTTPS:
        raise ImproperlyConfigured("SECRET_KEY must be set when the site is served over HTTPS")
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "django_celery_beat",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "govuk",
    "conduct",
    "accounts",
    "partnerships",
    "declarations",
    "meetings",
    "breaches",
    "privacy",
    "reports",
]
# The benchmark (bench/: its reference table and page, its commands) exists only while
# benchmarking: bench/run.py and the benchmark's own tests set this.
CONDUCT_BENCHMARK = env_bool("CONDUCT_BENCHMARK", False)
if CONDUCT_BENCHMARK:
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (CSRF reads the form in process_view); after
    # authentication, so that its page shows the header of whoever is asking.
    "govuk.request_size.RequestSizeLimitMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # No page opens to someone who must give a second factor until they have (accounts/two_factor.py).
    "accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "govuk.no_store.NoStoreMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "conduct.authentication.LoginThrottleBackend",
    "conduct.authentication.PartnerModelBackend",
    # Does nothing unless OIDC_CLIENT_ID is set.
    "accounts.work_accounts.WorkAccountBackend",
]

# Signing in with a work account through OpenID Connect (mozilla-django-oidc): the endpoints are
# in the provider's /.well-known/openid-configuration (for Microsoft Entra ID,
# https://login.microsoftonline.com/<tenant id>/v2.0/.well-known/openid-configuration).
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
# Only people already invited sign in: an unknown email gets no account.
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:work-account-callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "conduct.context_processors.roles",
            ],
        },
    },
]

# Local state of the embedded defaults: the SQLite file and the Celery queue folder
# (bin/setup makes the folders; importing settings writes nothing).
VAR_DIR = BASE_DIR / "var"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'conduct.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A development database must not keep a connection open between requests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "conduct.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "conduct:home"
# The name authenticator apps show beside Conduct's codes.
OTP_TOTP_ISSUER = "Conduct"
LOGOUT_REDIRECT_URL = "conduct:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static" / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("CONDUCT_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = 5

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
# Emails carry invitations, reset links and reports of concerns: a live site that prints them to
# its log instead of sending them loses them and leaks them, so it must be asked for by name.
if HTTPS and EMAIL_BACKEND.endswith("console.EmailBackend") and not env_bool("ALLOW_CONSOLE_EMAIL", False):
    raise ImproperlyConfigured(
        "EMAIL_BACKEND is the console backend on an https site: set an SMTP backend, or ALLOW_CONSOLE_EMAIL=true"
    )
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Conduct <conduct@localhost>")
# Seconds one SMTP exchange may take before it counts as failed (and is retried later);
# a claimed email is taken for a crashed send only well after this (email_delivery.CLAIM_LEASE).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Celery: Redis when REDIS_URL is set, otherwise a broker that keeps its
# messages in a folder so that the app runs with no server at all.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_QUEUE_FOLDER = Path(os.environ.get("CELERY_QUEUE_FOLDER") or VAR_DIR / "celery")
# When the broker is down, a request gives up on it after one quick try: the
# work is kept in the database (conduct.outbox) and goes out later.
BROKER_FAIL_FAST = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Redis hands a task nobody acknowledged to another worker after this many seconds (kombu's
# default is an hour, which a killed worker's fan-out waited out): longer than the longest task
# runs, or a slow task would run twice at once. The outbox re-sends what it queued sooner
# (outbox.RUN_LEASE); this covers what beat sends.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 10 * 60)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {**BROKER_FAIL_FAST, "visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_FOLDER),
        "data_folder_out": str(CELERY_QUEUE_FOLDER),
        "processed_folder": str(CELERY_QUEUE_FOLDER / "processed"),
        "control_folder": str(CELERY_QUEUE_FOLDER / "control"),
        "store_processed": False,
    }
# The cache counts rate limits (govuk.rate_limits): in Redis when there is one, so that every
# web process counts together; otherwise in each process's memory, enough for one machine.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "conduct",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# At least once: a task is acknowledged after it has run, so a worker killed part-way leaves it
# to run again; every task is safe to run twice.
CELERY_TASK_ACKS_LATE = True
# A pool child killed mid-task (as the kernel's out-of-memory killer does) would otherwise have
# its task acknowledged and dropped: put it back on the queue instead.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A worker takes one task at a time, so a worker that dies holds no others it had not started.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic task, in one place. `manage.py schedule_periodic_tasks` writes
# them into django-celery-beat's tables, where the admin shows them; times are
# Europe/London. Each entry: a task and either a crontab "minute hour" or seconds.
CONDUCT_PERIODIC_TASKS = {
    "Hand queued work to the broker, and again what a dead worker left unfinished": {
        "task": "conduct.tasks.flush_queued_tasks",
        "every_seconds": 60,
    },
    "Show that the workers are consuming": {"task": "conduct.tasks.record_heartbeat", "every_seconds": 60},
    "Send emails whose task was lost, whose retry is due or whose send crashed": {
        "task": "conduct.tasks.sweep_emails",
        "every_seconds": 60,
    },
    "Open code reviews that have fallen due": {"task": "conduct.tasks.open_due_reviews", "crontab": "0 6"},
    "Remind administrators of overdue reviews": {"task": "conduct.tasks.remind_overdue_reviews", "crontab": "10 6"},
    "Ask every partner to sign the current versions": {"task": "conduct.tasks.ask_everyone_to_sign", "crontab": "20 6"},
    "Remind partners who have not signed": {"task": "conduct.tasks.send_signature_reminders", "crontab": "30 6"},
    "Ask partners to confirm their declarations each year": {
        "task": "declarations.tasks.ask_for_annual_confirmations",
        "crontab": "40 6",
    },
    "Remind partners to confirm their declarations": {
        "task": "declarations.tasks.remind_unconfirmed_partners",
        "crontab": "50 6",
    },
    "Remind case handlers of breach deadlines": {"task": "breaches.tasks.send_deadline_reminders", "crontab": "0 7"},
    # At night, away from the working day's writes to the same records.
    "Erase personal data past its retention period": {
        "task": "privacy.tasks.apply_retention_schedule",
        "crontab": "30 2",
    },
    "Lift suspensions on their end date": {"task": "conduct.tasks.lift_ended_suspensions", "crontab": "5 0"},
    "Scan evidence still held because the virus scanner could not answer": {
        "task": "breaches.tasks.scan_held_evidence",
        "every_seconds": 300,
    },
}

# How many partners one Celery task asks to sign a newly published version.
SIGNATURE_REQUEST_BATCH_SIZE = env_int("SIGNATURE_REQUEST_BATCH_SIZE", 500)
# Partners who have not signed are reminded after this many days, and again every this many days.
SIGNATURE_REMINDER_INTERVAL_DAYS = env_int("SIGNATURE_REMINDER_INTERVAL_DAYS", 14)
# A review is overdue this many days after it falls due; its assignees are then reminded every interval.
REVIEW_OVERDUE_AFTER_DAYS = env_int("REVIEW_OVERDUE_AFTER_DAYS", 30)
REVIEW_REMINDER_INTERVAL_DAYS = env_int("REVIEW_REMINDER_INTERVAL_DAYS", 14)
# Partners who have not confirmed their declarations this year are reminded every this many days.
DECLARATION_CONFIRMATION_REMINDER_DAYS = env_int("DECLARATION_CONFIRMATION_REMINDER_DAYS", 14)

# Evidence attached to breach cases: kept outside the web root and served only
# through the app, which checks who is asking; the largest file accepted.
BREACH_EVIDENCE_ROOT = Path(os.environ.get("BREACH_EVIDENCE_ROOT") or VAR_DIR / "evidence")
BREACH_EVIDENCE_MAX_BYTES = env_int("BREACH_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Reports sent without an account, or anonymously, in an hour: from one address, and from one browser.
BREACH_REPORTS_PER_ADDRESS = env_int("BREACH_REPORTS_PER_ADDRESS", 10)
BREACH_REPORTS_PER_SESSION = env_int("BREACH_REPORTS_PER_SESSION", 3)
# The largest request body accepted: the largest file (evidence, or a list of people, 10 MB) and the
# form around it. Anything larger is refused with a 413 page before it is read (govuk.request_size);
# the proxy's client_max_body_size should say the same (docs/deployment.md).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", max(BREACH_EVIDENCE_MAX_BYTES, 10 * 1024 * 1024) + 2 * 1024 * 1024)
# A page whose form checks a file's size itself (the import of people) reads up to this much from
# someone signed in, to a temporary file, so that a 50 MB list gets the form's own message by the
# field rather than the 413 page.
SIZE_CHECKED_BY_FORM_MAX_BYTES = env_int("SIZE_CHECKED_BY_FORM_MAX_BYTES", 100 * 1024 * 1024)
# Form fields other than files may hold this much; files over this size go to a temporary file, not memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Evidence goes to S3-compatible storage (django-storages) when a bucket is
# configured; otherwise to the folder above. Either way it has no public URL:
# files go out only through the view that checks who is asking.
EVIDENCE_BUCKET = os.environ.get("EVIDENCE_S3_BUCKET", "")
if EVIDENCE_BUCKET:
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_BUCKET,
            "endpoint_url": os.environ.get("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("EVIDENCE_S3_REGION") or None,
            "access_key": os.environ.get("EVIDENCE_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("EVIDENCE_S3_SECRET_ACCESS_KEY") or None,
            "location": "evidence",
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    STORAGES["evidence"] = {"BACKEND": "breaches.evidence.EvidenceStorage"}
# Evidence is scanned for viruses by a ClamAV daemon when one is named here (its Unix
# socket, or its host and port); a new file is served only once it is scanned clean.
# With neither set, files are served unscanned.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
CLAMD_PORT = env_int("CLAMD_PORT", 3310)
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 60)

# Security: HTTPS-only cookies, redirects and HSTS whenever the site is on HTTPS.
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies, each appending to X-Forwarded-For, stand between the client and the app:
# the client's address is that many entries from the right (govuk.client_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
# Every page of these apps may show a case, a declaration, a receipt code, a confidential meeting item
# or what is held about a person: browsers and proxies keep no copy.
NO_STORE_URL_NAMESPACES = {"breaches", "declarations", "meetings", "privacy"}
# The health check is for the load balancer, which speaks plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Login throttling (django-axes): five failed logins for one username from one
# address lock that pair out for a while, and so many failures from one address
# across usernames lock the address out (conduct.authentication). The address is
# the client's, read through the proxies (TRUSTED_PROXY_COUNT), not the proxy's.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "govuk.client_address.client_address"
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 30)
# Requests for a password reset link in an hour: from one address (more are refused), and
# for one email address (more are quietly not sent, so the page never says whether it has an account).
PASSWORD_RESETS_PER_ADDRESS = env_int("PASSWORD_RESETS_PER_ADDRESS", 10)
PASSWORD_RESETS_PER_EMAIL = env_int("PASSWORD_RESETS_PER_EMAIL", 3)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
