"""Measure the main public pages: SQL queries and server time per request.

Usage: .venv/bin/python bench/pages.py [--requests 50] [URL ...]
Uses DATABASE_URL when set, else a throw-away SQLite file bench/bench.sqlite3
(migrated and filled with the demo content on first use). Prints one line a page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterjura.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

DEFAULT_URLS = [
    "/",
    "/actualites/",
    "/actualites/assemblee-generale-2021-fonds-impulsion/",
    "/projets/",
    "/projets/atelier-textile-jurassien/",
    "/ateliers/",
    "/appels-a-idees/transitions-2026/",
    "/recherche/?q=assemblée",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("urls", nargs="*", default=DEFAULT_URLS)
    args = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    # As in Django's tests: keep one connection so the query log covers the whole request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client(HTTP_HOST="127.0.0.1")
    print(
        f"database: {connection.vendor}; {args.requests} requests a page, in process (no network)"
    )
    print(f"{'page':<55} {'status':>6} {'queries':>7} {'median ms':>9} {'p95 ms':>7} {'req/s':>7}")
    for url in args.urls:
        client.get(url)  # warm caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        query_count = len(queries)  # read now: the next request_started clears the log
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        median = statistics.median(timings)
        print(
            f"{url:<55} {response.status_code:>6} {query_count:>7} {median:>9.1f} {p95:>7.1f} {1000 / median:>7.1f}"
        )


if __name__ == "__main__":
    main()
