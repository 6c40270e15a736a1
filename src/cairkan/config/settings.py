"""Settings, read from the environment (twelve-factor) with an embedded default.

With no environment at all Cairkan runs on SQLite under ``var/``, runs background
tasks in-process, talks to the sandbox registry and bank and prints notifications to
the console. ``CAIRKAN_ENV=production`` refuses to start without the secrets a real
deployment needs and turns on the transport-security settings.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
import structlog
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

# Lets admin and queryset classes be subscripted for type checking, at run time too.
django_stubs_ext.monkeypatch()

env = environ.Env()

CAIRKAN_ENV: str = env.str("CAIRKAN_ENV", default="development")
if CAIRKAN_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"CAIRKAN_ENV must be development, test or production, not {CAIRKAN_ENV!r}"
    )
PRODUCTION = CAIRKAN_ENV == "production"

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Run-time state (SQLite file, generated secret, uploads) lives outside the package so
# that an installed wheel stays read-only.
VAR_DIR: Path = Path(env.str("CAIRKAN_VAR_DIR", default=str(Path.cwd() / "var"))).resolve()
# It holds the database, the key and members' documents: the service's user only.
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_uid == os.getuid():
    VAR_DIR.chmod(0o700)


def _local_secret_key() -> str:
    """A key generated once per checkout, so sessions survive restarts of ``make run``."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY: str = env.str("SECRET_KEY")  # no default: a missing key must stop the start
elif CAIRKAN_ENV == "test":
    SECRET_KEY = env.str("SECRET_KEY", default="test-only-not-secret")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()

# Off unless asked for (DEBUG=true): `make run` serves what members see, never Django's
# debug pages (the URL list, a traceback) — issue 14.9.
DEBUG: bool = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_structlog",
    "ninja",  # serves Swagger UI from its bundled static files, not a CDN
    "django_otp",  # officers' second factor (TOTP), docs/backoffice.md
    "django_otp.plugins.otp_totp",
    "cairkan.members",
    "cairkan.workdays",
    "cairkan.audit",
    "cairkan.integrations",
    "cairkan.rules",
    "cairkan.notifications",
    "cairkan.accounts",
    "cairkan.biometrics",
    "cairkan.claims",
    "cairkan.screening",
    "cairkan.payouts",
    "cairkan.api",
    "cairkan.demo",
    "cairkan.guidance",
    "cairkan.web",
    "cairkan.backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "cairkan.web.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cairkan.api.middleware.WrongMethodProblem",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # user.is_verified(): signed in with a TOTP code
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "cairkan.web.pwa.OfflineHeadersMiddleware",  # what the service worker may keep
]

ROOT_URLCONF = "cairkan.config.urls"
WSGI_APPLICATION = "cairkan.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cairkan.web.settings_pages.large_text",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES: dict[str, dict[str, Any]] = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cairkan.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two writers queue behind
    # the busy timeout instead of failing with "database is locked" mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    if not str(DATABASES["default"]["NAME"]).startswith(":memory:"):
        # The database holds members' personal data (UU 27/2022): owner-only, created so
        # before SQLite opens it (its -wal and -shm files copy the database's mode).
        _database = Path(DATABASES["default"]["NAME"])
        _database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _database.touch(mode=0o600, exist_ok=True)
        _database.chmod(0o600)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks -------------------------------------------------------------------
