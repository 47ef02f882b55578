"""Settings for Thurrock Care, read from the environment.

Every variable is listed in README.md ("Configuration"). A bad value stops start-up with a
one-line message naming the variable (see thurrock_care/config.py).
"""

import base64
import hashlib
import re
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from thurrock_care.config import (
    ConfigError,
    celery_broker_url,
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_redis,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError("SECRET_KEY", "must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public address of the service, used in e-mails (invitation and reset links).
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram search of residents (pg_trgm)
    "django.forms",  # lets our form templates (templates/forms/) override Django's
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "thurrock_care",
    "thurrock_care.accounts",
    "thurrock_care.audit",
    "thurrock_care.submissions",
    "thurrock_care.notifications",
    "thurrock_care.reports",
    "localities",
    "introductions",
    "mdt",
    "wellbeing_teams",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so that static files keep their caching; before the rest, so that
    # their responses (redirects to sign in, say) are marked too.
    "thurrock_care.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "thurrock_care.accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "thurrock_care.urls"
WSGI_APPLICATION = "thurrock_care.wsgi.application"

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
                "thurrock_care.context_processors.navigation",
            ],
            "builtins": ["thurrock_care.templatetags.govuk"],
        },
    },
]
# Our form templates (templates/forms/) render every field the GOV.UK way.
FORM_RENDERER = "thurrock_care.forms.GovukFormRenderer"

