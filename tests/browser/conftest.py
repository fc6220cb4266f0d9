"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

No browser is downloaded: /usr/bin/chromium is installed by `make test` (bin/install-browser).
A missing browser fails the run; it never skips.
"""

import os
from pathlib import Path

import pytest

# Playwright's event loop otherwise trips Django's async guard during database setup.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium introuvable ({CHROMIUM}) : lancez `make test` ou `apt-get install chromium`."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def site_url(live_server, transactional_db):
    """The live server's address, with the demo site rebuilt (the previous live test flushed it)."""
    from tests.conftest import build_demo_site

    build_demo_site()
    return live_server.url
