"""Settings shared by every environment, all read from the environment.

Every name that can be set is listed, with a comment, in `.env.example`. The leaf
modules (`local`, `production`, `test`) only change defaults and hardening.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A `.env` file in the project folder is read when present; real environment
# variables always win over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications --------------------------------------------------------------

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
]
THIRD_PARTY_APPS = [
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "accounts",
    "tickets",
    "attachments",
    "notifications",
    "inbound",
    "sla",
    "reports",
    "knowledge",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servicedesk.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep WhiteNoise's caching headers.
    "servicedesk.middleware.PrivateByDefaultMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Benchmark only (bench/run.sh): an X-Query-Count header on every response.
if env.bool("BENCH_COUNT_QUERIES", default=False):
    MIDDLEWARE.insert(0, "servicedesk.query_count.QueryCountMiddleware")

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"

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
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

# Forms render through the project's template engine (cached loader, the
# project's own field layout): servicedesk/forms.py.
FORM_RENDERER = "servicedesk.forms.FormRenderer"

# --- Data ----------------------------------------------------------------------

# No DATABASE_URL (or an empty one): a SQLite file for local trials.
# production.py refuses to start without it.
_database_url = env("DATABASE_URL", default="")
DATABASES = {
    "default": env.db_url_config(
        _database_url or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound on the server, and each statement a connection has run
    # DATABASE_PREPARE_THRESHOLD times prepared: the hot queries then skip
    # parsing and planning. 0: never prepare (behind a transaction-pooling
    # PgBouncer older than 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=env.int("DATABASE_PREPARE_THRESHOLD", default=5) or None,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# State every web process must share (sessions, sign-in throttling, caches)
# lives in the database cache table, or in Redis when REDIS_URL is set; never in
# process memory, so any number of web processes give the same answers.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "servicedesk_cache",
        }
    }
# Page fragments go to the shared cache, or nowhere with TICKET_CACHE=false
# (tickets/cache.py picks the alias per request).
CACHES["dummy"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

# --- Accounts and authentication -----------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# Django's ModelBackend counting failed sign-ins (accounts/backends.py), so every
# sign-in path (the site's form, the admin's, the API) shares one lock; the
# manager's get_by_natural_key matches the e-mail by its lookup key, whatever
# its case. Sessions are Django's cached_db store: every signed-in request reads
# its session from the shared cache (Redis when REDIS_URL is set), and the
# database keeps it across cache restarts and evictions. Both are Django's own
# code, so upgrades and database routing apply.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Set-password links for accounts created by the directory sync live this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
# Password-link requests per e-mail address and per client address in a window.
PASSWORD_RESET_LIMIT = env.int("PASSWORD_RESET_LIMIT", default=3)
PASSWORD_RESET_ADDRESS_LIMIT = env.int("PASSWORD_RESET_ADDRESS_LIMIT", default=20)
PASSWORD_RESET_WINDOW = env.int("PASSWORD_RESET_WINDOW", default=3600)

# Failed sign-ins: per account and per client address, in a shared cache.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=15 * 60)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
# Addresses or networks (CIDR) of the reverse proxies in front of the app. Only
# a request from one of them has its X-Forwarded-For read (accounts.throttling.
# client_address); empty, the default: the peer's address is the client's.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
try:
    for _proxy in TRUSTED_PROXIES:
        ipaddress.ip_network(_proxy, strict=False)
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error
if "NUM_PROXIES" in env:  # the old setting, which trusted whatever was in front
    raise ImproperlyConfigured(
        "NUM_PROXIES is no longer read: remove it and list the proxies' addresses "
        "in TRUSTED_PROXIES (empty when nothing is in front of the app)."
    )

# --- Internationalisation ------------------------------------------------------

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Seoul")
USE_I18N = True
USE_TZ = True
# The service levels' calendar (working hours, holidays) is the school's.
SLA_TIME_ZONE = env("SLA_TIME_ZONE", default="Asia/Seoul")
# One date-time style per language everywhere (pages, notifications, e-mails).
FORMAT_MODULE_PATH = ["servicedesk.formats"]

# --- Static files and uploads --------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

STORAGE_BACKEND = env("STORAGE_BACKEND", default="local")
LOCAL_UPLOAD_ROOT = Path(env("LOCAL_UPLOAD_ROOT", default=str(BASE_DIR / "uploads")))
OBJECT_STORAGE_ENDPOINT = env("OBJECT_STORAGE_ENDPOINT", default="")
OBJECT_STORAGE_PUBLIC_ENDPOINT = env(
    "OBJECT_STORAGE_PUBLIC_ENDPOINT", default=OBJECT_STORAGE_ENDPOINT
)
OBJECT_STORAGE_BUCKET = env("OBJECT_STORAGE_BUCKET", default="servicedesk")
OBJECT_STORAGE_REGION = env("OBJECT_STORAGE_REGION", default="us-east-1")
OBJECT_STORAGE_ACCESS_KEY = env("OBJECT_STORAGE_ACCESS_KEY", default="")
OBJECT_STORAGE_SECRET_KEY = env("OBJECT_STORAGE_SECRET_KEY", default="")
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
ATTACHMENT_TYPES = env.list(
    "ATTACHMENT_TYPES",
    default=[
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "text/csv",
        "application/zip",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/x-hwp",
        "application/haansofthwp",
        "application/vnd.hancom.hwp",
        "application/vnd.hancom.hwpx",
    ],
)

# --- Attachments ---------------------------------------------------------------

# docs/attachments.md explains each of these. Addressing style "path" suits
# MinIO, SeaweedFS and NCP; "virtual" or "auto" suit AWS S3.
OBJECT_STORAGE_ADDRESSING_STYLE = env("OBJECT_STORAGE_ADDRESSING_STYLE", default="path")
# Seconds before a storage call gives up; the API then answers 503.
OBJECT_STORAGE_TIMEOUT = env.int("OBJECT_STORAGE_TIMEOUT", default=5)
# Lifetimes (seconds) of the signed upload and download URLs.
ATTACHMENT_UPLOAD_EXPIRES = env.int("ATTACHMENT_UPLOAD_EXPIRES", default=600)
ATTACHMENT_DOWNLOAD_EXPIRES = env.int("ATTACHMENT_DOWNLOAD_EXPIRES", default=300)
# `manage.py cleanup_uploads` removes objects handed out this long ago (seconds)
# and never registered.
ATTACHMENT_UNREGISTERED_MAX_AGE = env.int(
    "ATTACHMENT_UNREGISTERED_MAX_AGE", default=24 * 3600
)

# --- E-mail --------------------------------------------------------------------

SMTP_HOST = env("SMTP_HOST", default="")
# With no SMTP_HOST, mail goes to the console: the embedded default for trials.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if SMTP_HOST
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
EMAIL_HOST = SMTP_HOST or "localhost"
EMAIL_PORT = env.int("SMTP_PORT", default=25)
EMAIL_HOST_USER = env("SMTP_USER", default="")
EMAIL_HOST_PASSWORD = env("SMTP_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("SMTP_STARTTLS", default=False)
EMAIL_TIMEOUT = env.int("SMTP_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("SMTP_FROM", default="IT Service Desk <servicedesk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
APP_BASE_URL = env("APP_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Notifications -------------------------------------------------------------

# A ticket change queues its notifications in the database, in its own
# transaction; `manage.py notifications_worker` writes each recipient's in-app
# notification and e-mail and sends the mail (see docs/notifications.md).
# "queued": the change writes one row per event and the worker (or, with
# NOTIFICATIONS_SEND_INLINE, the web process after commit) fans it out;
# "inline": the change writes every recipient's rows itself.
NOTIFICATIONS_FANOUT = env.str("NOTIFICATIONS_FANOUT", default="queued")
if NOTIFICATIONS_FANOUT not in {"queued", "inline"}:
    raise ImproperlyConfigured('NOTIFICATIONS_FANOUT must be "queued" or "inline".')
NOTIFICATIONS_WORKER_INTERVAL = env.float("NOTIFICATIONS_WORKER_INTERVAL", default=1.0)
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=20)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=10)
NOTIFICATIONS_BACKOFF_BASE_SECONDS = env.int(
    "NOTIFICATIONS_BACKOFF_BASE_SECONDS", default=60
)
NOTIFICATIONS_BACKOFF_MAX_SECONDS = env.int(
    "NOTIFICATIONS_BACKOFF_MAX_SECONDS", default=3600
)
# A row left in 'sending' this long (its worker died) is taken again. Keep it
# above NOTIFICATIONS_BATCH_SIZE x SMTP_TIMEOUT.
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", default=600)
# Quoted comment / description text in a mail is cut after this many characters.
NOTIFICATIONS_MAX_BODY_CHARS = env.int("NOTIFICATIONS_MAX_BODY_CHARS", default=20000)
# Also try to send right after the commit, in the web process. On by default only
# without SMTP_HOST (console mail, no worker needed); production runs the worker.
NOTIFICATIONS_SEND_INLINE = env.bool("NOTIFICATIONS_SEND_INLINE", default=not SMTP_HOST)
# How many linked tickets resolving an outage notice answers in the request
# itself; the notifications worker answers the rest (docs/incidents.md). "all"
# (the default without a worker, i.e. with NOTIFICATIONS_SEND_INLINE) or a number.
_INCIDENTS_ANSWER = env.str(
    "INCIDENTS_ANSWER_IN_REQUEST",
    default="all" if NOTIFICATIONS_SEND_INLINE else "20",
)
INCIDENTS_ANSWER_IN_REQUEST = (
    None if _INCIDENTS_ANSWER == "all" else int(_INCIDENTS_ANSWER)
)

# --- Inbound e-mail ------------------------------------------------------------

# `manage.py fetch_mail` polls one IMAP mailbox and turns mail into tickets and
# replies (docs/inbound-email.md). No INBOUND_IMAP_HOST: inbound mail is off.
INBOUND_IMAP_HOST = env("INBOUND_IMAP_HOST", default="")
INBOUND_IMAP_SECURITY = env("INBOUND_IMAP_SECURITY", default="ssl")
if INBOUND_IMAP_SECURITY not in {"ssl", "starttls", "none"}:
    raise ImproperlyConfigured(
        'INBOUND_IMAP_SECURITY must be "ssl", "starttls" or "none".'
    )
INBOUND_IMAP_PORT = env.int(
    "INBOUND_IMAP_PORT", default=993 if INBOUND_IMAP_SECURITY == "ssl" else 143
)
INBOUND_IMAP_USER = env("INBOUND_IMAP_USER", default="")
INBOUND_IMAP_PASSWORD = env("INBOUND_IMAP_PASSWORD", default="")
INBOUND_IMAP_FOLDER = env("INBOUND_IMAP_FOLDER", default="INBOX")
# Where handled mail is moved (flagged \Seen), and mail that could not be read.
INBOUND_IMAP_DONE_FOLDER = env("INBOUND_IMAP_DONE_FOLDER", default="Processed")
INBOUND_IMAP_ERROR_FOLDER = env("INBOUND_IMAP_ERROR_FOLDER", default="Errors")
INBOUND_IMAP_TIMEOUT = env.int("INBOUND_IMAP_TIMEOUT", default=30)
INBOUND_POLL_INTERVAL = env.float("INBOUND_POLL_INTERVAL", default=60.0)
# The desk's address. Notification mails carry Reply-To: <local>+<token>@<domain>
# of it (the server must deliver plus-addresses to the same mailbox).
INBOUND_REPLY_ADDRESS = env("INBOUND_REPLY_ADDRESS", default="")
# Other addresses delivered to the mailbox, each with the category its tickets
# get, e.g. wifi@school.ac.kr=network,print@school.ac.kr=printing.
INBOUND_CATEGORY_ALIASES = env.dict("INBOUND_CATEGORY_ALIASES", default={})
INBOUND_DEFAULT_CATEGORY = env("INBOUND_DEFAULT_CATEGORY", default="other")
# Mail from an address with no account: "reject" (recorded, nothing created) or
# "create" (a requester account, only for INBOUND_ALLOWED_DOMAINS).
INBOUND_UNKNOWN_SENDERS = env("INBOUND_UNKNOWN_SENDERS", default="reject")
if INBOUND_UNKNOWN_SENDERS not in {"reject", "create"}:
    raise ImproperlyConfigured('INBOUND_UNKNOWN_SENDERS must be "reject" or "create".')
INBOUND_ALLOWED_DOMAINS = env.list("INBOUND_ALLOWED_DOMAINS", default=[])
# At most this many mails per sender in the window (seconds); more are recorded
# and dropped, so a mail loop cannot flood the queue.
INBOUND_RATE_LIMIT = env.int("INBOUND_RATE_LIMIT", default=20)
INBOUND_RATE_WINDOW = env.int("INBOUND_RATE_WINDOW", default=3600)

# --- Tickets -------------------------------------------------------------------

AUTO_CLOSE_DAYS = env.int("AUTO_CLOSE_DAYS", default=7)
# How long the one-click satisfaction links of the "resolved" e-mail work.
SATISFACTION_LINK_MAX_AGE_DAYS = env.int("SATISFACTION_LINK_MAX_AGE_DAYS", default=14)
# Cache ticket lists and page fragments in the shared cache under versions that
# every change they show moves (tickets/cache.py), so they are never stale;
# false turns every such cache off.
TICKET_CACHE = env.bool("TICKET_CACHE", default=True)

# --- Reports ---------------------------------------------------------------------

# When the school's terms start, as MM-DD (the reports' "this term"); by default
# the Korean semesters: 1 March to 31 August and 1 September to end of February.
REPORT_TERM_STARTS = [
    (int(month), int(day))
    for month, day in (
        start.split("-")
        for start in env.list("REPORT_TERM_STARTS", default=["03-01", "09-01"])
    )
]

# --- Directory sync ------------------------------------------------------------

# `manage.py sync_users` reads people from the school's MIS (PostgreSQL) and
# upserts them as users; docs/directory-sync.md explains every name below.
MIS_DATABASE_URL = env("MIS_DATABASE_URL", default="")
# Either a table (optionally schema.table) or a whole query; the query wins.
MIS_USERS_TABLE = env("MIS_USERS_TABLE", default="people")
MIS_USERS_QUERY = env("MIS_USERS_QUERY", default="")
# Source column for each user field; an empty name means "not in the source"
# (only the e-mail column is required).
MIS_COLUMN_EMAIL = env("MIS_COLUMN_EMAIL", default="email")
MIS_COLUMN_EXTERNAL_ID = env("MIS_COLUMN_EXTERNAL_ID", default="external_id")
MIS_COLUMN_NAME = env("MIS_COLUMN_NAME", default="name")
MIS_COLUMN_DEPARTMENT = env("MIS_COLUMN_DEPARTMENT", default="department")
MIS_COLUMN_PERSON_TYPE = env("MIS_COLUMN_PERSON_TYPE", default="person_type")
MIS_COLUMN_ACTIVE = env("MIS_COLUMN_ACTIVE", default="active")
# Text values of the active column that mean "still here" (booleans just work).
MIS_ACTIVE_VALUES = env.list(
    "MIS_ACTIVE_VALUES", default=["true", "t", "1", "y", "yes", "active"]
)
# Person types (case-insensitive) that become requesters or agents; any other
# type is skipped and reported.
MIS_REQUESTER_TYPES = env.list(
    "MIS_REQUESTER_TYPES", default=["student", "staff", "faculty"]
)
MIS_AGENT_TYPES = env.list("MIS_AGENT_TYPES", default=[])
# The IT team, named one by one: they become agents whatever their type.
MIS_AGENT_EMAILS = env.list("MIS_AGENT_EMAILS", default=[])
MIS_AGENT_EXTERNAL_IDS = env.list("MIS_AGENT_EXTERNAL_IDS", default=[])
MIS_SYNC_BATCH_SIZE = env.int("MIS_SYNC_BATCH_SIZE", default=500)
MIS_CONNECT_TIMEOUT = env.int("MIS_CONNECT_TIMEOUT", default=10)

# --- API -----------------------------------------------------------------------

REST_FRAMEWORK = {
    # JWT first: a request with no credentials then gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # simplejwt's, refusing tokens issued before a password, role or
        # active-flag change (accounts/api/tokens.py).
        "accounts.api.authentication.AccessStampJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["servicedesk.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "servicedesk.api.exception_handler",
    # DRF's own throttles (none are used) would read X-Forwarded-For by a rule of
    # their own; 0 keeps them on REMOTE_ADDR. The client's address is
    # accounts.throttling.client_address.
    "NUM_PROXIES": 0,
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_EXPIRES_MIN", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": env("JWT_SECRET", default="") or SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "IT Service Desk API",
    "DESCRIPTION": "Tickets, comments, history, attachments and notifications.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Named where two apps' fields share a name (knowledge base, issue 21).
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "accounts.models.Language.choices",
        "ArticleStatusEnum": "knowledge.models.ArticleStatus.choices",
        # Tickets and outage notices both have a "status".
        "TicketStatusEnum": "tickets.models.Status.choices",
        "IncidentStatusEnum": "tickets.models.IncidentStatus.choices",
        # Links, notifications and history entries all have a "kind".
        "TicketLinkKindEnum": "tickets.models.LinkKind.choices",
        # A canned reply's language may also be "any" (issue 20).
        "CannedReplyLanguageEnum": "tickets.models.CannedReplyLanguage.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "servicedesk.schema.document_error_responses",
    ],
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# --- Security flags (on in production, off by default for local trials) --------

SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
# A refused form says so in the site's layout and language.
CSRF_FAILURE_VIEW = "servicedesk.views.csrf_failure"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy on every response (django-csp). No inline script or
# style anywhere, Swagger UI and the admin included. The object storage's public
# origin joins connect-src when STORAGE_BACKEND=object (browsers upload there):
# servicedesk/middleware.py adds it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Error reports hide secrets, also passwords inside URLs (servicedesk/errors.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "servicedesk.errors.SecretsFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
