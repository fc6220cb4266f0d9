"""Production settings, safe by default: DEBUG off, every secret from the environment.

`dev` and `test` are short overrides of this module. All environment variables
are read through `clusterjura.env` and listed in the README.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from clusterjura import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env.get_required(
    "SECRET_KEY",
    "set a long random value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'",
)
DEBUG = env.get_bool("DEBUG", False)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])
BASE_URL = env.get_str("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL

INSTALLED_APPS = [
    "home",
    "projects",
    "donations",
    "extranet",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
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
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    # Failed logins on every login form (Wagtail's admin, the accounts of /compte/).
    "axes",
    # Two-factor authentication by TOTP (extranet/services/accounts.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    # No django.contrib.admin: staff use Wagtail's admin only (nothing here needs
    # Django's; the admin classes of django-tasks-db and axes are never loaded).
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Wagtail's database search backend needs it on PostgreSQL (postgres.E005).
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security headers on every answer, cached pages and static files included.
    "home.middleware.ContentSecurityPolicyMiddleware",
    "home.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages for anonymous visitors from the cache, before sessions and the page
    # tree are touched (home/cache.py says what is never stored).
    "home.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session given a two-factor code?
    "django_otp.middleware.OTPMiddleware",
    # An account with an authenticator gives its code before anything else; accounts
    # that can open the admin must have one (OTP_REQUIRED_FOR_STAFF).
    "extranet.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clusterjura.urls"
WSGI_APPLICATION = "clusterjura.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # csp_nonce, for an inline <script nonce="{{ csp_nonce }}"> (SECURE_CSP).
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.get_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.get_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite, the zero-setup default, serving several requests at once: a write-ahead
    # log so readers never block the writer, BEGIN IMMEDIATE so a transaction takes
    # the write lock when it starts (a deferred one that reads then writes fails at
    # once with "database is locked" when another writer got there first), and a
    # busy timeout so the others wait in line instead of answering 500.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = env.get_str("REDIS_URL")
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": "clusterjura",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "clusterjura",
        }
    }

# The full-page cache and the fragments every page shows (home/cache.py): shared by every
# app server through Redis, else by the workers of one machine through local files (a
# page published through one worker is fresh in the others). PAGE_CACHE_SECONDS=0 turns
# the page cache off (fragments stay cached).
if _redis_url:
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "clusterjura-pages"}
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.get_str("PAGE_CACHE_DIR", str(BASE_DIR / ".page-cache")),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SECONDS = env.get_int("PAGE_CACHE_SECONDS", 300)
# The parts every page shares (menu, footer, figures, routes, {% cached %} sections), kept
# under the same version for every visitor; false renders everything at each request.
PAGE_CACHE_FRAGMENTS = env.get_bool("PAGE_CACHE_FRAGMENTS", True)
# What browsers and a CDN may keep a cached page without asking again (seconds).
PAGE_CACHE_MAX_AGE = 60
# Never served from nor stored in the page cache, whatever the answer says.
PAGE_CACHE_EXCLUDED_PATHS = (
    "/admin/",
    "/compte/",
    "/dons/",
    "/extranet/",
    "/documents/",
    "/_util/",
    "/health/",
    "/bench/",
)
# A CDN or caching proxy in front of the site: Wagtail purges a page's URLs from it
# when the page is published or unpublished, and home.cache the pages whose figures
# change. FRONTEND_CACHE_URL is where PURGE requests go (e.g. http://127.0.0.1:6081).
_frontend_cache_url = env.get_str("FRONTEND_CACHE_URL")
if _frontend_cache_url:
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": _frontend_cache_url,
        }
    }

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins are counted in the database (shared by every app server) per account
# AND per client address: either reaching the limit locks, for the cool-off period.
# A login during the lockout, even with the right password, is refused and restarts it.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.get_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.get_int("LOGIN_COOLOFF_MINUTES", 15))
# A success resets no count: otherwise an attacker could log in to their own account
# between guesses and never reach the limit.
AXES_RESET_ON_SUCCESS = False
# The same client address as the rate limits (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "home.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "errors/lockout.html"
# Failures are kept for the cool-off only; successful logins are not logged by address.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner at each start; lockouts are still logged as warnings

# Accounts (extranet/urls.py, under /compte/). Wagtail's page privacy sends visitors to
# WAGTAIL_FRONTEND_LOGIN_URL (its own /_util/login/ otherwise); its admin keeps its own
# login page (WAGTAILADMIN_LOGIN_URL is left to Wagtail).
LOGIN_URL = "/compte/connexion/"
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
LOGIN_REDIRECT_URL = "/extranet/"
# Invitation and password-reset links (signed tokens, no table) work once, this long.
PASSWORD_RESET_TIMEOUT = env.get_int("INVITATION_DAYS", 7) * 24 * 3600
# Staff reset their password at /compte/mot-de-passe/oubli/, whose email goes through the
# outbox and is rate-limited; Wagtail's admin form would send it directly.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Staff who can open Wagtail's admin must give a TOTP code after their password. Only
# `make run` (dev settings) switches it off, so the demo admin needs no phone app.
OTP_REQUIRED_FOR_STAFF = env.get_bool("OTP_REQUIRED_FOR_STAFF", True)
OTP_TOTP_ISSUER = "Clus'Ter Jura"
SESSION_COOKIE_HTTPONLY = True
# With Redis, sessions are read from the shared cache and written through to the
# database: any app server knows a login made on another, and a logout or a Redis
# restart loses nothing. Without it, the database alone.
if _redis_url:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("fr", "Français")]
FORMAT_MODULE_PATH = ["clusterjura.formats"]
# Where Wagtail's own French reads badly in the admin ("Status actuel"): locale/fr.
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
# Where `collectstatic` writes (at build time), served by WhiteNoise.
STATIC_ROOT = Path(env.get_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.get_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Documents (home.Document) are stored apart, where no web server looks: only the
# checking view (home.documents.serve) reads them. It must not be inside MEDIA_ROOT
# (a system check refuses it). S3 later: point STORAGES["private"] at a private bucket.
PRIVATE_MEDIA_ROOT = Path(env.get_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "home.storage.PrivateFileSystemStorage"},
    # collectstatic (at build) writes each file under a hashed name with a gzip copy;
    # WhiteNoise serves the hashed names as immutable, cached for ten years.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several app servers: media on S3-compatible storage (django-storages), so that no
# server keeps files of its own. Images (and their renditions) in a bucket readable by
# anyone (each object public-read, unless AWS_DEFAULT_ACL=none when a bucket policy
# does it); documents in a private bucket (or a private prefix of the same bucket),
# every object private, read by the app only after its permission check
# (home.documents.serve): the bucket never gives them to a browser.
_bucket = env.get_str("AWS_STORAGE_BUCKET_NAME")
MEDIA_ORIGINS: list[str] = []  # where public images are served from, if not this site
if _bucket:
    _s3 = {
        "endpoint_url": env.get_str("AWS_S3_ENDPOINT_URL"),
        "region_name": env.get_str("AWS_S3_REGION_NAME"),
        "access_key": env.get_str("AWS_ACCESS_KEY_ID"),
        "secret_key": env.get_str("AWS_SECRET_ACCESS_KEY"),
        # Never replace a file of the same name: Wagtail gives each upload its own.
        "file_overwrite": False,
    }
    _public_acl = env.get_str("AWS_DEFAULT_ACL", "public-read")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": _bucket,
            "default_acl": None if _public_acl.lower() == "none" else _public_acl,
            "querystring_auth": False,
        },
    }
    _private_bucket = env.get_str("AWS_PRIVATE_BUCKET_NAME", _bucket)
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": _private_bucket,
            "location": env.get_str("AWS_PRIVATE_LOCATION", "private"),
            "default_acl": "private",
            # If an address is ever asked for, a signed one that expires in 5 minutes.
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }
    if _private_bucket == _bucket and _public_acl.lower() == "none":
        raise ImproperlyConfigured(
            "AWS_DEFAULT_ACL=none makes the bucket readable by a policy: give the documents "
            "a bucket of their own (AWS_PRIVATE_BUCKET_NAME)."
        )
    _endpoint = urlsplit(_s3["endpoint_url"] or f"https://{_bucket}.s3.amazonaws.com")
    MEDIA_ORIGINS = [f"{_endpoint.scheme}://{_endpoint.netloc}"]

# Email (Django 6.1 mailers): console unless EMAIL_HOST names an SMTP server.
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "Clus'Ter Jura <contact@clusterjura.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_host = env.get_str("EMAIL_HOST")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env.get_int("EMAIL_PORT", 587),
                "username": env.get_str("EMAIL_HOST_USER", ""),
                "password": env.get_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env.get_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background work (emails, later PDFs) goes through Django's tasks framework.
# The database backend keeps tasks until `manage.py db_worker` runs them.
TASKS = {
    "default": {
        "BACKEND": env.get_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

WAGTAIL_SITE_NAME = "Clus'Ter Jura"
WAGTAILSEARCH_BACKENDS = {
    "default": {
        # Wagtail's database backend; on SQLite, words are stemmed (home/search_backend.py).
        "BACKEND": "home.search_backend",
        # PostgreSQL full-text configuration: French stemming ("assemblées" finds "assemblée").
        "SEARCH_CONFIG": "french",
    }
}
WAGTAILDOCS_DOCUMENT_MODEL = "home.Document"
# Documents are always streamed by the checking view (privacy, Range, download log),
# never redirected to a storage URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "ods", "odp", "docx", "xlsx", "pptx", "csv", "txt", "zip"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No request to a third-party host, the admin included: avatars are Wagtail's default
# image (or the one staff upload), never fetched from Gravatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ALLOW_UNICODE_SLUGS = False

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

DATA_UPLOAD_MAX_MEMORY_SIZE = env.get_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

SESSION_COOKIE_SECURE = env.get_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# No script of the site reads the CSRF cookie (forms carry the token, and Wagtail's
# admin takes it from the page).
CSRF_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of the site append to X-Forwarded-For: the
# client address used by the rate limits is taken that far from the right.
TRUSTED_PROXY_COUNT = env.get_int("TRUSTED_PROXY_COUNT", 0)

# Stripe (donations). Without keys the campaign page renders and says online payment
# is not configured. STRIPE_API_BASE points the library at another host (the tests'
# local Stripe double); unset in production.
STRIPE_SECRET_KEY = env.get_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env.get_str("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env.get_str("STRIPE_API_BASE", "")

# The demo loader creates the extranet's demo accounts (associe1..3, visiteur) only
# with DEBUG on, or when this says so explicitly: never by accident in production.
DEMO_USERS = env.get_bool("DEMO_USERS", False)
# The benchmark (bench/serve.py) serves its ceiling, a constant page, at /bench/constant/.
BENCH_ENDPOINTS = env.get_bool("BENCH_ENDPOINTS", False)

# --- HTTPS and security headers (`manage.py check --deploy` is clean in production) ---
# BASE_URL's scheme sets the defaults: a site published over https redirects plain
# http (the proxy says which through X-Forwarded-Proto) and sends HSTS for a year.
_https = BASE_URL.startswith("https://")
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", _https)
# The load balancer asks each app server directly, over plain http.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31_536_000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Wagtail's preview shows the page in a frame of the admin: same origin only (and
# frame-ancestors 'self' below, for browsers that read the CSP).
X_FRAME_OPTIONS = "SAMEORIGIN"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), magnetometer=(), gyroscope=(), accelerometer=(), browsing-topics=()"
)
SILENCED_SYSTEM_CHECKS = [
    # X_FRAME_OPTIONS is SAMEORIGIN, not DENY: Wagtail's page preview is a frame of the
    # admin, on the same origin. No other origin may frame the site.
    "security.W019",
    # HSTS preload asks browsers to hard-code https for the domain and every subdomain,
    # and is hard to undo: the cooperative's decision, not a default of the code.
    "security.W021",
]
# Content Security Policy (Django's ContentSecurityPolicyMiddleware, through
# home.middleware): scripts, styles, fonts and frames from the site only, no inline
# script without the page's nonce ({{ csp_nonce }}), nothing from a third-party host.
# Forms post to the site, which may then send the donor to Stripe's Checkout page.
_stripe_origins = ["https://checkout.stripe.com", "https://billing.stripe.com"]
if STRIPE_API_BASE:
    _api = urlsplit(STRIPE_API_BASE)  # the tests' Stripe double serves the payment page
    _stripe_origins.append(f"{_api.scheme}://{_api.netloc}")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF, *_stripe_origins],
    "frame-ancestors": [CSP.SELF],
}
# Wagtail's admin writes inline scripts and style attributes, and previews images from
# the browser's memory: the same policy, with those allowed, under /admin/ only.
SECURE_CSP_ADMIN = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *MEDIA_ORIGINS],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    # django-axes logs each step of every login at INFO, stripe-python each request:
    # failures are warnings (donations.stripe_api logs its own).
    "loggers": {"axes": {"level": "WARNING"}, "stripe": {"level": "WARNING"}},
}