DATABASES = {"default": env_database()}
# Resident search finds names by pg_trgm's index-backed similarity operators, which compare with
# these session settings (localities/search.py NAME_SIMILARITY, WHOLE_NAME_SIMILARITY; a test
# checks they agree). JIT compilation is off: every page's queries read a few index entries,
# and the need-to-know gate's many small subqueries make the planner's cost estimates large
# enough to trigger a JIT compilation that takes seconds for a query that runs in
# milliseconds (docs/performance.md). Random reads cost what they cost on SSDs, which the
# database is on (PostgreSQL's default of 4 assumes spinning disks, and then prefers reading
# three million visit-worker rows to looking up fifty thousand of them by index).
_options = DATABASES["default"].setdefault("OPTIONS", {})
_options["options"] = " ".join(
    [
        _options.get("options", ""),
        "-c pg_trgm.word_similarity_threshold=0.3",
        "-c pg_trgm.similarity_threshold=0.5",
        "-c jit=off",
        "-c random_page_cost=1.1",
    ]
).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_redis()
CACHES = {
    # Shared by every process: allauth keeps its rate limits and used TOTP codes here, so a
    # per-process cache would let a code be replayed on another worker.
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The client's address, for rate limits and the audit trail (thurrock_care.ratelimit.client_ip).
# Behind N proxies that each append to X-Forwarded-For, the client is the N-th entry from the
# right; 0 ignores the header. See docs/deploy.md ("TLS and the proxy").
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# allauth asks our adapter for the address; its own setting is kept in step regardless.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# The product's own rate limits (thurrock_care.ratelimit.consume), written like allauth's:
# "amount/period/per", comma-separated; period s, m, h or d, optionally with a number (5m);
# per "ip" (the client's address) or "key" (what the caller counts by: an e-mail, a user).
RATE_LIMITS = {
    "join_request": "10/h/ip,5/h/key",  # key: the contact e-mail address
    "break_glass": "10/h/key",  # key: the user's id
    "mdt_availability": "120/h/ip",  # the MDT availability link, used without an account
}
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)  # one working day

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail sign-in, no public sign-up, MFA (TOTP + recovery codes).
ACCOUNT_ADAPTER = "thurrock_care.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "thurrock_care.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's limits, on the address from thurrock_care.ratelimit.client_ip (see the adapter).
# Failed passwords and authenticator codes: 5 in 5 minutes per account stops guessing one
# account from any number of addresses; the per-address limit is generous because a council
# office signs in through one NAT address, yet it still slows spraying many accounts from one.
ACCOUNT_RATE_LIMITS = {
    "login": "60/m/ip",
    "login_failed": "20/5m/ip,5/5m/key",
    "reset_password": "5/m/ip,3/m/key",
}
MFA_ADAPTER = "thurrock_care.accounts.adapters.MFAAdapter"
MFA_FORMS = {"authenticate": "thurrock_care.accounts.forms.AuthenticateForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Thurrock Care"

REST_FRAMEWORK = {
    # Token first: a caller who is not signed in gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["thurrock_care.api.permissions.IsStaffMemberWithMFA"],
    "DEFAULT_SCHEMA_CLASS": "thurrock_care.api.schema.Schema",
    "DEFAULT_PAGINATION_CLASS": "thurrock_care.api.pagination.Pagination",
    # JSON in, JSON out: any other body is a 415, any other Accept a 406.
    "DEFAULT_PARSER_CLASSES": ["thurrock_care.api.parsers.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "thurrock_care.api.errors.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Thurrock Care API",
    "DESCRIPTION": "The API of Thurrock's Integrated Locality Teams. Same access rules as the web.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation are for signed-in staff, like the API itself.
    "SERVE_PERMISSIONS": ["thurrock_care.api.permissions.IsStaffMemberWithMFA"],
    # PATCH bodies are our own serializers, whose required fields (`version`) are required.
    "COMPONENT_SPLIT_PATCH": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models have a "kind" or a "status": name each set of choices after its model.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "localities.models.Organisation.Kind",
        "CommunityAssetKindEnum": "localities.models.CommunityAsset.Kind",
        "DropInKindEnum": "introductions.models.DropInSession.Kind",
        "ResidentStatusEnum": "localities.models.Resident.Status",
        "IntroductionStatusEnum": "introductions.models.Introduction.Status",
        "MdtStatusEnum": "mdt.models.Mdt.Status",
        "MdtActionStatusEnum": "mdt.models.MdtAction.Status",
        "HealthEventKindEnum": "wellbeing_teams.models.HealthEvent.Kind",
        "VisitStatusEnum": "wellbeing_teams.models.Visit.Status",
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# GOV.UK Frontend and MOJ Frontend come from npm at set-up (`make setup`), never the repo;
# static/build/ holds our stylesheet compiled from them.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules/govuk-frontend/dist/govuk"),
    ("moj", BASE_DIR / "node_modules/@ministryofjustice/frontend/moj"),
    # Images both design systems' stylesheets refer to, under one /static/assets/ prefix.
    ("assets", BASE_DIR / "node_modules/govuk-frontend/dist/govuk/assets"),
    ("assets", BASE_DIR / "node_modules/@ministryofjustice/frontend/moj/assets"),
]
# In development (and tests) WhiteNoise serves straight from the folders above; in production
# from STATIC_ROOT, filled by `collectstatic` with hashed, compressed copies.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# E-mail
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Thurrock Care <no-reply@thurrock-care.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Notifications (docs/notifications.md): their e-mails go through Django's EMAIL_BACKEND
# ("django") or GOV.UK Notify ("notify": an API key and one template whose subject is
# ((subject)) and whose body is ((body))).
NOTIFICATIONS_EMAIL_BACKEND = env_choice(
    "NOTIFICATIONS_EMAIL_BACKEND", "django", ["django", "notify"]
)
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY")
NOTIFY_TEMPLATE_ID = env_str("NOTIFY_TEMPLATE_ID")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
if NOTIFICATIONS_EMAIL_BACKEND == "notify":
    _uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    if not re.search(f"-{_uuid}-{_uuid}$", NOTIFY_API_KEY):  # <name>-<service id>-<secret>
        raise ConfigError("NOTIFY_API_KEY", "must be a GOV.UK Notify API key: <name>-<id>-<id>")
    if not re.fullmatch(_uuid, NOTIFY_TEMPLATE_ID):
        raise ConfigError("NOTIFY_TEMPLATE_ID", "must be the id of a GOV.UK Notify template")
# How long a worker's claim on an e-mail holds before the sweeper hands it to another (a
# worker that died mid-send); well above a send's 30-second time-out.
NOTIFICATIONS_CLAIM_LEASE = env_int("NOTIFICATIONS_CLAIM_LEASE", 300, minimum=1)
# A transient failure is retried after about this many seconds, doubling (up to 10 minutes);
# an e-mail is given up after this many attempts.
NOTIFICATIONS_RETRY_BACKOFF = env_int("NOTIFICATIONS_RETRY_BACKOFF", 5, minimum=1)
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 10, minimum=1)

# Security. HTTPS_ONLY defaults to "not DEBUG": production is served over TLS (terminated by
# a proxy in front of gunicorn, which sets X-Forwarded-Proto).
HTTPS_ONLY = env_bool("HTTPS_ONLY", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS_ONLY else None
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = 63072000 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],  # the nonce is for the one-line "js-enabled" snippet
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the MFA QR code
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Figures (thurrock_care/reports): a count of people from 1 to one less than this is shown as
# "fewer than N", and a mean or rate resting on fewer people says so instead of a number.
SMALL_NUMBERS_THRESHOLD = env_int("SMALL_NUMBERS_THRESHOLD", 5, minimum=1)

# Celery: Redis broker, JSON only, acknowledge after the work is done.
CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False
# The queue tasks go to and workers take them from (tasks a worker sends, too: the sweeper's).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
# Wellbeing Teams: how long a team's members still see a person after they leave its caseload
# (to finish their notes and hand over), in days.
WELLBEING_TEAMS_ACCESS_AFTER_LEAVING_DAYS = env_int(
    "WELLBEING_TEAMS_ACCESS_AFTER_LEAVING_DAYS", 28, minimum=0
)

# The one place periodic work is declared; run exactly one beat.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "thurrock_care.tasks.heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    "notifications-sweep": {
        "task": "thurrock_care.notifications.tasks.sweep",
        "schedule": crontab(),  # every minute: e-mails held for quiet hours go at 07:00
    },
    "introductions-follow-up-reminders": {
        "task": "introductions.tasks.remind_follow_ups",
        "schedule": crontab(minute="*/15"),  # follow-ups due today: once each (dedupe key)
    },
    "mdt-chase-invitees": {
        "task": "mdt.tasks.chase_invitees",
        "schedule": crontab(minute="*/15"),  # each chase point once (dedupe key)
    },
    "mdt-remind-actions": {
        "task": "mdt.tasks.remind_actions",
        "schedule": crontab(hour="8-17", minute=5),  # due tomorrow / overdue: once a day each
    },
    "mdt-overdue-summary": {
        "task": "mdt.tasks.summarise_overdue",
        "schedule": crontab(hour=8, minute=30),
    },
    "wellbeing-teams-late-visits": {
        "task": "wellbeing_teams.tasks.remind_late_visits",
        "schedule": crontab(minute="*/5"),  # late visits: the worker, then the team; once each
    },
    "wellbeing-teams-visit-patterns": {
        "task": "wellbeing_teams.tasks.extend_visit_patterns",
        "schedule": crontab(hour=2, minute=41),  # recurring visits: four weeks ahead
    },
    "monthly-ilt-digests": {
        "task": "thurrock_care.reports.tasks.build_monthly_digests",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),  # UTC: 06:00 or 07:00 in the UK
    },
    "forget-old-submissions": {
        "task": "thurrock_care.submissions.tasks.forget_old_submissions",
        "schedule": crontab(hour=3, minute=17),
    },
}

# MDTs: invited partners see the resident for this many days after the MDT closes; an
# availability link (answering without an account) works for this many seconds.
MDT_ACCESS_DAYS_AFTER_CLOSE = env_int("MDT_ACCESS_DAYS_AFTER_CLOSE", 30)
MDT_LINK_MAX_AGE = env_int("MDT_LINK_MAX_AGE", 14 * 24 * 3600)

# Key for encrypting MFA secrets at rest; derived from SECRET_KEY unless given.
MFA_ENCRYPTION_KEY = (
    env_str("MFA_ENCRYPTION_KEY")
    or base64.urlsafe_b64encode(hashlib.sha256(f"mfa:{SECRET_KEY}".encode()).digest()).decode()
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
