"""Settings of the app servers and workers that tests start as separate processes
(tests/servers.py): the production settings, with three test conveniences only.

- static files from the source folders (no `collectstatic` before each run; the
  hashed, compressed files are tested in tests/home/test_production.py);
- the fast password hasher the test process writes its users with;
- the outbox's lease shortened, so that a worker killed mid-send is relieved in seconds.
Everything else (database, Redis, S3, mailer, tasks) comes from the environment the
test gives, as on a real server.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-servers-only-key")

from clusterjura.settings.base import *  # noqa: E402,F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
OUTBOX_LEASE_SECONDS = int(os.environ.get("TEST_OUTBOX_LEASE_SECONDS", "300"))
