"""Tests: fast hashing, local-memory cache, mail outbox and tasks run at once."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-key")
os.environ["DEBUG"] = "false"

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Tests render each page in full, as after a change: the page cache and its fragments are
# switched on by their own tests (tests/home/test_cache.py), so that query counts measure
# what a page costs to render, and a change made by a factory shows at the next request.
PAGE_CACHE_SECONDS = 0
PAGE_CACHE_FRAGMENTS = False
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
ALLOWED_HOSTS = ["*"]
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-private-media"  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Tests need no durability: PostgreSQL skips waiting for the disk at each commit
# (the test database is created with ~190 migrations, each committed).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405

# Django's test client logs in without a request (Client.login), which django-axes
# refuses: the throttle is switched on by the tests that check it
# (tests/home/test_login_throttle.py), with the production AXES_* settings above.
AXES_ENABLED = False
# Tests log staff into the admin with Client.force_login, which gives no two-factor
# code: the requirement is switched on by the tests that check it
# (tests/extranet/test_accounts.py), with the production default above.
OTP_REQUIRED_FOR_STAFF = False

# SQLite's test database is a file, not memory: live-server tests then get one
# connection per thread, as under gunicorn (an in-memory database is one connection
# shared by every thread), which tests/home/test_concurrency.py needs. One file per
# test process, in the temporary folder, so that two runs never share one.
# Durability is not needed: no waiting for the disk at commits.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"clusterjura-test-{os.getpid()}.sqlite3"),
    }
    DATABASES["default"]["OPTIONS"]["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
    )
