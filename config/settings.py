"""Django settings for desist.

Every setting that differs between machines comes from the environment (see docs/production.md).
Defaults suit the demo: SQLite in ./var, DEBUG off unless asked for.
"""

from pathlib import Path

import environ
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DESIST_DEBUG", default=False)
# The demo key is only for a local demo; production refuses to start without a real one.
_DEMO_SECRET = "desist-demo-only-not-secret"  # noqa: S105
SECRET_KEY = env.str("DESIST_SECRET_KEY", default="") or _DEMO_SECRET
PRODUCTION = env.bool("DESIST_PRODUCTION", default=False)
if PRODUCTION and SECRET_KEY == _DEMO_SECRET:
    raise RuntimeError("DESIST_SECRET_KEY must be set when DESIST_PRODUCTION is on")
if PRODUCTION and DEBUG:
    raise RuntimeError(
        "DESIST_DEBUG must be off when DESIST_PRODUCTION is on: debug pages show personal data"
    )

ALLOWED_HOSTS = env.list("DESIST_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DESIST_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First, so its admin/change_list.html (a nonce on the admin's one inline style) wins over the admin's
    # own.
    "desist.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "django_tasks",
    # Before django_tasks_db: its db_worker command adds leases and waits out a locked SQLite database.
    "desist.worker",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # backup codes, for a lost phone
    # django-ninja's own copy of Swagger UI (static files and template), so /api/docs loads nothing from a
    # CDN.
    "ninja",
    # desist apps, one per domain noun
    "desist.web",
    "desist.partnership",
    "desist.audit",
    "desist.people",
    "desist.offences",
    "desist.sentences",
    "desist.registers",
    "desist.assessments",
    "desist.priority",
    "desist.iom",
    "desist.families",
    "desist.imports",
    "desist.linking",
    "desist.release",
    "desist.victims",
    "desist.workqueue",
    "desist.referrals",
    "desist.supervision",
    "desist.enforcement",
    "desist.monitoring",
    "desist.premises",
    "desist.meetings",
    "desist.marac",
    "desist.allocation",
    "desist.subject_access",
    "desist.retention",
    "desist.outcomes",
    "desist.board",
    "desist.strategy",
    "desist.sharing",
    "desist.api",
    "desist.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "desist.audit.middleware.AccessContextMiddleware",
    # Idle timeout, two-factor sign-in where required, and no-store on every page desist renders.
    "desist.accounts.middleware.SignInRulesMiddleware",
    # A signed-in session states the purpose of its access before its first page with person data.
    "desist.web.purpose.PurposeRequiredMiddleware",
    # Live search: a search the user settled on is logged, not every keystroke.
    "desist.people.search_log.SettledSearchMiddleware",
    # API writes with an Idempotency-Key are done once; a repeat gets the kept answer (after the sign-in
    # rules).
    "desist.api.idempotency.IdempotencyMiddleware",
    # Axes must be last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "desist.web.context_processors.partnership",
                "desist.accounts.context_processors.sign_in",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'desist.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and a task worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Seconds a connection waits for another's write lock before "database is locked".
            "timeout": env.int("DESIST_SQLITE_TIMEOUT", default=20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DESIST_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# PostgreSQL with two roles (docs/production.md, step 1): `manage.py migrate` connects as the owner role in
# this URL, then grants the role in DATABASE_URL only what the application needs (desist.audit.database).
DESIST_MIGRATE_DATABASE_URL = env.str("DESIST_MIGRATE_DATABASE_URL", default="")
# The key that signs the access log's checkpoints when retention trims it (desist.audit.chain). Unset, a key
# derived from SECRET_KEY (so changing SECRET_KEY would fail every checkpoint): set it (docs/production.md).
DESIST_ACCESS_LOG_KEY = env.str("DESIST_ACCESS_LOG_KEY", default="")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# An administrator's reset of someone's sign-in gives a one-time link to choose a password; it lapses after a
# day.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

# Login throttling (django-axes): lock a username+address after repeated failures.
AXES_FAILURE_LIMIT = env.int("DESIST_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("DESIST_LOGIN_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind reverse proxies, the client's address comes from X-Forwarded-For (see DESIST_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "desist.audit.context.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("DESIST_SESSION_SECONDS", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles and everything else from desist itself only; no inline
# script or style, no plugins, no framing, forms post only to desist. Charts are images (data: URIs). A
# template that truly needs an inline block asks for request.csp_nonce, which adds that nonce only to that
# response.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DESIST_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DESIST_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is the domain owner's decision (it is hard to undo), so it is off unless asked for.
    SECURE_HSTS_PRELOAD = env.bool("DESIST_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

TASKS = {
    "default": {
        "BACKEND": env.str("DESIST_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DESIST_LOG_LEVEL", default="WARNING")},
}

# --- desist's own settings (documented in docs/production.md) ---
DESIST_PARTNERSHIP_NAME = env.str(
    "DESIST_PARTNERSHIP_NAME", default="Kent and Medway Reducing Reoffending Partnership"
)
# Purposes a user may state for their access (DPA 2018 s.62 needs the justification for consultation).
DESIST_PURPOSES = {
    "case_management": "Case management",
    "risk_management": "Risk management (MAPPA or IOM)",
    "safeguarding": "Safeguarding",
    "partnership_panel": "Partnership panel",
    "performance": "Performance and analysis",
    "audit": "Audit and assurance",
    "subject_access": "Subject access request",
    "record_linkage": "Record linkage review",
    "administration": "System administration",
    "other": "Other (say why)",
}
# The purpose a command-line run records when --purpose is left out. Pages and the API never default: a
# session states its purpose before it touches person data, an API call sends X-Desist-Purpose
# (docs/security.md).
DESIST_DEFAULT_PURPOSE = "case_management"
# Paths a signed-in session may open before stating a purpose: signing in and out, the purpose page itself,
# the API (which has its own header), static files. Every other page asks for the purpose first.
DESIST_PURPOSE_NOT_NEEDED = (
    "/accounts/",
    "/purpose/",
    "/api/",
    "/static/",
    "/admin/login/",
    "/admin/logout/",
    "/favicon.ico",
)
# Live search: a search the user keeps on screen this long (or follows, or submits) is logged; keystrokes
# typed faster than this are folded into the search they lead to (docs/security.md, "Purpose of access...").
DESIST_SEARCH_SETTLE_SECONDS = env.int("DESIST_SEARCH_SETTLE_SECONDS", default=3)
# An agency keeps sight of a person for this many days after its involvement ends (closing notes, handover).
DESIST_ACCESS_GRACE_DAYS = env.int("DESIST_ACCESS_GRACE_DAYS", default=90)
# Information sharing (docs/information-governance.md): how long a break-glass use lasts, how early an
# agreement shows as due for review, and what the data protection officer's page counts as out of the
# ordinary.
DESIST_BREAK_GLASS_MINUTES = env.int("DESIST_BREAK_GLASS_MINUTES", default=60)
DESIST_SHARING_REVIEW_WARN_DAYS = env.int("DESIST_SHARING_REVIEW_WARN_DAYS", default=60)
DESIST_UNUSUAL_ACCESS_DAYS = env.int("DESIST_UNUSUAL_ACCESS_DAYS", default=7)
DESIST_UNUSUAL_ACCESS_THRESHOLD = env.int("DESIST_UNUSUAL_ACCESS_THRESHOLD", default=30)
DESIST_PAGE_SIZE = 25
# An assessment counts as current for this many days (55 weeks, as HMPPS tiering does).
DESIST_ASSESSMENT_CURRENT_DAYS = env.int("DESIST_ASSESSMENT_CURRENT_DAYS", default=385)
# Who may record assessments: members of these agency kinds, in these roles (a local choice).
DESIST_ASSESSOR_AGENCY_KINDS = env.list(
    "DESIST_ASSESSOR_AGENCY_KINDS", default=["probation", "youth_justice"]
)
DESIST_ASSESSOR_ROLES = env.list("DESIST_ASSESSOR_ROLES", default=["practitioner", "manager"])
# Priority groups (desist.core.priority): local choices.
DESIST_YOUNG_PERSON_AGES = (16, 24)
DESIST_DA_OFFENCE_YEARS = env.int("DESIST_DA_OFFENCE_YEARS", default=3)
# Families, where agencies overlap and Troubled Families (docs/families.md): local choices.
DESIST_FAMILY_MAX_HOUSEHOLD = env.int(
    "DESIST_FAMILY_MAX_HOUSEHOLD", default=10
)  # larger: a hostel, not a family
DESIST_FAMILY_GENERATION_GAP_YEARS = env.int("DESIST_FAMILY_GENERATION_GAP_YEARS", default=16)
DESIST_FAMILY_LOOKBACK_DAYS = env.int("DESIST_FAMILY_LOOKBACK_DAYS", default=365)
DESIST_FAMILY_DUPLICATION_DOMAINS = env.list(
    "DESIST_FAMILY_DUPLICATION_DOMAINS",
    default=[
        "accommodation",
        "childrens_social_care",
        "mental_health",
        "physical_health",
        "substance_misuse",
        "employment_benefits",
        "asb",
        "domestic_abuse",
    ],
)
DESIST_FAMILY_INTERGENERATIONAL = env.str(
    "DESIST_FAMILY_INTERGENERATIONAL", default="offending_or_involvement"
)
DESIST_NEED_DOMAINS_CSV = env.str(
    "DESIST_NEED_DOMAINS_CSV", default=""
)  # empty: desist/core/data/need_domains.csv
DESIST_TF_WINDOW_DAYS = env.int("DESIST_TF_WINDOW_DAYS", default=365)
DESIST_TF_ABSENCE_PERCENT = env.float("DESIST_TF_ABSENCE_PERCENT", default=15.0)
DESIST_TF_2015_ABSENCE_PERCENT = env.float("DESIST_TF_2015_ABSENCE_PERCENT", default=15.0)
DESIST_TF_FIXED_TERM_EXCLUSIONS = env.int("DESIST_TF_FIXED_TERM_EXCLUSIONS", default=3)
# Which programme's criteria put a family's members in the troubled family priority group: "2012" or "2015".
DESIST_TF_PRIORITY_PROGRAMME = env.str("DESIST_TF_PRIORITY_PROGRAMME", default="2012")
DESIST_TF_LOCAL_DISCRETION = env.list(
    "DESIST_TF_LOCAL_DISCRETION",
    default=["domestic_abuse", "mental_health", "substance_misuse", "childrens_social_care"],
)
# Release from custody (docs/release.md): a release set, brought forward or confirmed with less notice than
# this is short notice; open plan tasks escalate at these weeks before release; the readiness view and the
# daily job look this many weeks ahead.
DESIST_RELEASE_SHORT_NOTICE_DAYS = env.int("DESIST_RELEASE_SHORT_NOTICE_DAYS", default=14)
# How long the answer to an API write sent with an Idempotency-Key is kept and replayed
# (desist.api.idempotency).
DESIST_IDEMPOTENCY_HOURS = env.int("DESIST_IDEMPOTENCY_HOURS", default=24)
DESIST_RELEASE_ESCALATION_WEEKS = tuple(
    env.list("DESIST_RELEASE_ESCALATION_WEEKS", cast=int, default=[12, 4, 1])
)
DESIST_RELEASE_HORIZON_WEEKS = env.int("DESIST_RELEASE_HORIZON_WEEKS", default=12)

# Victim contact (RULES.md §7, docs/victims.md). The scheme covers violent or sexual offences with 12 months'
# custody or more: "12 months" is read as 365 days. A victim is told this many working days (Monday to Friday)
# before the event, or at once when that has passed. Licence conditions with these codes concern the victim.
DESIST_VCS_MIN_CUSTODY_DAYS = env.int("DESIST_VCS_MIN_CUSTODY_DAYS", default=365)
DESIST_VCS_OFFENCE_GROUPS = tuple(env.list("DESIST_VCS_OFFENCE_GROUPS", default=["violence", "sexual"]))
DESIST_VICTIM_NOTICE_WORKING_DAYS = env.int("DESIST_VICTIM_NOTICE_WORKING_DAYS", default=5)
DESIST_VICTIM_CONDITION_CODES = tuple(
    env.list("DESIST_VICTIM_CONDITION_CODES", default=["ADD_NO_CONTACT", "ADD_EXCLUSION_ZONE"])
)

# Compliance and enforcement (docs/enforcement.md; Sentencing Act 2020 Sch 10 paras 5 and 6): another
# unacceptable failure within this many months of a warning must be referred, the anniversary itself in that
# period or not ("the period of 12 months beginning with the date on which the warning was given": not), and
# enforcement action is due this many working days after the failure (HMPPS enforcement policy).
DESIST_ENFORCEMENT_WARNING_MONTHS = env.int("DESIST_ENFORCEMENT_WARNING_MONTHS", default=12)
DESIST_ENFORCEMENT_ANNIVERSARY_IN_WINDOW = env.bool("DESIST_ENFORCEMENT_ANNIVERSARY_IN_WINDOW", default=False)
DESIST_ENFORCEMENT_CLOCK_WORKING_DAYS = env.int("DESIST_ENFORCEMENT_CLOCK_WORKING_DAYS", default=10)

# The work queue lists plan tasks due within this many days (overdue ones always) and releases of the user's
# caseload within this many weeks.
DESIST_WORKQUEUE_DUE_DAYS = env.int("DESIST_WORKQUEUE_DUE_DAYS", default=7)
DESIST_WORKQUEUE_RELEASE_WEEKS = env.int("DESIST_WORKQUEUE_RELEASE_WEEKS", default=4)
# Allocation (docs/allocation.md): a case waiting in a team's queue longer than this many calendar days is
# overdue and escalates in the team manager's work queue.
DESIST_ALLOCATION_DEADLINE_DAYS = env.int("DESIST_ALLOCATION_DEADLINE_DAYS", default=5)

# Services and referrals (docs/services.md): a service's throughput (places come free a week) and average wait
# are read over this many weeks; the waiting list's expected waits follow from them.
DESIST_REFERRAL_THROUGHPUT_WEEKS = env.int("DESIST_REFERRAL_THROUGHPUT_WEEKS", default=12)
# Accommodation places: how many weeks ahead the availability grid looks.
DESIST_PREMISES_AVAILABILITY_WEEKS = env.int("DESIST_PREMISES_AVAILABILITY_WEEKS", default=8)

# How many trusted reverse proxies stand in front of the app server (0: clients connect directly).
DESIST_PROXY_COUNT = env.int("DESIST_PROXY_COUNT", default=0)
# The footer says the data are synthetic; off by default in production.
DESIST_DEMO_NOTICE = env.bool("DESIST_DEMO_NOTICE", default=not PRODUCTION)
# Agency extract imports: the roles that may import for their agency (a local choice), the largest file
# accepted, and how long an uploaded file waits to be imported before it is removed.
DESIST_IMPORT_ROLES = tuple(env.list("DESIST_IMPORT_ROLES", default=["administrator", "analyst"]))
DESIST_IMPORT_MAX_BYTES = env.int("DESIST_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# What an extract may hold before it is refused unread (docs/production.md, "Limits on imported files").
DESIST_IMPORT_MAX_ROWS = env.int("DESIST_IMPORT_MAX_ROWS", default=1_048_575)
DESIST_IMPORT_MAX_COLUMNS = env.int("DESIST_IMPORT_MAX_COLUMNS", default=500)
DESIST_IMPORT_MAX_CELL_CHARS = env.int("DESIST_IMPORT_MAX_CELL_CHARS", default=32_767)
DESIST_IMPORT_MAX_PARSE_SECONDS = env.float("DESIST_IMPORT_MAX_PARSE_SECONDS", default=300.0)
DESIST_IMPORT_MAX_XLSX_PARTS = env.int("DESIST_IMPORT_MAX_XLSX_PARTS", default=1_000)
DESIST_IMPORT_MAX_XLSX_BYTES = env.int("DESIST_IMPORT_MAX_XLSX_BYTES", default=1024 * 1024 * 1024)
DESIST_IMPORT_MAX_XLSX_RATIO = env.int("DESIST_IMPORT_MAX_XLSX_RATIO", default=200)
DESIST_IMPORT_UPLOAD_KEEP_HOURS = env.int("DESIST_IMPORT_UPLOAD_KEEP_HOURS", default=24)
# Record linkage (docs/linkage.md, "In the product"): the match probabilities that separate linked
# automatically / sent for review / not linked (unset: the engine's defaults, 0.996 and 0.5), who may review
# pairs, whether a finished import queues a linking run, and how often a failed run is tried again.
DESIST_LINK_PROBABILITY = env.float("DESIST_LINK_PROBABILITY", default=None)
DESIST_REVIEW_PROBABILITY = env.float("DESIST_REVIEW_PROBABILITY", default=None)
# Deprecated: the same thresholds as match weights, read for one release when the probabilities are unset.
DESIST_LINK_THRESHOLD = env.float("DESIST_LINK_THRESHOLD", default=None)
DESIST_REVIEW_THRESHOLD = env.float("DESIST_REVIEW_THRESHOLD", default=None)
DESIST_LINK_RETRIES = env.int("DESIST_LINK_RETRIES", default=3)
DESIST_LINK_RETRY_SECONDS = env.int("DESIST_LINK_RETRY_SECONDS", default=60)
DESIST_LINKAGE_REVIEWER_ROLES = tuple(
    env.list("DESIST_LINKAGE_REVIEWER_ROLES", default=["administrator", "analyst"])
)
DESIST_LINK_AFTER_IMPORT = env.bool("DESIST_LINK_AFTER_IMPORT", default=True)
# Background tasks (docs/security.md, "Background work"): a running task's lease lasts this long unrenewed
# (the worker renews it every quarter of that), lapsed leases are looked for this often, and a task whose
# worker stopped is run again until it has had this many attempts, then marked failed.
DESIST_TASK_LEASE_SECONDS = env.int("DESIST_TASK_LEASE_SECONDS", default=120)
DESIST_TASK_REAP_SECONDS = env.int("DESIST_TASK_REAP_SECONDS", default=30)
DESIST_TASK_MAX_ATTEMPTS = env.int("DESIST_TASK_MAX_ATTEMPTS", default=3)
# The board's basket of measures (docs/measures.md, "The basket of measures"): the roles that see counts under
# DESIST_BOARD_SUPPRESS_BELOW and may publish a quarter; the reference group of each breakdown for the
# relative rate index ("sex=Male,ethnicity=White"; unset: the largest group); how many quarters the trend
# shows.
DESIST_BOARD_ANALYST_ROLES = tuple(env.list("DESIST_BOARD_ANALYST_ROLES", default=["analyst"]))
DESIST_BOARD_SUPPRESS_BELOW = env.int("DESIST_BOARD_SUPPRESS_BELOW", default=5)
DESIST_BOARD_REFERENCE_GROUPS = env.dict("DESIST_BOARD_REFERENCE_GROUPS", default={})
DESIST_BOARD_TREND_QUARTERS = env.int("DESIST_BOARD_TREND_QUARTERS", default=8)
# On the predictor validation page, a predicted chance at or above this counts as "higher risk" for the false
# positive and false negative rates (docs/fairness.md): 0.5, more likely than not.
DESIST_BOARD_VALIDATION_THRESHOLD = env.float("DESIST_BOARD_VALIDATION_THRESHOLD", default=0.5)
# The board's figures are worked out in the background: a change to the records queues one refresh this many
# seconds later, which takes in every change made before it starts (docs/measures.md).
DESIST_BOARD_REFRESH_DELAY_SECONDS = env.int("DESIST_BOARD_REFRESH_DELAY_SECONDS", default=60)

# Sign-in (docs/security.md, "Headers, sign-in and API tokens"). Who must sign in with a two-factor code
# (TOTP): "administrators" (the administrator role or superusers; anyone may choose to) or "everyone".
DESIST_2FA_REQUIRED_FOR = env.str("DESIST_2FA_REQUIRED_FOR", default="administrators")
if DESIST_2FA_REQUIRED_FOR not in ("administrators", "everyone"):
    raise RuntimeError("DESIST_2FA_REQUIRED_FOR must be 'administrators' or 'everyone'")
# A session left idle this long is signed out.
DESIST_IDLE_TIMEOUT_MINUTES = env.int("DESIST_IDLE_TIMEOUT_MINUTES", default=30)
OTP_TOTP_ISSUER = "desist"
# The admin never shows another user's authenticator secret or its QR code (and its pages for them, which
# crash on an unknown device, answer 403 instead).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# API tokens live at most this many days.
DESIST_API_TOKEN_MAX_DAYS = env.int("DESIST_API_TOKEN_MAX_DAYS", default=90)

# Supervision (docs/supervision.md): where appointment reminders go (a dotted path to a
# desist.supervision.notify.NotificationBackend: LogBackend, EmailBackend, or an SMS provider's SmsBackend),
# and how many hours ahead an appointment is reminded of.
DESIST_NOTIFICATION_BACKEND = env.str(
    "DESIST_NOTIFICATION_BACKEND", default="desist.supervision.notify.LogBackend"
)
DESIST_REMINDER_HOURS = env.int("DESIST_REMINDER_HOURS", default=24)

# Meetings (docs/meetings.md): how often each kind of series meets (weekly, fortnightly, monthly or quarterly;
# the seeds: MAPPA level 2 weekly, level 3 monthly), and how many days an action may be overdue before it is
# chased again.
DESIST_MEETING_CADENCES = {
    "mappa_2": env.str("DESIST_MAPPA_LEVEL2_CADENCE", default="weekly"),
    "mappa_3": env.str("DESIST_MAPPA_LEVEL3_CADENCE", default="monthly"),
    "marac": env.str("DESIST_MARAC_CADENCE", default="monthly"),
    "iom_panel": env.str("DESIST_IOM_PANEL_CADENCE", default="monthly"),
    "iom_steering": env.str("DESIST_IOM_STEERING_CADENCE", default="quarterly"),
    "strategy_board": env.str("DESIST_STRATEGY_BOARD_CADENCE", default="quarterly"),
}
DESIST_MEETING_CHASE_EVERY_DAYS = env.int("DESIST_MEETING_CHASE_EVERY_DAYS", default=7)

# MARAC (docs/marac.md): potential escalation is this many police call-outs to the victim in 12 months or more
# (SafeLives, Dash risk checklist quick start guidance: "common practice to start with 3 or more", set
# locally); a repeat is a new incident within this many months of the victim's last MARAC referral (SafeLives,
# Marac guidance: 12 months).
DESIST_MARAC_ESCALATION_CALL_OUTS = env.int("DESIST_MARAC_ESCALATION_CALL_OUTS", default=3)
DESIST_MARAC_REPEAT_WINDOW_MONTHS = env.int("DESIST_MARAC_REPEAT_WINDOW_MONTHS", default=12)

# Subject access requests (docs/subject-access.md): one month to respond (UK GDPR Art. 12(3); DPA 2018 s.54(2)
# for law-enforcement processing), extendable by up to two further months for a complex request (Art. 12(3);
# the same for Part 3 requests is a partnership choice). Whether the names of staff who read the record are
# released in the access log part of an export (ICO: staff acting in their professional role are usually
# disclosed); each remains a candidate a reviewer may redact.
DESIST_SAR_EXTENSION_MONTHS = env.int("DESIST_SAR_EXTENSION_MONTHS", default=2)
DESIST_SAR_DISCLOSE_STAFF_IN_ACCESS_LOG = env.bool("DESIST_SAR_DISCLOSE_STAFF_IN_ACCESS_LOG", default=True)
