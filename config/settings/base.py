"""Settings shared by every environment. Values that differ per deployment come from the environment.

- `DATABASE_URL`: PostgreSQL in production (`postgres://user:pass@host/db`); SQLite under `var/` when unset.
- `CELERY_BROKER_URL`: `redis://…` when a Redis is available; Celery's filesystem transport under
  `var/celery/` otherwise (`make run` decides and logs which one it chose: config/runenv.py).
- `REDIS_URL`: the Redis used by `make run`'s probe and, later, by locks and caching.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MAILLAGE_VAR_DIR", BASE_DIR / "var"))


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "api",
    "network",
    "events",
    "orientation",
    "calendars",
    "federation",
    "opendata",
    "accounts",
    "pro",
    "digest",
    "programmes",
    "outbox",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "accounts.proconnect",
    "allauth.mfa",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication, messages and allauth: coordinators and administrators set up TOTP first.
    "accounts.middleware.MfaRequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'maillage.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share the file: wait for locks instead of failing at once. Write-ahead logging lets
    # pages be read while the worker writes a sync, and commits without a disk flush each (a crash of the
    # process loses nothing; a power cut may lose the last commits — production runs on PostgreSQL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Files of places uploaded in the admin, read by the import task (opendata.models.ImportRun): never served.
# The web and worker processes must see the same folder (or give this alias a shared storage backend).
MAILLAGE_IMPORTS_DIR = Path(os.environ.get("MAILLAGE_IMPORTS_DIR", VAR_DIR / "imports"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MAILLAGE_IMPORTS_DIR), "base_url": None},
    },
}

# E-mail: console in development unless EMAIL_HOST is given; SMTP in production.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Maillage <ne-pas-repondre@maillage.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Wagtail
WAGTAIL_SITE_NAME = "Maillage"
WAGTAILADMIN_BASE_URL = os.environ.get("MAILLAGE_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
WAGTAIL_USER_EDIT_FORM = None
# Whoever the admin refuses: the login page, or « Accès réservé » when signed in (accounts/views.py).
WAGTAILADMIN_LOGIN_URL = "accounts:admin_access"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# The dashboard is Maillage's own (home/dashboard.py): no English banners or upgrade notices on it.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 8 * 1024 * 1024
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # Used on PostgreSQL (stemming "médiathèques" → "médiathèque"); ignored by SQLite's FTS5.
        "SEARCH_CONFIG": "french",
    }
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# django-allauth: log in by e-mail address.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
# Pages restricted to logged-in people (a cycle kept for coordinators…) use the site's own login page.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Nobody signs in before opening the link e-mailed to them (an invitation link counts as that proof).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Maillage] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# Tell people by e-mail when their password, address or second factor changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# allauth's own defaults, written out so that they are visible and reviewed; "key" is the e-mail address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}

# Two-factor authentication (allauth.mfa): an authenticator app, with recovery codes for a lost phone.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Maillage"
# Coordinators and administrators must activate it before anything else (accounts/middleware.py). Only a
# test suite that is not about MFA may switch this off; production keeps it on.
MAILLAGE_MFA_REQUIRED = True
# Paths that stay open to them meanwhile, besides static and media files and the MFA setup pages.
MAILLAGE_MFA_EXEMPT_PATHS = ["/i18n/", "/sante/"]

# « Mon compte »: blocks that other apps add to the page (kept only when the template exists), and the
# functions `user_data(user) -> dict` whose results go into the personal data download (skipped while the
# module does not exist).
MAILLAGE_ACCOUNT_SECTIONS = ["pro/includes/account_block.html", "digest/includes/account_block.html"]
MAILLAGE_ACCOUNT_EXPORTERS = ["network.export.user_data", "digest.export.user_data"]

# ProConnect, the State's single sign-on for public agents (accounts/proconnect, an allauth provider). Off
# unless the three variables are set: then no button on the login page, and its URLs answer 404.
# The server URL is ProConnect's issuer: https://auth.agentconnect.gouv.fr/api/v2 in production,
# https://fca.integ01.dev-agentconnect.fr/api/v2 for integration (auth.agentconnect.rie.gouv.fr and
# fca.integ02.agentconnect.rie.gouv.fr from inside the RIE).
MAILLAGE_PROCONNECT_CLIENT_ID = os.environ.get("MAILLAGE_PROCONNECT_CLIENT_ID", "")
MAILLAGE_PROCONNECT_CLIENT_SECRET = os.environ.get("MAILLAGE_PROCONNECT_CLIENT_SECRET", "")
MAILLAGE_PROCONNECT_SERVER_URL = os.environ.get("MAILLAGE_PROCONNECT_SERVER_URL", "").rstrip("/")
MAILLAGE_PROCONNECT_ENABLED = all(
    (MAILLAGE_PROCONNECT_CLIENT_ID, MAILLAGE_PROCONNECT_CLIENT_SECRET, MAILLAGE_PROCONNECT_SERVER_URL)
)
# The algorithm chosen when registering the service with ProConnect: ID token and userinfo must be signed
# with it (RS256 or ES256; both accepted while unset).
MAILLAGE_PROCONNECT_SIGNING_ALGORITHMS = env_list("MAILLAGE_PROCONNECT_SIGNING_ALGORITHMS", "RS256,ES256")
SOCIALACCOUNT_ADAPTER = "accounts.proconnect.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "proconnect": {
        # ProConnect sends no `email_verified`: its addresses come from the agent's identity provider (an
        # administration's directory, or ProConnect Identité which checks them), so they count as verified.
        "VERIFIED_EMAIL": True,
        "APPS": [
            {
                "name": "ProConnect",
                "client_id": MAILLAGE_PROCONNECT_CLIENT_ID,
                "secret": MAILLAGE_PROCONNECT_CLIENT_SECRET,
                "settings": {
                    "server_url": MAILLAGE_PROCONNECT_SERVER_URL,
                    "signing_algorithms": MAILLAGE_PROCONNECT_SIGNING_ALGORITHMS,
                },
            }
        ]
        if MAILLAGE_PROCONNECT_ENABLED
        else [],
    }
}
# An agent whose ProConnect address is already an account's logs into that account, which ProConnect stays
# linked to. Trade-off: this trusts ProConnect's identity providers with the proof that the agent owns the
# address, as the e-mailed link does for a password account; whoever controls that directory entry enters
# the Maillage account. In return agents need no second account and no linking step, and a change of identity
# provider (ProConnect's `sub` differs per identity provider) still lands in the same account. A second
# factor, when the account has one, is still asked for. An account whose address was never verified has its
# password wiped by allauth on that first ProConnect login (someone else may have registered the address
# before its owner), and still waits for the e-mailed confirmation before anyone logs into it.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# The button posts a form: a GET on the login URL (a link, a prefetch) never starts a login by itself.
SOCIALACCOUNT_LOGIN_ON_GET = False
# ProConnect's access token lives 60 seconds and is used once, during the login: nothing worth storing.
SOCIALACCOUNT_STORE_TOKENS = False

# Maillage's own bounds and switches (map, addresses, agendas, digest, outbox, feeds, federation, open
# data): config/settings/maillage.py.
# (DIGEST and the stalled-imports interval are read by the beat schedule below.)
from .maillage import *  # noqa: E402, F403
from .maillage import DIGEST, MAILLAGE_OPENDATA_STALLED_CHECK_MINUTES  # noqa: E402

# Who Maillage says it is when it fetches a calendar (calendars/fetch.py).
MAILLAGE_FEED_USER_AGENT = f"Maillage/1.0 (synchronisation d'agendas; +{WAGTAILADMIN_BASE_URL})"

# Celery (see celery_app.py). The filesystem transport is the embedded broker when no Redis answers.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        # Fanout bindings (remote control); kombu's default is a "control" folder in the current directory.
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
    # kombu does not create these: whichever process starts first (web, worker, beat) must find them.
    for _folder in ("queue", "processed", "control"):
        (CELERY_FILESYSTEM_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Feed syncs (calendars/) on a queue of their own, consumed by a worker of their own (Procfile, docs): a slow
# calendar server then holds a feeds worker, never the e-mails, digests and reminders of the default queue.
MAILLAGE_FEEDS_QUEUE = os.environ.get("MAILLAGE_FEEDS_QUEUE", "feeds")
CELERY_TASK_ROUTES = (
    {
        f"calendars.tasks.{name}": {"queue": MAILLAGE_FEEDS_QUEUE}
        for name in ("dispatch_due_feeds", "sync_feed_task", "preview_feed_task")
    }
    | {
        f"federation.tasks.{name}": {"queue": MAILLAGE_FEEDS_QUEUE}
        for name in ("dispatch_peer_syncs", "sync_peer_task")
    }
    | {
        # A national import holds its worker for minutes: never one of the e-mails' and reminders'.
        "opendata.tasks.run_import_task": {"queue": MAILLAGE_FEEDS_QUEUE},
    }
)
# The per-feed sync lock (calendars/locks.py): its time-to-live in seconds, renewed every third of it while
# the sync runs; a killed worker's lock is gone within it, and its redelivered sync waits that long at most.
MAILLAGE_FEED_LOCK_TTL = int(os.environ.get("MAILLAGE_FEED_LOCK_TTL", "60"))
# Seconds over which each dispatch spreads the syncs it enqueues (a random countdown per feed).
MAILLAGE_FEED_DISPATCH_JITTER = int(os.environ.get("MAILLAGE_FEED_DISPATCH_JITTER", "60"))
# Static entries; django-celery-beat copies them into its tables each time beat starts (edit them here).
CELERY_BEAT_SCHEDULE = {
    "extend-occurrences-nightly": {
        "task": "events.tasks.extend_occurrences",
        "schedule": crontab(hour=3, minute=15),
    },
    # Feed sync (calendars/): enqueue the calendars whose turn has come; each feed has its own interval.
    "dispatch-due-feeds": {
        "task": "calendars.tasks.dispatch_due_feeds",
        "schedule": crontab(minute="*/5"),
    },
    # Federation (federation/): mirror every followed Maillage instance through its API.
    "sync-peers": {
        "task": "federation.tasks.dispatch_peer_syncs",
        "schedule": crontab(minute="*/15"),
    },
    # Weekly digest (digest/): plan the week's letters, then send them in chunks. CELERY_TIMEZONE is Paris.
    "send-weekly-digests": {
        "task": "digest.tasks.plan_weekly_digests",
        "schedule": crontab(hour=DIGEST["SEND_AT"][0], minute=DIGEST["SEND_AT"][1], day_of_week="mon"),
    },
    # Programmes (programmes/): the day's reminders each morning.
    "send-programme-reminders": {
        "task": "programmes.tasks.send_programme_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Freshness (network/freshness.py): one reminder to the editors of a page unchanged for N months.
    "send-freshness-reminders": {
        "task": "network.tasks.send_freshness_reminders",
        "schedule": crontab(hour=9, minute=10),
    },
    # Open data (opendata/): imports of places that can no longer end are marked failed, their author told.
    "fail-stalled-imports": {
        "task": "opendata.tasks.fail_stalled_imports",
        "schedule": crontab(minute=f"*/{MAILLAGE_OPENDATA_STALLED_CHECK_MINUTES}"),
    },
    # Outbox (outbox/): retries whose time has come, e-mails no task announced, rows stuck in "sending".
    "send-due-emails": {
        "task": "outbox.tasks.send_due_messages",
        "schedule": crontab(minute="*/5"),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "maillage": {"level": os.environ.get("MAILLAGE_LOG_LEVEL", "INFO")},
        "network": {"level": os.environ.get("MAILLAGE_LOG_LEVEL", "INFO")},
        "events": {"level": os.environ.get("MAILLAGE_LOG_LEVEL", "INFO")},
    },
}

# Shared state (cache) and bounded waits on the broker: see docs/administration.md « Cache partagé » and
# « Quand le broker ou le relais SMTP est en panne ».
# The cache holds what must be the same for every process: allauth's rate limits and the TOTP codes already
# used (a code is accepted once). Redis when REDIS_URL is set, else the database (`manage.py
# createcachetable`, run by `make run`). Sessions stay in the database, shared already: a Redis restart
# logs nobody out, and pages that need no cache keep working while Redis is down. Never a per-process cache
# outside tests: production refuses one (accounts/checks.py).
MAILLAGE_CACHE_TIMEOUT_SECONDS = 2  # connect and read, per Redis command: a lost Redis fails fast
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "maillage",
            "OPTIONS": {
                "socket_connect_timeout": MAILLAGE_CACHE_TIMEOUT_SECONDS,
                "socket_timeout": MAILLAGE_CACHE_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "maillage_cache",
        }
    }
# Only production sets it: a LocMem or Dummy cache there is a system check error (accounts.E001).
MAILLAGE_SHARED_CACHE_REQUIRED = False

# Publishing a task from a web request (an e-mail after a join request…) must never hang the page: a broker
# that is down or silent fails within a few seconds, the row stays in the outbox and the sweep sends it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
MAILLAGE_BROKER_REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 3}  # seconds
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **globals().get("CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        **MAILLAGE_BROKER_REDIS_TIMEOUTS,
    }

# Read-only JSON API /api/v1/ (api app, Django REST framework + drf-spectacular).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Behind a reverse proxy, how many addresses of X-Forwarded-For to trust when throttling per client;
    # unset: the connection's own address (REMOTE_ADDR).
    "NUM_PROXIES": int(os.environ["MAILLAGE_API_NUM_PROXIES"])
    if os.environ.get("MAILLAGE_API_NUM_PROXIES")
    else None,
}
# Requests per client address and period (s, m, h or d) for anonymous clients; empty: no limit.
MAILLAGE_API_THROTTLE_RATE = os.environ.get("MAILLAGE_API_THROTTLE_RATE", "1200/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "API Maillage",
    "DESCRIPTION": (
        "API en lecture seule des bassins de vie, structures, ateliers et séances publics de Maillage. "
        "Listes paginées (`page`, `page_size` jusqu'à 500), filtre `updated_since`, ETag et If-None-Match."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["api.schema.only_api_endpoints"],
    # drf-spectacular's own hook (enumerations as components) kept before ours.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.only_id_required",
    ],
    # The documentation page's scripts and styles come from the drf-spectacular-sidecar package, served by
    # this site: never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
