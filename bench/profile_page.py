"""Profile one page as the benchmark serves it uncached (production settings, page
cache off), in-process: where a request's time goes.

Usage: .venv/bin/python bench/profile_page.py [--database URL] [--requests 200] [--sort tottime] URL
(the database bench/serve.py prepared: postgres://…/clusterjura_bench by default)
"""

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clusterjura_bench"
        ),
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", ""))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()

    os.environ.update(
        DJANGO_SETTINGS_MODULE="clusterjura.settings.base",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        DATABASE_URL=args.database,
        ALLOWED_HOSTS="127.0.0.1",
        PAGE_CACHE_SECONDS="0",
        PAGE_CACHE_DIR=str(ROOT / "bench" / ".page-cache"),
        STATIC_ROOT=os.environ.get("STATIC_ROOT", str(ROOT / "bench" / ".static")),
        LOG_LEVEL="WARNING",
    )
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(5):
        assert client.get(args.url).status_code == 200
    timings = []
    profiler = cProfile.Profile()
    for _ in range(args.requests):
        start = time.perf_counter()
        profiler.enable()
        client.get(args.url)
        profiler.disable()
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"{args.url}: median {statistics.median(timings):.1f} ms (profiled), "
        f"min {min(timings):.1f} ms over {args.requests} requests"
    )
    stats = pstats.Stats(profiler)
    stats.sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
