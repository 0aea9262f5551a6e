"""Settings for Zhifa, read from the environment (see docs/operations.md).

ZHIFA_DATABASE_URL   default sqlite:///./var/zhifa.sqlite3; postgres://user:pw@host:port/db for production
ZHIFA_DATA_DIR       uploaded and generated files; default ./var/
ZHIFA_SECRET_KEY     (or ZHIFA_SECRET_KEY_FILE); when absent a random key is created once in the data dir
ZHIFA_DEBUG          off unless asked for
ZHIFA_ALLOWED_HOSTS  comma-separated; default 127.0.0.1,localhost
"""

from __future__ import annotations

import ipaddress as _ipaddress
import secrets
from datetime import timedelta as _timedelta
from pathlib import Path

import dj_database_url

from zhifa.core.crypto import load_data_key as _load_data_key
from zhifa.core.env import ConfigError, env, envbool, envint, envlist
from zhifa.core.roles import Role as _Role  # choices only: no model, safe before set-up

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env("ZHIFA_DATA_DIR") or Path.cwd() / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("ZHIFA_DEBUG", False)


def _secret_key() -> str:
    key = env("ZHIFA_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ConfigError("ZHIFA_SECRET_KEY 太短：至少 32 个字符")
        return key
    # A single-machine install should start without ceremony, yet never with a key that is public:
    # create a random one once, readable by this account only, and keep it beside the data.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

# Personal data at rest (zhifa.core.crypto, zhifa.core.fields; docs/operations.md "个人信息加密"): the SM4
# key, 32 hex digits, from ZHIFA_DATA_KEY or ZHIFA_DATA_KEY_FILE, else created once at
# DATA_DIR/keys/data.key; keys replaced by a new one stay readable while listed in ZHIFA_DATA_KEY_RETIRED
# (comma-separated hex) until `zhifa personal_data rekey` has rewritten every value.
ZHIFA_DATA_KEY, ZHIFA_DATA_KEY_SOURCE = _load_data_key(DATA_DIR, env("ZHIFA_DATA_KEY"))
ZHIFA_DATA_KEY_RETIRED = envlist("ZHIFA_DATA_KEY_RETIRED", [])
ALLOWED_HOSTS = envlist("ZHIFA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("ZHIFA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "zhifa.core.admin_site.ZhifaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    # rest_framework.authtoken is gone: zhifa.accounts.tokens keeps digests with an expiry (its old
    # table authtoken_token stays in existing databases, unused; see docs/operations.md).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "zhifa.core",
    "zhifa.accounts",
    "zhifa.orgs",
    "zhifa.experts",
    "zhifa.enterprises",
    "zhifa.inspections",
    "zhifa.documents",
    "zhifa.planning",
    "zhifa.discretion",
    "zhifa.cases",
    "zhifa.accidents",
    "zhifa.training",
    "zhifa.disclosure",
    "zhifa.bulletins",
    "zhifa.reviews",
    "zhifa.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The audit context (user, address, request id) for everything below; refused requests (403)
    # audited; the break-glass account's window enforced and each of its requests audited.
    "zhifa.core.middleware.RequestContextMiddleware",
    # Absolute session lifetime, the session list, password expiry (zhifa.accounts.sessions), then the
    # second factor where the role or account requires it (zhifa.accounts.mfa).
    "zhifa.accounts.sessions.SessionPolicyMiddleware",
    "zhifa.accounts.mfa.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: a lockout answers before the view (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhifa.urls"
WSGI_APPLICATION = "zhifa.wsgi.application"

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
                "zhifa.core.context_processors.navigation",
            ],
        },
    },
]

