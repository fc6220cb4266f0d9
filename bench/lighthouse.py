"""Lighthouse scores of the main public pages, served as in production, on this machine.

Usage: .venv/bin/python bench/lighthouse.py [--runs 3] [--port 8765] [--check] [PATH ...]
(or `make lighthouse`).

1. Installs Lighthouse from the npm registry into bench/lighthouse/node_modules (the
   version pinned by bench/lighthouse/package.json and package-lock.json), once.
2. Prepares a throw-away site in bench/.lighthouse/ (SQLite database, media): migrate,
   demo content, collectstatic.
3. Serves it with gunicorn (site/gunicorn.conf.py, two workers) on 127.0.0.1 under the
   production settings (clusterjura.settings.base: DEBUG off, static files hashed and
   compressed, served by WhiteNoise, security headers, page cache). Images are served from MEDIA_ROOT by bench/lighthouse_wsgi.py, standing in
   for the web server in front of the site (nginx in the README), as in production.
4. Runs Lighthouse (mobile preset, simulated slow 4G and CPU) with Debian's Chromium,
   headless, on the home page, a project page, the open call for ideas and the donation
   page. Nothing leaves 127.0.0.1.

Prints the four scores of each page (the median of --runs runs), then the audits that
cost points. Reports (HTML and JSON) are kept in bench/.lighthouse/reports/.
--check exits with status 1 when a page is under the targets (performance 95,
accessibility, best practices and SEO 100) or asked anything of another host.
Scores of performance move with the load of the machine: compare medians.
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
NPM_DIR = BENCH / "lighthouse"
LIGHTHOUSE = NPM_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
WORK = BENCH / ".lighthouse"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
CHROME_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Headless, and no call home: no component updates, no sync, no metrics.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync"
    " --disable-background-networking --disable-component-update --disable-default-apps"
    " --disable-domain-reliability --metrics-recording-only"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}

# The pages measured, found in the demo content by what they are (slugs may change).
FIND_PAGES = """
from donations.models import DonationPage
from projects.models import CallForIdeasPage, ProjectPage
from wagtail.models import Site

def first_url(model, **filters):
    page = model.objects.live().public().filter(**filters).order_by("path").first()
    return page.url if page else ""

