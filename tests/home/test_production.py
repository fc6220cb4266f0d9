"""Production runtime: `check --deploy` is clean, every answer carries the security
headers (a Content Security Policy without inline script, HSTS, Permissions-Policy…),
cookies stay on https and out of scripts, static files are hashed, compressed and cached
for long, /health/ tells the load balancer the truth, a database outage is a French 503
page, and the Wagtail Site's address is BASE_URL's."""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
from defusedxml import ElementTree as ET  # Wagtail's Willow depends on it
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from wagtail.models import Site

from home.models import NewsPage

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "https://clusterjura.example"
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "clusterjura.settings.base",
    "SECRET_KEY": "production-like-" + "k" * 50,
    "BASE_URL": "https://clusterjura.fr",
    "ALLOWED_HOSTS": "clusterjura.fr",
    "EMAIL_HOST": "smtp.example.org",
}
# DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' process (Playwright), never
# in production: the subprocess must not inherit it (check --deploy reports it).
CLEARED = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "SECURE_SSL_REDIRECT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def manage(*args: str, **environ: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED and not k.startswith("AWS_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- check --deploy --------------------------------------------------------------------


def test_check_deploy_is_clean_with_the_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (2 silenced)" in result.stdout + result.stderr


def test_https_redirect_and_hsts_follow_the_environment():
    """BASE_URL in https turns both on; SECURE_SSL_REDIRECT=false (a proxy that redirects
    itself) is reported by check --deploy, as it should be."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="false")
    assert result.returncode != 0
    assert "security.W008" in result.stderr
    plain = manage("check", "--deploy", BASE_URL="http://127.0.0.1:8000")
    assert "security.W004" in plain.stderr  # no HSTS over plain http
    assert "security.W008" in plain.stderr


# --- security headers ------------------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


PUBLIC_PAGES = ["/", "/projets/", "/fonds-impulsion/", "/actualites/", "/recherche/?q=bois"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_a_strict_policy_and_the_security_headers(client, demo_site, path):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'" and "'unsafe-inline'" not in csp["script-src"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_hsts_is_sent_over_https(client, demo_site, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


class InlineCode(HTMLParser):
    """Inline scripts (executable ones), <style> elements and style="" attributes."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.styles = 0
        self.style_attributes: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            kind = (attrs.get("type") or "text/javascript").lower()
            if kind in {"text/javascript", "module", "application/javascript"}:
                self.scripts.append(attrs)
        if tag == "style":
            self.styles += 1
        if "style" in attrs:
            self.style_attributes.append(tag)
        self.handlers += [name for name in attrs if name.startswith("on")]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/compte/connexion/", "/page-inexistante/"])
def test_pages_have_no_inline_code_the_policy_would_block(client, demo_site, path):
    """What the policy refuses would silently break the page: no inline event handler,
    no style attribute or element, and any inline script carries the page's nonce."""
    response = client.get(path, secure=True)
    reader = InlineCode()
    reader.feed(response.content.decode())
    assert reader.handlers == [], reader.handlers
    assert reader.styles == 0
    assert reader.style_attributes == [], reader.style_attributes
    for script in reader.scripts:
        assert f"'nonce-{script.get('nonce')}'" in policy(response)["script-src"]


def test_error_pages_have_no_inline_style(rf):
    from home.views import server_error

    body = server_error(rf.get("/")).content.decode()
    assert "<style" not in body and "style=" not in body
    assert 'rel="stylesheet"' in body


@pytest.mark.django_db
def test_the_admin_keeps_working_with_its_own_policy(admin_client):
    """Wagtail's admin writes inline scripts: allowed there, and only there."""
    response = admin_client.get("/admin/", secure=True)
    assert response.status_code == 200
    csp = policy(response)
    assert "'unsafe-inline'" in csp["script-src"]
    assert csp["frame-ancestors"] == ["'self'"]