_db_url = env("ZHIFA_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'zhifa.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=envint("ZHIFA_DB_CONN_MAX_AGE", 0))}
except Exception as exc:  # dj_database_url raises several types for a malformed URL
    raise ConfigError(f"ZHIFA_DATABASE_URL 无法解析：{exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock at BEGIN, so two writers never interleave
    # a read of the audit chain's head with an append (see zhifa.core.audit).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: a locked-out account or address is refused before the password is checked.
AUTHENTICATION_BACKENDS = ["zhifa.accounts.lockout.LockoutBackend", "zhifa.core.permissions.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("ZHIFA_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保 complexity and history (zhifa.accounts.passwords; figures in the accounts block below)
    {"NAME": "zhifa.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "zhifa.accounts.passwords.PasswordHistoryValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_AGE = envint("ZHIFA_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: the cookie's age restarts with every request

# Passwords, lockout and sessions (zhifa.accounts.passwords, .lockout, .sessions; docs/operations.md
# "账号与会话安全"). 等保 2.0 level 3: complexity, periodic change (where OWASP ASVS 2.1.10 would not force
# it, 等保 is followed), failed-login lockout, idle timeout and an absolute session lifetime.
ZHIFA_PASSWORD_MIN_CLASSES = envint("ZHIFA_PASSWORD_MIN_CLASSES", 3)
if not 1 <= ZHIFA_PASSWORD_MIN_CLASSES <= 4:
    raise ConfigError(f"ZHIFA_PASSWORD_MIN_CLASSES={ZHIFA_PASSWORD_MIN_CLASSES} 应在 1 到 4 之间")
ZHIFA_PASSWORD_HISTORY = max(0, envint("ZHIFA_PASSWORD_HISTORY", 5))
ZHIFA_PASSWORD_MAX_AGE_DAYS = max(0, envint("ZHIFA_PASSWORD_MAX_AGE_DAYS", 90))  # 0: no periodic change
ZHIFA_SESSION_MAX_SECONDS = envint("ZHIFA_SESSION_MAX_SECONDS", 12 * 3600)
if ZHIFA_SESSION_MAX_SECONDS < 60 or SESSION_COOKIE_AGE < 60:
    raise ConfigError("ZHIFA_SESSION_MAX_SECONDS 与 ZHIFA_SESSION_IDLE_SECONDS 至少 60 秒")
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed when
# working out the client address for lockouts and the session list; empty: REMOTE_ADDR only.
ZHIFA_TRUSTED_PROXIES = envlist("ZHIFA_TRUSTED_PROXIES", [])
try:
    [_ipaddress.ip_network(_entry, strict=False) for _entry in ZHIFA_TRUSTED_PROXIES]
except ValueError as _exc:
    raise ConfigError(f"ZHIFA_TRUSTED_PROXIES 含无效的地址或网段：{_exc}") from _exc
# django-axes: N failures lock the account and, independently, the client address (either list entry
# alone locks) for M minutes; a failure while locked starts the minutes again.
AXES_FAILURE_LIMIT = envint("ZHIFA_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = _timedelta(minutes=envint("ZHIFA_LOCKOUT_MINUTES", 15))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() < 60:
    raise ConfigError("ZHIFA_LOCKOUT_FAILURES 至少为 1，ZHIFA_LOCKOUT_MINUTES 至少为 1")
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False  # else a sign-in to one's own account from an address would clear its count
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed attempt kept, beside the audit chain's LOGIN_FAILED
AXES_LOCKOUT_CALLABLE = "zhifa.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "zhifa.core.clientip.client_ip"
AXES_HTTP_RESPONSE_CODE = 429

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("ZHIFA_SECURE_COOKIES", not DEBUG and envbool("ZHIFA_HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Security headers and HTTPS (zhifa.core.checks; docs/operations.md "生产部署的安全设置"). Behind TLS,
# ZHIFA_HTTPS=1 turns on the redirect to https, HSTS (a year, subdomains, no preload list) and secure
# cookies; ZHIFA_TRUSTED_PROXY_HEADER names the header by which the TLS-terminating proxy says so
# (e.g. X-Forwarded-Proto) — set it only when that proxy overwrites the header from clients.
ZHIFA_HTTPS = envbool("ZHIFA_HTTPS", False)
SECURE_SSL_REDIRECT = ZHIFA_HTTPS
SECURE_HSTS_SECONDS = envint("ZHIFA_HSTS_SECONDS", 365 * 24 * 3600) if ZHIFA_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = ZHIFA_HTTPS
SECURE_HSTS_PRELOAD = False
# Preload is a commitment for the whole domain (often a government one shared with other systems): a
# choice for its owner, not for this application, so "check --deploy" does not ask for it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
_PROXY_HEADER = (env("ZHIFA_TRUSTED_PROXY_HEADER") or "").strip()
if _PROXY_HEADER:
    SECURE_PROXY_SSL_HEADER = (
        _PROXY_HEADER
        if _PROXY_HEADER.startswith("HTTP_")
        else "HTTP_" + _PROXY_HEADER.upper().replace("-", "_"),
        "https",
    )
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages and htmx send the token from the page, no script reads the cookie
# Content security policy (django-csp 4), in every environment so tests and browsers see the real
# one: scripts and styles only from our own static files (no inline <script>, <style> or style=""),
# images from us plus data: URIs (Pico's icons are SVG data URIs in its stylesheet), no plugins, no
# framing, forms posting only to us.
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
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The break-glass account (zhifa.accounts.breakglass; docs/operations.md "应急账号").
ZHIFA_BREAK_GLASS_USERNAME = env("ZHIFA_BREAK_GLASS_USERNAME") or "breakglass"
ZHIFA_BREAK_GLASS_MAX_HOURS = envint("ZHIFA_BREAK_GLASS_MAX_HOURS", 24)
# Identical refused requests (same account and path) are written to the audit chain once per this many
# seconds (zhifa.core.middleware): a loop cannot flood the chain.
ZHIFA_DENIED_AUDIT_SECONDS = envint("ZHIFA_DENIED_AUDIT_SECONDS", 60)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zhifa.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # an account whose password expired is refused (403) before its role is asked (zhifa.accounts.passwords)
    "DEFAULT_PERMISSION_CLASSES": [
        "zhifa.accounts.passwords.PasswordNotExpired",
        "zhifa.core.api_policy.RolePermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "zhifa.core.api_policy.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # drf-spectacular, with the refusals (400, 401, 403, 404, 429) each operation can answer documented.
    "DEFAULT_SCHEMA_CLASS": "zhifa.core.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "zhifa.core.api_policy.exception_handler",
    "PAGE_SIZE": 50,
    # The public portal's JSON (/api/v1/public/) is read anonymously: requests per client address.
    "DEFAULT_THROTTLE_RATES": {"anon": env("ZHIFA_PUBLIC_API_RATE") or "120/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "执法一体化平台 API",
    "DESCRIPTION": "安全生产执法一体化：板块、人员、专家、企业、现场检查、隐患整改与执法文书。所有数据按管辖范围过滤。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema names every field of the enforcement records: signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "zhifa.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Several models have a "status", "level" or "kind" of their own: each choice set its own name.
    "ENUM_NAME_OVERRIDES": {
        "InspectionStatusEnum": "zhifa.inspections.choices.InspectionStatus",
        "HazardStatusEnum": "zhifa.inspections.choices.HazardStatus",
        "HazardLevelEnum": "zhifa.inspections.choices.HazardLevel",
        "EvidenceKindEnum": "zhifa.inspections.choices.EvidenceKind",
        "ExtensionStatusEnum": "zhifa.inspections.choices.ExtensionStatus",
        "DocumentStatusEnum": "zhifa.documents.choices.DocumentStatus",
        "CaseStatusEnum": "zhifa.cases.choices.CaseStatus",
        "ReviewOutcomeEnum": "zhifa.cases.choices.ReviewOutcome",
        "ReviewCheckEnum": "zhifa.cases.api.serializers.REVIEW_CHECK_CHOICES",
        "BulletinStatusEnum": "zhifa.bulletins.choices.BulletinStatus",
        # Every other "status" choice set named for good: a new app's status then cannot rename these.
        "AnnualPlanStatusEnum": "zhifa.planning.choices.PlanStatus",
        "DrawStatusEnum": "zhifa.planning.choices.DrawStatus",
        "TaskStatusEnum": "zhifa.planning.choices.TaskStatus",
        "CatalogueStatusEnum": "zhifa.discretion.choices.CatalogueStatus",
        "CertificateStatusEnum": "zhifa.orgs.choices.CertificateStatus",
        "CaseSourceStatusEnum": "zhifa.inspections.choices.CaseSourceStatus",
        "ReviewRoundStatusEnum": "zhifa.reviews.choices.RoundStatus",
        "ReviewAssignmentStatusEnum": "zhifa.reviews.choices.AssignmentStatus",
    },
}

DJANGO_TABLES2_TEMPLATE = "tables/table.html"
DJANGO_TABLES2_PAGE_RANGE = 5

# Audit chain: the digest to use (SM3 where OpenSSL provides it, see zhifa.core.crypto).
# Retention, anchors and archives (`zhifa audit anchor|verify|archive`, docs/operations.md): rows stay in
# the table at least this many days (网络安全法 art. 21: six months, so never below 184); the signed
# anchors go to a file outside the database and/or syslog; the signing key comes from the environment
# or is generated once at DATA_DIR/keys/audit-signing.key.
ZHIFA_AUDIT_RETENTION_DAYS = envint("ZHIFA_AUDIT_RETENTION_DAYS", 184)
if ZHIFA_AUDIT_RETENTION_DAYS < 184:
    raise ConfigError(
        f"ZHIFA_AUDIT_RETENTION_DAYS={ZHIFA_AUDIT_RETENTION_DAYS} 太短：审计日志至少保存 184 天（网络安全法第二十一条：六个月）"
    )
ZHIFA_AUDIT_SIGNING_KEY = env("ZHIFA_AUDIT_SIGNING_KEY") or ""
ZHIFA_AUDIT_ANCHOR_FILE = Path(env("ZHIFA_AUDIT_ANCHOR_FILE") or DATA_DIR / "audit-anchors.jsonl")
ZHIFA_AUDIT_SYSLOG = env("ZHIFA_AUDIT_SYSLOG") or "/dev/log"
ZHIFA_AUDIT_SYSLOG_FACILITY = env("ZHIFA_AUDIT_SYSLOG_FACILITY") or "authpriv"
ZHIFA_IMPORT_MAX_BYTES = envint("ZHIFA_IMPORT_MAX_BYTES", 20 * 1024 * 1024)

# The application log: one record per line whatever a user typed (CR/LF and control characters escaped,
# zhifa.core.logsafe); Django's own loggers go through the same handler. zhifa.security (refused
# sign-ins, anonymous requests sent to the login page, denied requests) is kept at INFO.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"escape_control": {"()": "zhifa.core.logsafe.EscapeControlCharsFilter"}},
    "formatters": {"safe": {"()": "zhifa.core.logsafe.SafeFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["escape_control"],
            "formatter": "safe",
        }
    },
    "root": {"handlers": ["console"], "level": env("ZHIFA_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["console"], "level": env("ZHIFA_LOG_LEVEL", "WARNING"), "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "zhifa.security": {"level": env("ZHIFA_SECURITY_LOG_LEVEL", "INFO")},
    },
}
CSRF_FAILURE_VIEW = "zhifa.core.views.csrf_failure"
ZHIFA_DOCUMENT_NUMBER_FORMAT = env("ZHIFA_DOCUMENT_NUMBER_FORMAT") or "（{short}）应急{abbr}〔{year}〕{seq}号"
# 保存期限 printed on the cover of every archived case file (zhifa.cases.binder).
ZHIFA_CASE_FILE_RETENTION = env("ZHIFA_CASE_FILE_RETENTION") or "永久"

# Evidence uploads (zhifa.inspections.evidence): the largest file accepted per kind, in MB.
ZHIFA_EVIDENCE_MAX_MB_PHOTO = envint("ZHIFA_EVIDENCE_MAX_MB_PHOTO", 20)
ZHIFA_EVIDENCE_MAX_MB_AUDIO = envint("ZHIFA_EVIDENCE_MAX_MB_AUDIO", 100)
ZHIFA_EVIDENCE_MAX_MB_VIDEO = envint("ZHIFA_EVIDENCE_MAX_MB_VIDEO", 500)
ZHIFA_EVIDENCE_MAX_MB_DOCUMENT = envint("ZHIFA_EVIDENCE_MAX_MB_DOCUMENT", 50)
# The rectification period proposed per hazard level, in days (the officer may set any later date).
ZHIFA_RECTIFICATION_DEFAULT_DAYS = {
    "general": envint("ZHIFA_RECTIFICATION_DAYS_GENERAL", 15),
    "major": envint("ZHIFA_RECTIFICATION_DAYS_MAJOR", 30),
}

# Second factor, re-authentication and API tokens (zhifa.accounts.mfa, zhifa.accounts.tokens;
# docs/operations.md "第二因素与 API 令牌").
# Roles by value (zhifa.core.roles.Role), comma-separated; "none" for no role (then only the accounts
# marked 要求第二因素, or every account with ZHIFA_MFA_REQUIRED_ALL).
ZHIFA_MFA_REQUIRED_ROLES = [
    role
    for role in envlist(
        "ZHIFA_MFA_REQUIRED_ROLES",
        ["legal_reviewer", "district_leader", "system_admin", "security_admin", "audit_admin"],
    )
    if role.lower() != "none"
]
_UNKNOWN_ROLES = sorted(set(ZHIFA_MFA_REQUIRED_ROLES) - set(_Role.values))
if _UNKNOWN_ROLES:
    # A misspelt role would silently drop the second factor for it.
    raise ConfigError(f"ZHIFA_MFA_REQUIRED_ROLES 含未知角色：{', '.join(_UNKNOWN_ROLES)}")
ZHIFA_MFA_REQUIRED_ALL = envbool("ZHIFA_MFA_REQUIRED_ALL", False)
ZHIFA_REAUTH_SECONDS = envint("ZHIFA_REAUTH_SECONDS", 300)
ZHIFA_API_TOKEN_MAX_DAYS = envint("ZHIFA_API_TOKEN_MAX_DAYS", 90)
ZHIFA_API_TOKEN_DAYS = min(envint("ZHIFA_API_TOKEN_DAYS", 90), ZHIFA_API_TOKEN_MAX_DAYS)
OTP_TOTP_ISSUER = env("ZHIFA_OTP_ISSUER") or "执法一体化平台"
OTP_TOTP_THROTTLE_FACTOR = 1  # django-otp: seconds of delay, doubling after each wrong code