calls = [c for c in CallForIdeasPage.objects.live().public().order_by("path") if c.is_open()]
print("PAGE accueil", Site.objects.get(is_default_site=True).root_page.url)
print("PAGE projet", first_url(ProjectPage))
print("PAGE appel", calls[0].url if calls else first_url(CallForIdeasPage))
print("PAGE dons", first_url(DonationPage))
"""


def site_environment(port: int) -> dict[str, str]:
    """The production settings, on this machine: only what a real deployment would also set."""
    env = dict(os.environ)
    for name in list(env):
        if name.startswith("AWS_") or name in (
            "DJANGO_SETTINGS_MODULE",
            "DEBUG",
            "REDIS_URL",
            "EMAIL_HOST",
            "STRIPE_API_BASE",
        ):
            env.pop(name)
    key_file = WORK / "secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    env.update(
        DJANGO_SETTINGS_MODULE="clusterjura.settings.base",
        SECRET_KEY=key_file.read_text().strip(),
        ALLOWED_HOSTS="127.0.0.1",
        BASE_URL=f"http://127.0.0.1:{port}",
        DATABASE_URL=f"sqlite:///{WORK / 'site.sqlite3'}",
        MEDIA_ROOT=str(WORK / "media"),
        PRIVATE_MEDIA_ROOT=str(WORK / "private-media"),
        STATIC_ROOT=str(WORK / "static"),
        PAGE_CACHE_DIR=str(WORK / "page-cache"),
        # gunicorn as in production (site/gunicorn.conf.py), two workers on this port.
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        # Plain HTTP on 127.0.0.1: there is no TLS in front to terminate.
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",
        TASKS_BACKEND="django.tasks.backends.immediate.ImmediateBackend",
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH")])),
    )
    return env


def install_lighthouse() -> None:
    if shutil.which("npm") is None or shutil.which("node") is None:
        sys.exit("Node.js et npm sont nécessaires (Debian : apt-get install nodejs npm).")
    if not Path(CHROME_PATH).exists():
        sys.exit(f"Chromium est introuvable à {CHROME_PATH} (Debian : apt-get install chromium).")
    lock = NPM_DIR / "package-lock.json"
    stamp = NPM_DIR / "node_modules" / ".package-lock.json"
    if LIGHTHOUSE.exists() and stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    print("Installation de Lighthouse (npm ci, bench/lighthouse/node_modules)…", flush=True)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NPM_DIR, check=True
    )


def prepare_site(env: dict[str, str]) -> None:
    manage = [str(PYTHON), str(ROOT / "manage.py")]
    print("Préparation du site (migrate, démo, collectstatic)…", flush=True)
    for command in (
        ["migrate", "--noinput", "--verbosity", "0"],
        ["load_demo_content"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ):
        done = subprocess.run(
            [*manage, *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            sys.exit(f"manage.py {' '.join(command)} a échoué :\n{done.stdout}{done.stderr}")


def find_pages(env: dict[str, str]) -> list[tuple[str, str]]:
    output = subprocess.run(
        [str(PYTHON), str(ROOT / "manage.py"), "shell", "--no-imports", "-c", FIND_PAGES],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = []
    for line in output.splitlines():
        if line.startswith("PAGE "):
            _, label, url = line.split()
            pages.append((label, url))
    return pages


def free_port(port: int) -> None:
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            sys.exit(f"Le port {port} est déjà pris : --port pour en choisir un autre.")


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    log = open(WORK / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "--config",
            str(ROOT / "site" / "gunicorn.conf.py"),
            "lighthouse_wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn s'est arrêté : voir {WORK / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit(f"Le site ne répond pas sur le port {port} : voir {WORK / 'gunicorn.log'}")


def warm(url: str) -> None:
    """One plain request first: the page's image renditions are made now, not during
    the measure (as they would be by the first visitor after publication)."""
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()


def run_lighthouse(url: str, name: str, attempts: int = 2) -> dict:
    """One Lighthouse run. On a loaded machine Chromium sometimes starts too slowly for
    Lighthouse: such a run is tried again once."""
    output = WORK / "reports" / name
    env = dict(os.environ, CHROME_PATH=CHROME_PATH)
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output=html",
        f"--output-path={output}",
    ]
    for attempt in range(1, attempts + 1):
        done = subprocess.run(command, cwd=NPM_DIR, env=env, capture_output=True, text=True)
        if done.returncode == 0:
            return json.loads(output.with_suffix(".report.json").read_text())
        print(f"Lighthouse a échoué sur {url} (essai {attempt}) :\n{done.stderr[-2000:]}")
    sys.exit(f"Lighthouse a échoué {attempts} fois sur {url}.")


def scores(report: dict) -> dict[str, int]:
    return {
        category: round((report["categories"][category]["score"] or 0) * 100)
        for category in CATEGORIES
    }


def lost_points(report: dict) -> list[str]:
    """The audits that cost points: weighted, or failing in a category scored on pass/fail."""
    lines = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if ref.get("weight", 0) and score is not None and score < 1:
                value = audit.get("displayValue", "")
                lines.append(f"    {category}: {ref['id']} ({score:.2f}) {audit['title']} {value}")
    return lines


def other_hosts(report: dict, base: str) -> list[str]:
    """Requests the page made anywhere but the site itself (there must be none)."""
    items = report["audits"]["network-requests"]["details"]["items"]
    return [item["url"] for item in items if not item["url"].startswith((base, "data:"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median kept)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--check", action="store_true", help="exit 1 under the targets")
    parser.add_argument("paths", nargs="*", help="paths to measure instead of the four pages")
    args = parser.parse_args()

    (WORK / "reports").mkdir(parents=True, exist_ok=True)
    install_lighthouse()
    free_port(args.port)
    env = site_environment(args.port)
    prepare_site(env)
    pages = [(path.strip("/") or "accueil", path) for path in args.paths] or find_pages(env)
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(env, args.port)
    results = []
    try:
        for label, path in pages:
            warm(base + path)
            name = label.replace("/", "_")
            reports = [run_lighthouse(base + path, f"{name}-{run}") for run in range(args.runs)]
            by_category = [scores(report) for report in reports]
            median = {c: int(statistics.median(s[c] for s in by_category)) for c in CATEGORIES}
            results.append((label, path, median, reports[-1]))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print()
    print(f"Lighthouse {results[0][3]['lighthouseVersion']}, mobile, {args.runs} run(s) par page")
    print(f"{'page':<10} {'adresse':<42} {'perf':>5} {'acces':>6} {'prat.':>6} {'SEO':>5}")
    below = False
    for label, path, median, report in results:
        row = [median[c] for c in CATEGORIES]
        print(f"{label:<10} {path:<42} {row[0]:>5} {row[1]:>6} {row[2]:>6} {row[3]:>5}")
        for line in lost_points(report):
            print(line)
        outside = other_hosts(report, base)
        for url in outside:
            print(f"    requête hors du site : {url}")
        below |= any(median[c] < TARGETS[c] for c in CATEGORIES) or bool(outside)
    print(f"Cibles : performance ≥ 95, le reste 100. Rapports : {WORK / 'reports'}")
    if args.check and below:
        sys.exit(1)


if __name__ == "__main__":
    main()
