"""Development: a local key, DEBUG on and the console email backend unless the environment says otherwise."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECURE_COOKIES", "false")
# The demo admin of `make run` logs in without a phone app; OTP_REQUIRED_FOR_STAFF=true
# make run tries the production behaviour.
os.environ.setdefault("OTP_REQUIRED_FOR_STAFF", "false")
# A template edited in development shows at the next request: no page cache and no cached
# fragments, unless asked for (PAGE_CACHE_SECONDS=300 PAGE_CACHE_FRAGMENTS=true make run).
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")
os.environ.setdefault("PAGE_CACHE_FRAGMENTS", "false")

from .base import *  # noqa: E402,F403

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "[::1]"]  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Static files are served by WhiteNoise from the source folders, even with DEBUG=false.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SERVE_MEDIA = True

# Keep the console readable: emails and errors, not every page publication or task step.
LOGGING["loggers"] = {  # noqa: F405
    name: {"level": "WARNING"}
    for name in ("wagtail", "django.tasks", "django_tasks", "django_tasks_db", "axes", "stripe")
}
