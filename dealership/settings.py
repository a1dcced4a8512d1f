"""Settings for the dealership after-sales system.

Everything comes from the environment (see README "Environment variables"),
with defaults that run on a laptop with nothing else installed: SQLite and
kombu's filesystem transport. Bad values fail loudly at start-up
(django-environ raises ImproperlyConfigured).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("DEALERSHIP_VAR_DIR", default=str(BASE_DIR / "var")))

VAR_DIR.mkdir(parents=True, exist_ok=True)
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# DJANGO_PRODUCTION=1 behind HTTPS: secure cookies, HTTPS redirect and HSTS by default, and a real secret key and
# the public address (PUBLIC_BASE_URL) required (`manage.py check --deploy` passes with no warnings; docs/security.md).
PRODUCTION = env.bool("DJANGO_PRODUCTION", default=False)
if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789abcdef")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "dealership",
    "supply",  # below the stages: parts supply serves stage 1's shelf and stage 3's requisitions (issue 19)
    "appointments",
    "reception",
    "workshop",
    "inspection",
    "settlement",
    "followup",
    "mycar",  # above the stages: the customer's own pages (issue 20); nothing imports it
    "demo",
    "axes",  # login throttling (docs/security.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dealership.middleware.SecurityHeadersMiddleware",
    "dealership.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dealership.middleware.StoreLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dealership.middleware.LoadedUserMiddleware",  # request.user itself, not a lazy wrapper (issue 22)
    "dealership.replicas.ReadYourWritesMiddleware",  # a writer's next pages wait for the replica (issue 23)
    "dealership.middleware.RefusedAttemptsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dealership.middleware.StaffLoginRequiredMiddleware",
    "dealership.middleware.ForcePasswordChangeMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

# make bench serves its baseline page from a URL conf of its own (demo/bench_urls.py), never mounted otherwise
ROOT_URLCONF = "demo.bench_urls" if env.bool("DJANGO_BENCH", default=False) else "dealership.urls"
WSGI_APPLICATION = "dealership.wsgi.application"

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
                "django.template.context_processors.i18n",
                "dealership.context_processors.staff_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two bookings of the last
    # place serialise instead of both reading "free"; WAL lets the web app
    # and the Celery worker read while the other writes.
    _db.setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    _db["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}
else:
    # Keep connections open: a page measured ~10x slower without it here.
    _db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    _db["CONN_HEALTH_CHECKS"] = True
    # Join in the order the ORM writes (from the filtered table out along foreign keys) instead of
    # searching every order: planning a page's five-table select_related took 2-3 ms of a 20 ms
    # request at a million orders, three to four times the planning with the written order, for
    # the same plans (measured per page, docs/decisions.md "Performance").
    # Behind PgBouncer in transaction mode (DATABASE_POOLED=1, issue 23) a startup parameter would stay with the
    # first server connection, not follow the client: the pooler sets it on every server connection instead
    # (connect_query, scripts/pgbouncer.sh), and it refuses a client's "options".
    if not env.bool("DATABASE_POOLED", default=False):
        _db.setdefault("OPTIONS", {}).setdefault("options", "-c join_collapse_limit=1")
    # A form's model choices are read with QuerySet.iterator(), which on PostgreSQL opens a server-side
    # cursor: DECLARE, FETCH and CLOSE, three round trips per select on the booking screen for twenty
    # options. Nothing here streams more rows than fit in memory.
    _db["DISABLE_SERVER_SIDE_CURSORS"] = True

# Streaming replicas for the pages that only read (issue 23, dealership/replicas.py): one URL or several,
# comma-separated, as aliases replica1, replica2, ... Connected like the primary; in the tests each mirrors
# the test database (a real replica has it as soon as the primary creates it).
for _n, _url in enumerate([u for u in env.list("DATABASE_REPLICA_URL", default=[]) if u.strip()], start=1):
    _replica = env.db_url_config(_url.strip())
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS"):
        if _key in _db:
            _replica[_key] = _db[_key]
    if "options" in _db.get("OPTIONS", {}):
        _replica.setdefault("OPTIONS", {}).setdefault("options", _db["OPTIONS"]["options"])
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_n}"] = _replica
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["dealership.replicas.ReplicaRouter"]
# A replica further behind than this serves nothing: its readers go to the primary.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "dealership.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before the password is checked
    "dealership.backends.StaffBackend",  # the user with their store, one query
]
# Five wrong passwords for one name from one address lock that pair out for 15 minutes; a success
# resets the count. By name and address together, so one person's typos on the shared front-desk PC
# do not lock out their colleagues (django-axes).
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "dealership.views.locked_out"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Front-desk machines are shared: sessions end when the browser closes and
# after a working day at most.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Language and time -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Widgets render through Django's widget templates, the commonest ones written out in Python: the same HTML
# several times faster than the template language, which matters on form-heavy pages (issue 9).
FORM_RENDERER = "dealership.formrenderer.WidgetRenderer"

# --- Celery ----------------------------------------------------------------
# The filesystem transport ignores the host, but a URL without one ("filesystem://") made kombu log "No hostname was
# supplied. Reverting to default 'localhost'" whenever it opened a connection: at every booking's wake-up (issue 16).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem:"):
    CELERY_BROKER_URL = "filesystem://localhost/"  # the folders below say where the messages go
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _d in (_queue_dir, _processed_dir, _control_dir):
        _d.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# the queue tasks go to unless they say otherwise (a worker test gives its worker a queue of its own)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Issue 23: each kind of background work has a queue of its own, named after the default queue ("celery.messages",
# …), so each can be given its own workers (`celery -A dealership worker -Q celery.messages`) and a flood of one kind
# (an import, a month's recount) never holds up another (a customer's message). A worker started without -Q takes
# every queue below. What each task is: docs/scaling.md, "Queues".
WORK_QUEUES = {
    "messages": ("dealership.tasks.deliver_message", "dealership.tasks.deliver_due_messages",
                 "appointments.tasks.send_offer"),
    "sweeps": ("appointments.tasks.sweep_confirmations", "appointments.tasks.sweep_no_shows",
               "appointments.tasks.sweep_offers", "followup.tasks.sweep_followup_tasks",
               "followup.tasks.sweep_complaints", "followup.tasks.sweep_reminders", "followup.tasks.compliance_count",
               "followup.tasks.compliance_count_month", "dealership.tasks.apply_price_changes"),
    "printing": ("followup.tasks.monthly_reports",),
    "imports": ("dealership.imports.check", "dealership.imports.write"),
}
# each queue with an exchange and key of its own name: declared by name alone, every queue took the default
# queue's exchange and key, and a task sent to one kind's queue would have been copied into all of them
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in (
    CELERY_TASK_DEFAULT_QUEUE, *(f"{CELERY_TASK_DEFAULT_QUEUE}.{kind}" for kind in WORK_QUEUES))]
CELERY_TASK_ROUTES = {task: {"queue": f"{CELERY_TASK_DEFAULT_QUEUE}.{kind}"}
                      for kind, tasks in WORK_QUEUES.items() for task in tasks}
# The beat's sweeps are split into pieces of this many stores, each a task of its own on the sweeps queue, so the
# workers on it share a group's sweep; each store's share of a round is claimed once (dealership/sweeps.py).
SWEEP_STORES_PER_TASK = env.int("SWEEP_STORES_PER_TASK", default=20)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The beat schedule lives in dealership/celery.py, in code.

# --- Caches -------------------------------------------------------------------
# "default": this process's memory (the dashboard's figures). "prints": the rendered PDFs of the work order,
# statement, guarantee card and gate pass, keyed by a hash of what they show (issue 22), in files every
# worker of this machine shares; PRINT_CACHE_DIR moves them, PRINT_CACHE_DAYS is how long a version is kept.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "prints": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
               "LOCATION": env.str("PRINT_CACHE_DIR", default=str(VAR_DIR / "print-cache")),
               "TIMEOUT": env.int("PRINT_CACHE_DAYS", default=7) * 86400,
               "OPTIONS": {"MAX_ENTRIES": 5000}},
}

# --- Notifications to customers ---------------------------------------------
# The manager's dashboard keeps its figures this long (seconds); "refresh" on the page recomputes them.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=120)
NOTIFICATION_BACKEND = env.str(
    "NOTIFICATION_BACKEND", default="dealership.notify.FileBackend"
)
NOTIFICATION_FILE_DIR = env.str("NOTIFICATION_FILE_DIR", default=str(VAR_DIR / "outbox"))
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
# seconds a send waits for the gateway; a slow one is a failed attempt, retried later (docs/messages.md)
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=5.0)
# what sends texts to a number (one-time codes) when customers' messages go another way (e-mail, WeChat)
SMS_BACKEND = env.str("SMS_BACKEND", default="dealership.notify.SmsGatewayBackend")
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="aftersales@localhost")
# Public links sent to customers (booking answers, documents, surveys, the gate pass QR code) start with this,
# written by the web app and the Celery worker alike. In production there is no sensible default: a worker without
# it would send customers links to 127.0.0.1 (`check --deploy` also wants https, dealership/checks.py).
if PRODUCTION:
    PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL")
else:
    PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# --- Printing ----------------------------------------------------------------
PDF_FONT_FAMILY = env.str(
    "PDF_FONT_FAMILY", default='"Noto Sans SC Subset", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif'
)

# --- Follow-up ---------------------------------------------------------------
FOLLOWUP_SWEEP_SECONDS = env.int("FOLLOWUP_SWEEP_SECONDS", default=60)
# The car's status page (mycar/) asks for its news this often (issue 20)
MYCAR_POLL_SECONDS = env.int("MYCAR_POLL_SECONDS", default=15)

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "axes": {"level": "WARNING"},  # lockouts, not every login
    },
}

# --- Production hardening (active when DEBUG is off and HTTPS is on) --------
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", default=False) else None
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# dealership.middleware.SecurityHeadersMiddleware (docs/security.md)
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
                           "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