# Unset broker: tasks run inline in the calling process (the embedded default). Celery
# still opens a producer connection for eager tasks; the in-memory transport spares it
# guessing an AMQP server on localhost.
_BROKER_URL: str = env.str("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = _BROKER_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not _BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# --- Gateways to the outside world --------------------------------------------------------
# A real adapter plugs in by dotted path; its keyword options come from the *_OPTIONS.
CAIRKAN_REGISTRY_GATEWAY: str = env.str(
    "CAIRKAN_REGISTRY_GATEWAY",
    default="cairkan.integrations.registry.sandbox.SandboxPopulationRegistry",
)
# The bank: by default the SNAP BI client (docs/payments.md, "SNAP BI in Cairkan"). With
# no CAIRKAN_SNAP_BASE_URL it talks to the sandbox bank mounted in-process (keys generated
# into CAIRKAN_VAR_DIR), whose network CAIRKAN_BANK_OPTIONS describes; with one, to that
# bank with the keys in CAIRKAN_SNAP. The direct sandbox, without HTTP:
# CAIRKAN_BANK_GATEWAY=cairkan.integrations.bank.sandbox.SandboxBank.
CAIRKAN_BANK_GATEWAY: str = env.str(
    "CAIRKAN_BANK_GATEWAY", default="cairkan.integrations.bank.snap.snap_bank"
)
_sandbox_latency = CAIRKAN_ENV != "test"
CAIRKAN_REGISTRY_OPTIONS: dict[str, Any] = {
    # Dukcapil's web service answers in a few hundred milliseconds on a good day.
    "latency_ms": (120, 600) if _sandbox_latency else (0, 0),
    "timeout_s": env.float("CAIRKAN_REGISTRY_TIMEOUT_S", default=5.0),
    "fault_rate": env.float("CAIRKAN_SANDBOX_FAULT_RATE", default=0.0),
}
CAIRKAN_BANK_OPTIONS: dict[str, Any] = {
    "latency_ms": (150, 900) if _sandbox_latency else (0, 0),
    "timeout_s": env.float("CAIRKAN_BANK_TIMEOUT_S", default=8.0),
    "fault_rate": env.float("CAIRKAN_SANDBOX_FAULT_RATE", default=0.0),
    # Interbank transfers settle asynchronously; the sandbox settles after this delay.
    "settle_after_s": env.float("CAIRKAN_BANK_SETTLE_AFTER_S", default=30.0),
}
CAIRKAN_SNAP: dict[str, Any] = {
    "base_url": env.str("CAIRKAN_SNAP_BASE_URL", default=""),
    "client_id": env.str("CAIRKAN_SNAP_CLIENT_ID", default=""),
    "client_secret": env.str("CAIRKAN_SNAP_CLIENT_SECRET", default=""),
    # A PEM file readable by the service only; the key itself never sits in settings.
    "private_key_file": env.str("CAIRKAN_SNAP_PRIVATE_KEY_FILE", default=""),
    "partner_id": env.str("CAIRKAN_SNAP_PARTNER_ID", default=""),
    "channel_id": env.str("CAIRKAN_SNAP_CHANNEL_ID", default="95221"),
    # The paying bank and BPJS's account there: same-bank payouts go intrabank.
    "source_bank_code": env.str("CAIRKAN_SNAP_SOURCE_BANK_CODE", default="009"),
    "source_account_no": env.str("CAIRKAN_SNAP_SOURCE_ACCOUNT_NO", default="0115476117"),
    "timeout_s": env.float("CAIRKAN_BANK_TIMEOUT_S", default=8.0),
}

# --- Payouts (docs/payments.md) ----------------------------------------------------------
# Banks paid by the day's ISO 20022 pain.001 file (host to host) instead of SNAP BI calls:
# bank code -> BPJS's paying account there, e.g.
# {"002": {"account_number": "0339001122", "name": "BPJS Ketenagakerjaan"}}. Every other
# bank is paid by API. `cairkan bank-file build/ingest` (docs/payments.md, "Bulk files").
CAIRKAN_BANK_FILE_RAIL: dict[str, dict[str, str]] = env.json("CAIRKAN_BANK_FILE_RAIL", default={})
# Pauses (seconds) after each transient failure in a row; past the last, a payout is held
# for an officer. About two hours in all.
CAIRKAN_PAYOUT_RETRY_SECONDS: list[float] = env.list(
    "CAIRKAN_PAYOUT_RETRY_SECONDS", cast=float, default=[5, 15, 60, 300, 900, 3600]
)
# How often an accepted transfer (or one whose outcome is unknown) is asked about.
CAIRKAN_PAYOUT_POLL_SECONDS: float = env.float("CAIRKAN_PAYOUT_POLL_SECONDS", default=5.0)
# A payout "sending" longer than this lost its worker; it is asked about, not resent.
CAIRKAN_PAYOUT_SENDING_TIMEOUT_S: float = env.float(
    "CAIRKAN_PAYOUT_SENDING_TIMEOUT_S", default=120.0
)
# With a broker, Celery beat runs the sweep this often (seconds).
CELERY_BEAT_SCHEDULE: dict[str, Any] = {
    "payouts-sweep": {
        "task": "cairkan.payouts.tasks.sweep_payouts",
        "schedule": env.float("CAIRKAN_PAYOUT_SWEEP_SECONDS", default=5.0),
    },
    # The day-before and hour-before reminders of appointments (each sent once).
    "appointment-reminders": {
        "task": "cairkan.claims.tasks.send_appointment_reminders",
        "schedule": 60.0,
    },
}

# --- Notifications ----------------------------------------------------------------------
# Dotted path of the sender; the embedded default writes messages to the log.
CAIRKAN_NOTIFICATION_SENDER: str = env.str(
    "CAIRKAN_NOTIFICATION_SENDER", default="cairkan.notifications.gateway.ConsoleSender"
)
# The first pause before delivering a message again; it doubles on every attempt.
CAIRKAN_NOTIFICATION_RETRY_SECONDS: float = env.float(
    "CAIRKAN_NOTIFICATION_RETRY_SECONDS", default=15.0
)

# --- Face verification (docs/face.md) ---------------------------------------------------
# Keyword arguments of the engine's Thresholds, QualityLimits and LivenessLimits; empty
# means the measured defaults in cairkan.biometrics.engine.
CAIRKAN_FACE_MATCH: dict[str, Any] = env.json("CAIRKAN_FACE_MATCH", default={})
CAIRKAN_FACE_QUALITY: dict[str, Any] = env.json("CAIRKAN_FACE_QUALITY", default={})
CAIRKAN_FACE_LIVENESS: dict[str, Any] = env.json("CAIRKAN_FACE_LIVENESS", default={})
# The attempt policy (cairkan.biometrics.policy.Policy): max_failures, cooling_off and
# challenge_ttl in seconds, self_unlocks, video-call slots.
CAIRKAN_FACE_POLICY: dict[str, Any] = env.json("CAIRKAN_FACE_POLICY", default={})

# --- Straight-through screening (docs/screening.md) ---------------------------------------
# Per risk rule, by code: {"enabled": false} switches it off, other keys set its
# parameters, e.g. {"amount_above_ceiling": {"ceiling": 12000000}}. Empty: the defaults.
CAIRKAN_SCREENING_RULES: dict[str, Any] = env.json("CAIRKAN_SCREENING_RULES", default={})
# --- Back office (docs/backoffice.md) ------------------------------------------------------
# Four eyes: a claim whose gross amount (Rp) is above this needs two different approvers.
CAIRKAN_FOUR_EYES_ABOVE: int = env.int("CAIRKAN_FOUR_EYES_ABOVE", default=50_000_000)
# The Django admin lets in only sessions signed in with a TOTP code at /kantor/masuk/.
CAIRKAN_ADMIN_REQUIRES_OTP: bool = env.bool("CAIRKAN_ADMIN_REQUIRES_OTP", default=PRODUCTION)
# The issuer name an officer's authenticator app shows beside the code.
OTP_TOTP_ISSUER = "Cairkan"

# --- Client addresses (docs/operating.md, "Behind a reverse proxy") ------------------------
# How many proxies of ours stand in front of the web processes and append to
# X-Forwarded-For; per-client limits key on the address the outermost one saw. 0: use
# REMOTE_ADDR and ignore the header (anyone can send it).
CAIRKAN_TRUSTED_PROXY_HOPS: int = env.int("CAIRKAN_TRUSTED_PROXY_HOPS", default=0)

# --- Tax withholding (docs/payments.md, "Reconciliation and tax") -------------------------
# Who withholds the income tax on JHT payments (PP 68/2009) and prints it on each bukti
# potong: BPJS Ketenagakerjaan and its tax number (NPWP), set per deployment.
CAIRKAN_WITHHOLDER: dict[str, str] = {
    "name": env.str("CAIRKAN_WITHHOLDER_NAME", default="BPJS Ketenagakerjaan"),
    "npwp": env.str("CAIRKAN_WITHHOLDER_NPWP", default=""),
}
# Daily reconciliation lists a payout whose outcome is still open (sending, unknown,
# accepted) this long after it entered that state; polling settles one in minutes.
CAIRKAN_RECONCILE_OPEN_OUTCOME_AFTER_S: float = env.float(
    "CAIRKAN_RECONCILE_OPEN_OUTCOME_AFTER_S", default=2 * 3600
)

# --- Internationalisation ------------------------------------------------------------------
# Members read Bahasa Indonesia first; English is the second language.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Makassar"  # WITA: Kalimantan Selatan

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "/static/"
# Production serves files collected by `collectstatic`; elsewhere WhiteNoise finds them
# in the apps directly, so nothing has to be collected before `make run`.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))) if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
        # Public files, so not FILE_UPLOAD_PERMISSIONS' owner-only modes.
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Security ------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
# Phones are shared in families: a session ends after 30 idle minutes or when the
# browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# A form from a page older than the login is explained in the member's language.
CSRF_FAILURE_VIEW = "cairkan.web.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Only Cairkan's own scripts, styles and connections, in every environment, so that a
# page needing more fails in development first. No template has inline script or style;
# images may be data:/blob: (the face page's captures, Swagger UI's icons).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The face check needs the camera, for this site only; nothing needs the rest.
PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()"
)
# A load balancer's readiness probe asks over plain HTTP; a redirect is not an answer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Uploaded documents are personal data: readable by the service's user only
# (docs/retention.md; ``prune`` also resets older files to these modes).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Logging: structured, one event per line -------------------------------------------
LOG_LEVEL: str = env.str("LOG_LEVEL", default="INFO")
_renderer: Any = (
    structlog.processors.JSONRenderer()
    if PRODUCTION or env.bool("LOG_JSON", default=False)
    else structlog.dev.ConsoleRenderer(colors=False)
)
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": _renderer,
            "foreign_pre_chain": [
                structlog.contextvars.merge_contextvars,
                structlog.processors.TimeStamper(fmt="iso"),
                structlog.stdlib.add_logger_name,
                structlog.stdlib.add_log_level,
            ],
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "numexpr": {"level": "WARNING"},  # OpenFisca's numexpr announces its thread count
        # The bank client's every request; its own outcome events say what matters.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "django_structlog": {"level": LOG_LEVEL},
    },
}
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        structlog.processors.TimeStamper(fmt="iso"),
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)
