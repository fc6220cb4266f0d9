"""Settings come from the environment; production refuses to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from clusterjura import env

ROOT = Path(__file__).resolve().parents[2]


def run_settings(module: str, **environ: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    clean.update(environ, DJANGO_SETTINGS_MODULE=module)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_stops_with_a_clear_message():
    result = run_settings("clusterjura.settings.base")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is required" in result.stderr


def test_production_with_secret_is_not_in_debug_and_defaults_to_sqlite():
    result = run_settings("clusterjura.settings.base", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_database_url_switches_to_postgresql():
    result = run_settings(
        "clusterjura.settings.base",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://u:p@db.example:5432/cj",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "django.db.backends.postgresql"


def test_development_settings_run_without_any_variable():
    result = run_settings("clusterjura.settings.dev")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("oui", True), ("false", False), ("0", False), ("", False)],
)
def test_booleans_are_parsed(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env.get_bool("SOME_FLAG", default=not expected) is expected


def test_a_bad_boolean_or_number_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env.get_bool("SOME_FLAG")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env.get_int("SOME_NUMBER", 3)


def test_lists_are_split_on_commas(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "clusterjura.fr, www.clusterjura.fr,,")
    assert env.get_list("ALLOWED_HOSTS", []) == ["clusterjura.fr", "www.clusterjura.fr"]


def test_site_speaks_french_in_paris_time(settings):
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert "django.contrib.postgres" in settings.INSTALLED_APPS