@pytest.mark.django_db
def test_cookies_are_secure_and_out_of_reach_of_scripts(client, demo_site, django_user_model):
    response = client.get("/compte/connexion/", secure=True)
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    django_user_model.objects.create_user("camille", password="un-mot-de-passe-long")
    response = client.post(
        "/compte/connexion/",
        {"username": "camille", "password": "un-mot-de-passe-long"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


# --- static files ----------------------------------------------------------------------


def test_collectstatic_writes_hashed_compressed_files_served_for_years(tmp_path):
    result = manage("collectstatic", "--noinput", "-v0", STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    hashed = re.search(r'"css/site.css": "(css/site\.[0-9a-f]{12}\.css)"', manifest).group(1)
    assert (tmp_path / f"{hashed}.gz").exists()

    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "from django.templatetags.static import static\n"
        f"r = Client().get('/static/{hashed}', HTTP_ACCEPT_ENCODING='gzip', secure=True,"
        " HTTP_HOST='clusterjura.fr')\n"
        "print(r.status_code, r['Cache-Control'], r.get('Content-Encoding'),"
        " static('css/site.css'), sep='|')\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    served = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "STATIC_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode == 0, served.stderr
    status, cache_control, encoding, url = served.stdout.strip().splitlines()[-1].split("|")
    assert status == "200"
    assert "max-age=315360000" in cache_control and "immutable" in cache_control
    assert encoding == "gzip"
    assert url == f"/static/{hashed}"


# --- /health/ --------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_says_ok_when_the_database_and_the_cache_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_says_503_when_the_cache_does_not_answer(client):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "indisponible", "database": "ok", "cache": "indisponible"}
    assert "redis" not in response.content.decode().lower()


def test_health_is_exempt_from_the_https_redirect_for_the_load_balancer():
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='clusterjura.fr')\n"
        "print(c.get('/health/').status_code, c.get('/').status_code)\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "DATABASE_URL": "sqlite:///:memory:"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The probe over plain http gets its answer (an empty database still answers SELECT 1),
    # while a page over plain http is sent to https before anything else.
    assert result.stdout.split()[-2:] == ["200", "301"], result.stderr[-2000:]


# --- database outage -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_database_that_does_not_answer_gives_the_french_503_page(client, demo_site):
    """The real outage (PostgreSQL cut, then back) is in tests/test_services.py; here, any
    view whose query fails to connect."""
    client.raise_request_exception = False
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed')
    with mock.patch("home.views.render", side_effect=refused):
        response = client.get("/recherche/?q=bois")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "Le site est momentanément indisponible" in body
    assert "5432" not in body


@pytest.mark.django_db
def test_a_bug_is_still_a_500(client, demo_site):
    client.raise_request_exception = False
    with mock.patch("home.views.render", side_effect=ValueError("a bug")):
        response = client.get("/recherche/?q=bois")
    assert response.status_code == 500
    assert "Un problème est survenu" in response.content.decode()


# --- the Wagtail Site's address --------------------------------------------------------


@pytest.mark.django_db
def test_the_site_address_follows_base_url_and_every_public_address_agrees(
    client, demo_site, settings
):
    settings.BASE_URL = PUBLIC
    call_command("load_demo_content", verbosity=0)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("clusterjura.example", 443)
    assert site.root_url == PUBLIC
    article = NewsPage.objects.live().public().first()
    assert article.full_url.startswith(f"{PUBLIC}/")

    robots = client.get("/robots.txt").content.decode()
    sitemap_url = re.search(r"^Sitemap: (.+)$", robots, re.MULTILINE).group(1)
    assert sitemap_url == f"{PUBLIC}/sitemap.xml"
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [
        loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert locations and all(loc.startswith(f"{PUBLIC}/") for loc in locations)
    assert article.full_url in locations


@pytest.mark.django_db
def test_migrate_gives_the_site_base_url_s_address(demo_site, settings):
    from django.apps import apps
    from django.db.models.signals import post_migrate

    settings.BASE_URL = "http://127.0.0.1:8123"
    post_migrate.send(sender=apps.get_app_config("home"), app_config=apps.get_app_config("home"))
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
    assert site.root_url == "http://127.0.0.1:8123"
